// Declarative behaviours that used to be inline event handlers. The Content-Security-Policy
// forbids inline handlers (onclick=, onsubmit=, hx-on), so markup asks for them by data attribute
// and this file, loaded on every page by layouts/base.html, wires them up by event delegation
// (also for markup htmx swaps in later).
(function () {
  "use strict";

  // <form data-confirm="Really?">: ask before submitting; "Cancel" keeps the page as it is.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // <div data-undrag-while-focused>: while focus is inside, the draggable card around it stops
  // being draggable (so text in its fields can be selected) and gets it back when focus leaves.
  document.addEventListener("focusin", (event) => {
    const box = event.target instanceof Element && event.target.closest("[data-undrag-while-focused]");
    if (!box) return;
    const card = box.closest("[draggable=true]");
    if (card) {
      card.setAttribute("data-crm-drag", "1");
      card.setAttribute("draggable", "false");
    }
  });
  document.addEventListener("focusout", (event) => {
    const box = event.target instanceof Element && event.target.closest("[data-undrag-while-focused]");
    if (!box || box.contains(event.relatedTarget)) return;
    const card = box.closest("[data-crm-drag]");
    if (card) {
      card.setAttribute("draggable", "true");
      card.removeAttribute("data-crm-drag");
    }
  });
})();
