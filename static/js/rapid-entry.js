// Rapid entry: Ctrl+Enter (or Cmd+Enter) sends the notes, the box keeps the focus after a
// send, and a live line under the box says how many notes will be added. Without JavaScript
// the form works the same with the "Add notes" button.
const form = document.querySelector("[data-rapid-entry]");

if (form) {
  const box = form.querySelector("textarea");
  const counter = form.querySelector("[data-rapid-count]");
  let timer = 0;

  const notes = () => box.value.split(/\r?\n/).filter((line) => line.trim() !== "").length;

  const update = () => {
    const n = notes();
    counter.textContent = n === 0 ? "" : `${n} note${n === 1 ? "" : "s"} to add`;
  };

  box.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 400); // not on every key: screen readers would chatter
  });

  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // After a send the page comes back with an empty box: put the cursor straight in it
  // (unless the page shows an error, whose summary takes the focus).
  if (!document.querySelector(".govuk-error-summary")) {
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  }

  // One send at a time: a second press while the first is on its way does nothing.
  let sending = false;
  form.addEventListener("submit", (event) => {
    if (sending) event.preventDefault();
    sending = true;
  });
  window.addEventListener("pageshow", () => {
    sending = false;
  });

  update();
}
