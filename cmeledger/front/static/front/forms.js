// Fields that apply only to some choices (front/forms/field.html): a wrapper with
// data-show-when="kind=article poster" is shown only while the form's control `kind` has
// one of those values. A hidden field's inputs are disabled, so what was typed there
// before the choice changed is not sent. Without script every field stays shown.
function showApplicableFields(form) {
  for (const wrapper of form.querySelectorAll("[data-show-when]")) {
    const [name, values] = wrapper.dataset.showWhen.split("=");
    const control = form.elements.namedItem(name);
    const shown = control !== null && values.split(" ").includes(control.value);
    wrapper.hidden = !shown;
    for (const input of wrapper.querySelectorAll("input, select, textarea")) {
      input.disabled = !shown;
    }
  }
}

document.addEventListener("change", (event) => {
  const form = event.target.form;
  if (form instanceof HTMLFormElement) {
    showApplicableFields(form);
  }
});

document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form")) {
    showApplicableFields(form);
  }
});
