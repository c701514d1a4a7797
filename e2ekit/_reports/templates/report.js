// A cell toggles the detail row it controls; the filter hides whole probe groups (row and details together).
document.addEventListener("click", (event) => {
  const cell = event.target.closest("button.cell[aria-controls]");
  if (!cell) return;
  const detail = document.getElementById(cell.getAttribute("aria-controls"));
  const open = cell.getAttribute("aria-expanded") !== "true";
  cell.setAttribute("aria-expanded", String(open));
  detail.hidden = !open;
});
const onlyProblems = document.getElementById("only-problems");
onlyProblems.addEventListener("change", () => {
  for (const group of document.querySelectorAll("tbody.probe")) {
    group.hidden = onlyProblems.checked && group.dataset.problem !== "true";
  }
});
