// The agenda page: while someone types the minutes of a new item, say what the total would be.
// Progressive enhancement: without JavaScript the page shows the total after each change.
const form = document.getElementById("add-item");
const line = document.getElementById("total-if-added");

function minutesText(minutes) {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const parts = [];
  if (hours) parts.push(`${hours} hour${hours === 1 ? "" : "s"}`);
  if (rest || !hours) parts.push(`${rest} minute${rest === 1 ? "" : "s"}`);
  return parts.join(" ");
}

if (form && line) {
  const total = Number.parseInt(form.dataset.agendaTotal, 10) || 0;
  const length = Number.parseInt(form.dataset.agendaLength, 10) || 0;
  const input = form.querySelector("[name=minutes]");

  const update = () => {
    const text = input.value.trim();
    const minutes = /^\d+$/.test(text) ? Number.parseInt(text, 10) : 0;
    if (minutes < 1 || minutes > 240) {
      line.hidden = true;
      line.textContent = "";
      return;
    }
    const after = total + minutes;
    let message = `Total if you add this: ${minutesText(after)} of ${minutesText(length)}`;
    if (after > length) {
      message += `. That is ${minutesText(after - length)} too long.`;
    } else if (after < length) {
      message += `, with ${minutesText(length - after)} to spare.`;
    } else {
      message += ", exactly.";
    }
    line.textContent = message;
    line.hidden = false;
  };

  if (input) {
    input.addEventListener("input", update);
    update();
  }
}
