// Run mode: the current step, a countdown, turns for speakers, and the group agreement, for a
// laptop or a shared screen. Everything it needs is in the page (#run-mode-data), so once the
// page has loaded it makes no network requests at all.
//
// Time is always worked out from the clock (performance.now), never by counting ticks: the
// interval only decides how often the screen is refreshed, so a slow or sleeping tab, or a
// fake clock in tests, still shows the right time.
(function () {
  "use strict";

  var root = document.getElementById("run-mode");
  var source = document.getElementById("run-mode-data");
  if (!root || !source) return;
  var data = JSON.parse(source.textContent);
  var steps = data.steps || [];
  if (!steps.length) return;

  function $(name) {
    return root.querySelector("[data-run-" + name + "]");
  }

  var el = {
    stage: $("stage"),
    nojs: $("nojs"),
    progress: $("progress"),
    title: $("step-title"),
    guidance: $("guidance"),
    timer: $("timer"),
    timerLabel: $("timer-label"),
    clock: $("clock"),
    up: $("up"),
    upText: $("up-text"),
    over: $("over"),
    toggle: $("toggle"),
    reset: $("reset"),
    nextSpeaker: $("next-speaker"),
    turns: $("turns"),
    turnsNote: $("turns-note"),
    speakers: $("speakers"),
    addForm: $("add-form"),
    addInput: root.querySelector("#run-add-name"),
    prev: $("prev"),
    next: $("next"),
    finish: $("finish"),
    sound: $("sound"),
    rulesToggle: $("rules-toggle"),
    rulesList: root.querySelector("#run-rules-list"),
    announce: $("announce"),
    fullscreen: $("fullscreen"),
    agenda: root.querySelectorAll("[data-run-agenda-item]"),
  };

  var now =
    window.performance && typeof window.performance.now === "function"
      ? function () {
          return window.performance.now();
        }
      : function () {
          return Date.now();
        };

  var state = {
    step: 0,
    running: false,
    startedAt: 0, // clock reading when the timer last started
    banked: 0, // milliseconds run before that
    speaker: 0, // index into speakers, for a step in turns; speakers.length = everyone has spoken
    upSignalled: false,
    speakers: (data.speakers || []).slice(),
    renaming: -1,
  };
  var audio = null;

  // ---- Time -------------------------------------------------------------------------------

  function current() {
    return steps[state.step];
  }
  function inTurns() {
    return !!current().minutes_each;
  }
  function noSpeakers() {
    return inTurns() && !state.speakers.length;
  }
  function turnsDone() {
    return inTurns() && state.speakers.length > 0 && state.speaker >= state.speakers.length;
  }
  // With nobody left to speak, or everyone done, the clock stops.
  function stopIfNobodyToSpeak() {
    if (turnsDone() || noSpeakers()) {
      state.running = false;
      state.banked = 0;
    }
  }
  function duration() {
    var step = current();
    return (inTurns() ? step.minutes_each : step.minutes) * 60000;
  }
  function elapsed() {
    return state.banked + (state.running ? now() - state.startedAt : 0);
  }
  function remaining() {
    return duration() - elapsed();
  }

  function mmss(ms) {
    var seconds = Math.max(0, Math.ceil(ms / 1000));
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return (minutes < 10 ? "0" : "") + minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }
  function minutesWords(n) {
    return n + (n === 1 ? " minute" : " minutes");
  }

  // Start the time of the current step or turn afresh; keep it running if it was.
  function restartSegment() {
    state.banked = 0;
    state.startedAt = now();
    state.upSignalled = false;
  }

  // ---- Speaking to screen readers and, when asked, out loud --------------------------------

  var lastMessage = "";
  function announce(message) {
    // The same words twice in a row would not be read again: vary them invisibly.
    if (message === lastMessage) message += "\u00a0";
    lastMessage = message;
    el.announce.textContent = message;
  }

  function chime() {
    if (!audio) return;
    if (audio.state === "suspended") audio.resume();
    var start = audio.currentTime + 0.05;
    [523.25, 659.25].forEach(function (frequency, i) {
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      var at = start + i * 0.3;
      oscillator.type = "sine";
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.12, at + 0.04);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.9);
      oscillator.connect(gain);
      gain.connect(audio.destination);
      oscillator.start(at);
      oscillator.stop(at + 1);
    });
  }

  // ---- Drawing ----------------------------------------------------------------------------

  function speakerName(index) {
    return state.speakers[index] || "";
  }

  function drawStep() {
    var step = current();
    el.progress.textContent = "Step " + (state.step + 1) + " of " + steps.length;
    el.title.textContent = step.title;
    el.guidance.textContent = step.guidance || "";
    el.guidance.hidden = !step.guidance;
    el.prev.disabled = state.step === 0;
    el.next.disabled = state.step === steps.length - 1;
    // On the last step, the way on is out: to the gathering's page (who came, notes, the wall).
    if (el.finish) el.finish.hidden = state.step !== steps.length - 1;
    el.turns.hidden = !inTurns();
    el.stage.classList.toggle("sbs-run__stage--turns", inTurns());
    el.nextSpeaker.hidden = !inTurns();
    if (inTurns()) {
      var note = minutesWords(step.minutes_each) + " each, one after another.";
      if (data.speakers_are_placeholders) {
        note += " Nobody has registered, so change the names to the people in the room.";
      }
      el.turnsNote.textContent = note;
    }
    el.agenda.forEach(function (item, index) {
      if (index === state.step) item.setAttribute("aria-current", "step");
      else item.removeAttribute("aria-current");
    });
    drawSpeakers();
    drawTime();
  }

  function drawSpeakers() {
    if (!inTurns()) return;
    var list = el.speakers;
    // Keep what is being typed into a name if the list is redrawn meanwhile (say, for the next speaker).
    var typing = list.querySelector(".sbs-run__rename input");
    var typed = typing ? typing.value : null;
    var hadFocus = typing && document.activeElement === typing;
    list.textContent = "";
    state.speakers.forEach(function (name, index) {
      var item = document.createElement("li");
      item.className = "sbs-run__speaker";
      if (index === state.renaming) {
        item.appendChild(renameForm(index));
        list.appendChild(item);
        return;
      }
      var label = document.createElement("span");
      label.className = "sbs-run__speaker-name";
      label.textContent = name;
      item.appendChild(label);
      var status = document.createElement("span");
      status.className = "sbs-run__speaker-status";
      if (index === state.speaker) {
        item.classList.add("sbs-run__speaker--current");
        item.setAttribute("aria-current", "true");
        status.textContent = "Speaking now";
      } else if (index < state.speaker) {
        item.classList.add("sbs-run__speaker--done");
        status.textContent = "Had their turn";
      }
      item.appendChild(status);
      var actions = document.createElement("span");
      actions.className = "sbs-run__speaker-actions";
      actions.appendChild(smallButton("Change", " the name " + name, "rename", index));
      actions.appendChild(smallButton("Remove", " " + name, "remove", index));
      item.appendChild(actions);
      list.appendChild(item);
    });
    var input = list.querySelector(".sbs-run__rename input");
    if (input && typed !== null) {
      input.value = typed;
      if (hadFocus) input.focus();
    }
    el.nextSpeaker.disabled = turnsDone() || noSpeakers();
  }

  function smallButton(text, hidden, action, index) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sbs-link-button govuk-link sbs-run__speaker-button";
    button.textContent = text;
    var extra = document.createElement("span");
    extra.className = "govuk-visually-hidden";
    extra.textContent = hidden;
    button.appendChild(extra);
    button.setAttribute("data-action", action);
    button.setAttribute("data-index", String(index));
    return button;
  }

  function renameForm(index) {
    var form = document.createElement("form");
    form.className = "sbs-run__rename";
    form.noValidate = true;
    form.setAttribute("data-index", String(index));
    var label = document.createElement("label");
    label.className = "govuk-label";
    label.htmlFor = "run-rename-" + index;
    label.textContent = "New name for " + speakerName(index);
    var input = document.createElement("input");
    input.className = "govuk-input sbs-run__add-input";
    input.id = "run-rename-" + index;
    input.type = "text";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.maxLength = 60;
    input.value = speakerName(index);
    var save = document.createElement("button");
    save.type = "submit";
    save.className = "govuk-button sbs-run__add-button";
    save.textContent = "Save name";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "govuk-button govuk-button--secondary sbs-run__add-button";
    cancel.textContent = "Cancel";
    cancel.setAttribute("data-action", "cancel-rename");
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(save);
    form.appendChild(cancel);
    return form;
  }

  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  // Cheap enough to run four times a second: it only touches what has changed.
  function drawTime() {
    var done = turnsDone();
    var left = remaining();
    var up = !done && left <= 0;
    setText(el.clock, done ? "00:00" : mmss(left));
    setText(el.over, up && left <= -1000 ? "Over by " + mmss(-left).replace(/^0/, "") : "");
    el.timer.classList.toggle("sbs-run__timer--up", up);
    el.timer.classList.toggle("sbs-run__timer--done", done);
    if (el.up.hidden === up) el.up.hidden = !up;
    var label;
    if (done) label = "Everyone has had a turn";
    else if (noSpeakers()) label = "Add the people taking turns";
    else if (inTurns()) label = "Time left for " + speakerName(state.speaker);
    else label = "Time left for this step";
    if (!state.running && elapsed() > 0 && !done) label += " (paused)";
    setText(el.timerLabel, label);
    setText(el.upText, inTurns() && !done ? "Time is up for " + speakerName(state.speaker) : "Time is up");

    var currentItem = el.speakers.querySelector(".sbs-run__speaker--current");
    if (currentItem) {
      currentItem.classList.toggle("sbs-run__speaker--up", up);
      setText(
        currentItem.querySelector(".sbs-run__speaker-status"),
        up ? "Time is up" : "Speaking now"
      );
    }

    setText(el.toggle, state.running ? "Pause" : elapsed() > 0 ? "Continue" : "Start");
    el.toggle.disabled = done || noSpeakers();
    el.reset.disabled = done || elapsed() === 0;
  }

  function tick() {
    if (!state.running) return;
    drawTime();
    if (!state.upSignalled && !turnsDone() && remaining() <= 0) {
      state.upSignalled = true;
      announce(inTurns() ? "Time is up for " + speakerName(state.speaker) + "." : "Time is up for this step.");
      if (el.sound.checked) chime();
    }
  }

  // Keep keyboard focus somewhere sensible when the focused button is about to be disabled.
  function keepFocus(button, fallback) {
    if (document.activeElement === button && button.disabled) fallback.focus();
  }

  // ---- Actions ----------------------------------------------------------------------------

  function toggle() {
    if (state.running) {
      state.banked = elapsed();
      state.running = false;
    } else {
      state.startedAt = now();
      state.running = true;
    }
    drawTime();
    tick();
  }

  function reset() {
    restartSegment();
    if (!state.running) state.startedAt = 0;
    drawTime();
    keepFocus(el.reset, el.toggle);
  }

  function goTo(index) {
    if (index < 0 || index >= steps.length || index === state.step) return;
    state.step = index;
    state.speaker = 0;
    state.renaming = -1;
    restartSegment();
    drawStep();
    var step = current();
    var message = "Step " + (index + 1) + " of " + steps.length + ": " + step.title + ". ";
    if (step.minutes_each) {
      message += "In turns, " + minutesWords(step.minutes_each) + " each.";
      if (state.speakers.length) message += " " + speakerName(0) + " goes first.";
    } else {
      message += minutesWords(step.minutes) + ".";
    }
    announce(message);
    keepFocus(el.next, el.prev);
    keepFocus(el.prev, el.next);
  }

  function nextSpeaker() {
    if (turnsDone()) return;
    state.speaker += 1;
    restartSegment();
    if (turnsDone()) {
      stopIfNobodyToSpeak();
      announce("Everyone has had a turn.");
    } else {
      announce("Now speaking: " + speakerName(state.speaker) + ".");
    }
    drawSpeakers();
    drawTime();
    keepFocus(el.nextSpeaker, el.next.disabled ? el.toggle : el.next);
  }

  function removeSpeaker(index) {
    var name = speakerName(index);
    state.renaming = -1;
    state.speakers.splice(index, 1);
    if (index < state.speaker) {
      state.speaker -= 1;
    } else if (index === state.speaker) {
      restartSegment(); // the next person starts with their full time
    }
    stopIfNobodyToSpeak();
    drawSpeakers();
    drawTime();
    announce(name + " removed.");
    var buttons = el.speakers.querySelectorAll('[data-action="remove"]');
    var target = buttons[Math.min(index, buttons.length - 1)];
    (target || el.addInput).focus();
  }

  function addSpeaker(name) {
    var wasDone = turnsDone() || noSpeakers();
    state.speakers.push(name);
    if (wasDone) {
      restartSegment();
      state.startedAt = 0;
    }
    drawSpeakers();
    drawTime();
    announce(name + " added to the end of the list.");
  }

  function renameSpeaker(index, name) {
    var before = speakerName(index);
    state.speakers[index] = name;
    state.renaming = -1;
    drawSpeakers();
    drawTime();
    if (before !== name) announce(before + " is now " + name + ".");
    var button = el.speakers.querySelectorAll('[data-action="rename"]')[index];
    if (button) button.focus();
  }

  // ---- Wiring -----------------------------------------------------------------------------

  el.toggle.addEventListener("click", toggle);
  el.reset.addEventListener("click", reset);
  el.next.addEventListener("click", function () {
    goTo(state.step + 1);
  });
  el.prev.addEventListener("click", function () {
    goTo(state.step - 1);
  });
  el.nextSpeaker.addEventListener("click", nextSpeaker);

  el.speakers.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (!button) return;
    if (button.getAttribute("data-action") === "cancel-rename") {
      var renaming = state.renaming;
      state.renaming = -1;
      drawSpeakers();
      drawTime();
      var back = el.speakers.querySelectorAll('[data-action="rename"]')[renaming];
      if (back) back.focus();
      return;
    }
    var index = Number(button.getAttribute("data-index"));
    if (button.getAttribute("data-action") === "remove") removeSpeaker(index);
    if (button.getAttribute("data-action") === "rename") {
      state.renaming = index;
      drawSpeakers();
      var input = el.speakers.querySelector("#run-rename-" + index);
      if (input) {
        input.focus();
        input.select();
      }
    }
  });
  el.speakers.addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    var index = Number(form.getAttribute("data-index"));
    var name = form.querySelector("input").value.trim();
    renameSpeaker(index, name || speakerName(index));
  });
  el.speakers.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && state.renaming >= 0) {
      var cancel = el.speakers.querySelector('[data-action="cancel-rename"]');
      if (cancel) cancel.click();
    }
  });

  el.addForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var name = el.addInput.value.trim();
    if (!name) {
      el.addInput.focus();
      return;
    }
    el.addInput.value = "";
    addSpeaker(name);
  });

  el.sound.addEventListener("change", function () {
    if (!el.sound.checked) return;
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    if (!audio) audio = new Context();
    chime(); // a sample, so the facilitator knows what to listen for and can set the volume
  });

  if (el.rulesToggle && el.rulesList) {
    el.rulesToggle.hidden = false;
    el.rulesToggle.addEventListener("click", function () {
      var show = el.rulesList.hidden;
      el.rulesList.hidden = !show;
      el.rulesToggle.setAttribute("aria-expanded", String(show));
      el.rulesToggle.textContent = show ? "Hide" : "Show";
    });
  }

  if (el.fullscreen && document.fullscreenEnabled && root.requestFullscreen) {
    el.fullscreen.hidden = false;
    el.fullscreen.addEventListener("click", function () {
      if (document.fullscreenElement) document.exitFullscreen();
      else root.requestFullscreen();
    });
    document.addEventListener("fullscreenchange", function () {
      el.fullscreen.textContent = document.fullscreenElement ? "Leave full screen" : "Full screen";
    });
  }

  el.nojs.hidden = true;
  el.stage.hidden = false;
  root.classList.add("sbs-run--live");
  restartSegment();
  state.startedAt = 0;
  drawStep();
  window.setInterval(tick, 250);
})();
