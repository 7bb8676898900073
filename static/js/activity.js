// Activity forms: show the due date only for tasks and the duration only where it fits.
(() => {
  if (window.crmActivityLoaded) return;
  window.crmActivityLoaded = true;

  const sync = (form) => {
    const select = form.querySelector("select[name=kind]");
    if (select) form.dataset.kind = select.value;
  };
  const syncAll = (root) => {
    root.querySelectorAll(".crm-activity-form").forEach(sync);
  };

  document.addEventListener("change", (event) => {
    const form = event.target.closest(".crm-activity-form");
    if (form && event.target.name === "kind") sync(form);
  });
  document.addEventListener("DOMContentLoaded", () => syncAll(document));
  document.addEventListener("htmx:load", (event) => syncAll(event.detail.elt.parentElement || document));

})();
