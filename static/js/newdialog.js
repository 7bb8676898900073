// "+ New" in the top bar: the create pages' forms in a dialog over the current page
// (crm/lib/dialogs.py). The menu's links are plain links to the create pages; with JavaScript a
// click loads the form with htmx into a Bootstrap modal (role=dialog, aria-modal, focus on the
// first field, Escape closes and focus returns to "+ New"). Submitting posts the form through
// htmx into the dialog: errors come back there with what was typed; after saving the server
// either opens the record (HX-Redirect) or the message and its link move onto the page.
(function () {
  "use strict";

  const modalEl = () => document.getElementById("crm-new-dialog");
  const content = () => document.getElementById("crm-new-dialog-content");
  let returnFocus = null;
  // Bootstrap ignores hide() while the dialog is still fading in (its backdrop 150 ms, then the
  // dialog 300 ms): a save answered within that time would leave the dialog open and empty over
  // an inert page. From show() until "shown" the dialog is opening; a close waits for "shown".
  let opening = false;

  function withDialogParam(url) {
    return url + (url.includes("?") ? "&" : "?") + "dialog=1";
  }

  function firstField(root) {
    return root.querySelector(".is-invalid, [aria-invalid=true]")
      || root.querySelector(".modal-body input:not([type=hidden]):not([disabled]), .modal-body select, .modal-body textarea");
  }

  function applyModes(root) {
    // the project form: only the fields of the chosen customer mode (existing / new customer)
    root.querySelectorAll("form").forEach((form) => {
      const checked = form.querySelector("input[name=customer_mode]:checked");
      if (checked) form.querySelectorAll(".sales-mode").forEach((el) => { el.hidden = el.dataset.mode !== checked.value; });
      const kind = form.querySelector("select[name=kind]");
      if (kind && form.classList.contains("crm-activity-form")) form.dataset.kind = kind.value;
    });
  }

  function show() {
    const modal = window.bootstrap.Modal.getOrCreateInstance(modalEl());
    if (!modalEl().classList.contains("show")) {
      modalEl().addEventListener("shown.bs.modal", () => {
        const field = firstField(content());
        if (field) field.focus();
      }, { once: true });
      modal.show();
    } else {
      const field = firstField(content());
      if (field) field.focus();
    }
  }

  function movedToPage(done) {
    // "Stay on the page": the message with its link goes onto the page, the dialog closes.
    const main = document.getElementById("main");
    let box = main && main.querySelector(".crm-messages");
    if (main && !box) {
      box = document.createElement("div");
      box.className = "crm-messages";
      main.prepend(box);
    }
    if (box) {
      done.classList.remove("mb-0");
      box.appendChild(done);
    }
    const link = done.querySelector("a");
    returnFocus = link || returnFocus;
    close();
  }

  function close() {
    const modal = window.bootstrap.Modal.getOrCreateInstance(modalEl());
    if (opening) modalEl().addEventListener("shown.bs.modal", () => modal.hide(), { once: true });
    else modal.hide();
  }

  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element && event.target.closest("a[data-new-dialog]");
    if (!link || !modalEl() || !window.htmx || !window.bootstrap) return;
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    returnFocus = document.getElementById("crm-new-button");
    window.htmx.ajax("GET", withDialogParam(link.getAttribute("href")), { target: "#crm-new-dialog-content", swap: "innerHTML" });
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !content() || !content().contains(form)) return;
    event.preventDefault();
    const body = form.closest("[data-new-dialog-url]");
    const openAfter = content().querySelector("[data-new-open-after]");
    const values = { dialog: "1" };
    if (openAfter) values.open_after = openAfter.checked ? "1" : "0";
    const submitter = event.submitter;
    if (submitter && submitter.name) values[submitter.name] = submitter.value;
    window.htmx.ajax("POST", form.getAttribute("action") || body.dataset.newDialogUrl,
      { source: form, target: "#crm-new-dialog-content", swap: "innerHTML", values });
  });

  document.addEventListener("change", (event) => {
    if (content() && content().contains(event.target)
        && (event.target.name === "customer_mode" || event.target.name === "kind")) applyModes(content());
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.detail.target !== content()) return;
    const done = content().querySelector("[data-new-dialog-done]");
    if (done) {
      movedToPage(done);
      return;
    }
    applyModes(content());
    show();
  });

  document.addEventListener("show.bs.modal", (event) => {
    if (event.target === modalEl()) opening = true;
  });
  document.addEventListener("shown.bs.modal", (event) => {
    if (event.target === modalEl()) opening = false;
  }, true);

  document.addEventListener("hidden.bs.modal", (event) => {
    if (event.target !== modalEl()) return;
    opening = false;
    content().innerHTML = "";
    const target = returnFocus && document.contains(returnFocus) ? returnFocus : document.getElementById("crm-new-button");
    if (target) target.focus();
    returnFocus = null;
  });
})();
