// Behaviour that templates ask for with data attributes, because the Content Security
// Policy allows no inline script: forms with data-confirm ask before they are sent,
// inputs with data-select-on-focus select their text (a token to copy).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

document.addEventListener("focusin", (event) => {
  const input = event.target;
  if (input instanceof HTMLInputElement && input.hasAttribute("data-select-on-focus")) {
    input.select();
  }
});

// The menu button (base.html): on a phone the main navigation folds behind it. Without
// this script the button stays hidden and the links stay in view.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector(".menu-button");
  const topbar = button && button.closest(".topbar");
  if (!button || !topbar) {
    return;
  }
  topbar.classList.add("foldable");
  button.hidden = false;
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    topbar.classList.toggle("open", open);
  });
});

// A table that scrolls sideways inside itself (app.css lets one do that on a phone rather
// than widen the page) is made reachable by keyboard, so its hidden columns can be read.
function focusableWhenScrolling() {
  for (const table of document.querySelectorAll("main table")) {
    const scrolls = table.scrollWidth > table.clientWidth + 1;
    if (scrolls && !table.hasAttribute("tabindex")) {
      table.tabIndex = 0;
      table.dataset.scrolls = "";
      const caption = table.querySelector("caption");
      table.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table, scrolls sideways");
    } else if (!scrolls && table.hasAttribute("data-scrolls")) {
      table.removeAttribute("tabindex");
      table.removeAttribute("data-scrolls");
      table.removeAttribute("aria-label");
    }
  }
}
document.addEventListener("DOMContentLoaded", focusableWhenScrolling);
window.addEventListener("resize", focusableWhenScrolling);
document.addEventListener("toggle", focusableWhenScrolling, true); // a <details> opened
