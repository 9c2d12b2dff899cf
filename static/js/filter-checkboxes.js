// A long list of names to tick (an enquiry's co-leads): a box above it finds a name as you type.
// Names that do not match are put out of sight; ticked ones always stay. Progressive
// enhancement: without JavaScript the whole list shows, as it always did.
const ENOUGH = 8; // a shorter list is read at a glance

document.querySelectorAll(".govuk-checkboxes[data-filter]").forEach((group, number) => {
  const items = Array.from(group.querySelectorAll(".govuk-checkboxes__item"));
  if (items.length < ENOUGH) return;
  const id = `find-in-list-${number + 1}`;
  const box = document.createElement("div");
  box.className = "govuk-form-group govuk-!-margin-bottom-3";
  const label = document.createElement("label");
  label.className = "govuk-label";
  label.htmlFor = id;
  label.textContent = group.dataset.filter;
  const input = document.createElement("input");
  input.className = "govuk-input govuk-input--width-20";
  input.id = id;
  input.type = "search";
  input.autocomplete = "off";
  input.spellcheck = false;
  const status = document.createElement("p");
  status.className = "govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0";
  status.setAttribute("aria-live", "polite");
  box.append(label, input, status);
  group.before(box);

  const show = () => {
    const wanted = input.value.trim().toLowerCase();
    let shown = 0;
    for (const item of items) {
      const ticked = item.querySelector("input").checked;
      const matches = !wanted || ticked || item.textContent.toLowerCase().includes(wanted);
      item.style.display = matches ? "" : "none";
      if (matches) shown += 1;
    }
    status.textContent = wanted ? `Showing ${shown} of ${items.length} (ticked names always show)` : "";
  };
  input.addEventListener("input", show);
  // Enter in the box must not send the form half filled in.
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault();
  });
});
