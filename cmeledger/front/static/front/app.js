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
