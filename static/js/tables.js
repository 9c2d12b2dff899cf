// Tables marked "sbs-table--stack" show each row as a block on a phone, each cell beside the
// name of its column, instead of a table wider than the screen. The names come from the
// table's head; the table keeps its meaning for screen readers (ARIA table roles, which a
// block layout would otherwise lose). Without JavaScript such a table scrolls in its box.
const roles = [
  ["table", "table"],
  ["thead, tbody, tfoot", "rowgroup"],
  ["tr", "row"],
  ["thead th", "columnheader"],
  ["tbody th", "rowheader"],
  ["td", "cell"],
];

function visibleText(cell) {
  const copy = cell.cloneNode(true);
  copy.querySelectorAll(".govuk-visually-hidden").forEach((hidden) => hidden.remove());
  return copy.textContent.replace(/\s+/g, " ").trim();
}

function stack(table) {
  const headRow = table.tHead && table.tHead.rows[0];
  if (!headRow) return;
  const names = [];
  for (const th of headRow.cells) {
    for (let i = 0; i < th.colSpan; i += 1) names.push(visibleText(th));
  }
  for (const body of table.tBodies) {
    for (const row of body.rows) {
      let column = 0;
      for (const cell of row.cells) {
        const name = names[column];
        if (cell.tagName === "TD" && name) cell.dataset.label = name;
        column += cell.colSpan;
      }
    }
  }
  for (const [selector, role] of roles) {
    if (table.matches(selector)) table.setAttribute("role", role);
    table.querySelectorAll(selector).forEach((element) => element.setAttribute("role", role));
  }
  table.classList.add("sbs-stacked");
}

function stackWithin(root) {
  root.querySelectorAll("table.sbs-table--stack:not(.sbs-stacked)").forEach(stack);
}

stackWithin(document);
// Lists filtered as one types (htmx) bring new tables: stack those too.
document.addEventListener("htmx:afterSettle", (event) => stackWithin(event.target));
