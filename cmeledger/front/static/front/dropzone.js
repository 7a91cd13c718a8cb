// Files dropped anywhere on an upload form go into its file input and the form is sent,
// as if they had been chosen: the form works the same without this script.
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-dropzone]")) {
    const input = form.querySelector('input[type="file"]');
    if (!input) continue;
    const over = (on) => form.classList.toggle("dropping", on);
    form.addEventListener("dragover", (event) => {
      event.preventDefault();
      over(true);
    });
    form.addEventListener("dragleave", () => over(false));
    form.addEventListener("drop", (event) => {
      event.preventDefault();
      over(false);
      if (!event.dataTransfer || event.dataTransfer.files.length === 0) return;
      input.files = event.dataTransfer.files;
      form.requestSubmit();
    });
  }
});
