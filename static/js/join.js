// Answering from a phone. Without this script the form posts as usual; with it, an answer sent
// with no signal is kept on the phone and sent again (with the same UUID, so it is stored once)
// when the signal comes back.
(function () {
  "use strict";
  var KEY = "sbs-join-waiting";
  var SAVED = "Saved on your phone, sending when you have signal";
  var form = document.querySelector("[data-join-form]");
  var status = document.querySelector("[data-join-status]");
  var timer = null;
  var busy = false;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function store(items) {
    try { window.localStorage.setItem(KEY, JSON.stringify(items)); return true; } catch (e) { return false; }
  }
  function say(text) { if (status) { status.textContent = text; } }
  function currentUuid() {
    var input = form && form.querySelector("input[name=uuid]");
    return input ? input.value : "";
  }
  function send(item) {
    return window.fetch(item.url, {
      method: "POST",
      body: item.body,
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Requested-With": "join.js" }
    });
  }
  function forget(uuid) {
    store(load().filter(function (item) { return item.uuid !== uuid; }));
  }
  function schedule() {
    if (!timer && load().length) { timer = window.setInterval(flush, 5000); }
  }
  function flush() {
    var items = load();
    if (busy || !items.length) {
      if (!items.length && timer) { window.clearInterval(timer); timer = null; }
      return;
    }
    busy = true;
    var item = items[0];
    send(item).then(function (response) {
      if (response.ok) {
        return response.json().then(function (data) {
          forget(item.uuid);
          busy = false;
          if (item.uuid === currentUuid()) { window.location.assign(data.next); return; }
          flush();
        });
      }
      busy = false;
      if (response.status === 429 || response.status >= 500) { return; }
      // Cannot be stored as it is (the session ended, or the words need changing): if it is
      // this page's answer, post the form as usual so the page says why.
      forget(item.uuid);
      if (item.uuid === currentUuid()) { form.submit(); }
    }, function () { busy = false; });
  }

  if (form && window.fetch && window.URLSearchParams && window.FormData) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("[data-join-send]");
      var item = {
        uuid: currentUuid(),
        url: form.getAttribute("action"),
        body: new URLSearchParams(new FormData(form)).toString()
      };
      if (button) { button.disabled = true; }
      say("Sending…");
      function keep() {
        if (button) { button.disabled = false; }
        var items = load().filter(function (old) { return old.uuid !== item.uuid; });
        items.push(item);
        if (store(items)) {
          say(SAVED);
          schedule();
        } else {
          say("No signal. Press Send again when you have signal: your words are still in the box.");
        }
      }
      send(item).then(function (response) {
        if (response.ok) {
          return response.json().then(function (data) { window.location.assign(data.next); });
        }
        // The service could not take it just now (a moment's fault on our side): keep it here
        // and send it again, as when there is no signal.
        if (response.status >= 500) { keep(); return; }
        if (button) { button.disabled = false; }
        form.submit();  // the server's page says what to change, or to slow down
      }, keep);
    });
  }

  var errors = document.querySelector("[data-join-errors]");
  if (errors) { errors.focus(); }

  var print = document.querySelector("[data-join-print]");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }

  window.addEventListener("online", flush);
  if (load().length) {
    if (form && load().some(function (item) { return item.uuid === currentUuid(); })) { say(SAVED); }
    flush();
    schedule();
  }
})();
