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

  // A quick-log dropdown inside a draggable kanban card: while it is open the card is not
  // draggable, so selecting text in its fields does not start a drag.
  document.addEventListener("show.bs.dropdown", (event) => {
    const card = event.target.closest(".crm-card-quicklog") && event.target.closest("[draggable=true]");
    if (card) {
      card.dataset.crmDraggable = "1";
      card.setAttribute("draggable", "false");
    }
  });
  document.addEventListener("hidden.bs.dropdown", (event) => {
    const card = event.target.closest("[data-crm-draggable]");
    if (card) {
      card.setAttribute("draggable", "true");
      delete card.dataset.crmDraggable;
    }
  });
  // Libraries that start drags on pointer events (SortableJS) never see those from the form.
  ["mousedown", "pointerdown", "touchstart"].forEach((type) => {
    document.addEventListener(type, (event) => {
      const menu = event.target.closest && event.target.closest(".crm-quicklog-menu");
      if (menu) event.stopPropagation();
    }, true);
  });
})();
