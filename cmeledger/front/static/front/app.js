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
