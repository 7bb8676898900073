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
  // The log's period: typing a date means "from – to"; choosing a named period clears the dates.
  // Capture phase, so the values are right before htmx sends the filter form.
  document.addEventListener("change", (event) => {
    const form = event.target.closest("[data-testid=activity-filter]");
    if (!form) return;
    const period = form.querySelector("select[name=period]");
    if (event.target.type === "date" && event.target.value && period) {
      period.value = "custom";
    } else if (event.target === period && period.value !== "custom") {
      form.querySelectorAll("input[type=date]").forEach((input) => { input.value = ""; });
    }
  }, true);
  document.addEventListener("DOMContentLoaded", () => syncAll(document));
  document.addEventListener("htmx:load", (event) => syncAll(event.detail.elt.parentElement || document));

})();
