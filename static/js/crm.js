// Small shell behaviour shared by every page. Feature scripts live in their own files.

// A refused or failed htmx request shows its message where it was asked for, instead of doing
// nothing: the server answers htmx with a short alert fragment (crm/_error_fragment.html).
document.addEventListener("htmx:responseError", (event) => {
  const xhr = event.detail.xhr;
  if (xhr.status === 401) {
    window.location.reload();  // the session ended: the page itself asks to log in again
    return;
  }
  const parsed = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
  let alert = parsed.querySelector(".crm-htmx-error");
  if (!alert) {
    alert = document.createElement("div");
    alert.className = "alert alert-danger crm-htmx-error";
    alert.setAttribute("role", "alert");
    alert.textContent = document.body.dataset.crmErrorText || "Error";
  }
  alert = document.importNode(alert, true);
  alert.dataset.crmHtmxError = "1";
  document.querySelectorAll("[data-crm-htmx-error]").forEach((old) => old.remove());
  const source = event.detail.elt;
  const anchor = (source && source.isConnected && (source.closest("form") || source)) || document.getElementById("main");
  if (anchor.id === "main") anchor.prepend(alert); else anchor.insertAdjacentElement("afterend", alert);
});

// One polite live region (layouts/base.html) for results a screen reader should hear: row counts
// after filtering, "moved to Proposal", import progress. Cleared first so a repeat is read again.
window.crmAnnounce = (text) => {
  const region = document.getElementById("crm-live");
  if (!region || !text) return;
  region.textContent = "";
  window.setTimeout(() => { region.textContent = text; }, 50);
};
// A swapped fragment may ask for an announcement: <div data-crm-announce="42 customers"> (the
// lists after filtering, crm/templatetags/crm_announce.py). The event fires on the new content
// (an outerHTML swap's old target is gone). With data-crm-announce-changes (a polled fragment,
// the import's progress) only a changed text is spoken.
let crmLastAnnounced = "";
document.addEventListener("htmx:afterSettle", (event) => {
  const root = event.target;
  if (!(root instanceof Element) || !root.isConnected) return;
  const box = root.matches("[data-crm-announce]") ? root : root.querySelector("[data-crm-announce]");
  if (!box || !box.dataset.crmAnnounce) return;
  const text = box.dataset.crmAnnounce;
  if ("crmAnnounceChanges" in box.dataset && text === crmLastAnnounced) return;
  crmLastAnnounced = text;
  window.crmAnnounce(text);
});

// While a Bootstrap dialog (.modal) is open, the page behind it is inert: no Tab stop, no click,
// not read by screen readers, and not audited as visible content. Everything beside the dialog's
// way up to <body> is made inert when it opens and given back when it has closed (capture phase,
// so the dialogs' own "hidden" handlers can already return focus to their opener). The live
// region stays live, so a move's announcement is still heard.
(() => {
  const inerted = new Map();
  document.addEventListener("show.bs.modal", (event) => {
    const modal = event.target;
    if (!(modal instanceof Element) || !modal.classList.contains("modal") || inerted.has(modal)) return;
    const made = [];
    for (let node = modal; node.parentElement && node !== document.body; node = node.parentElement) {
      for (const sibling of node.parentElement.children) {
        if (sibling === node || sibling.inert || sibling.matches("script, [aria-live], .modal-backdrop")) continue;
        sibling.inert = true;
        made.push(sibling);
      }
    }
    inerted.set(modal, made);
  });
  document.addEventListener("hidden.bs.modal", (event) => {
    const made = inerted.get(event.target);
    if (!made) return;
    made.forEach((el) => { el.inert = false; });
    inerted.delete(event.target);
  }, true);
})();

// Focus after a swap or a page load, so keyboard and screen-reader users go on where the work
// is: an element the server marks data-crm-focus (the new timeline entry after logging an
// activity, tabindex=-1) gets it; after a failed form post the first field in error gets it. The
// dialogs (.modal) place their own focus.
(() => {
  const FIELDS = "input, select, textarea";
  const firstInvalid = (root) => Array.from(root.querySelectorAll("form [aria-invalid=true], form .is-invalid"))
    .map((el) => (el.matches(FIELDS) ? el : el.querySelector(FIELDS)))
    .find((el) => el && !el.disabled && el.type !== "hidden" && el.getClientRects().length);
  // Focus that was inside what a swap replaced ("Show older", a column's "Load more", a card's
  // quick log) would fall back to <body>: it goes to the first link or control of the new content
  // instead, or to the new content itself.
  const CONTROLS = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])";
  let lostFrom = null;
  let lostKey = null;
  // A sort link in a table's header or a pagination link: after the swap the same column's link
  // (or the same page link by its rel or text) gets focus again, so a keyboard user can sort twice.
  const keyOf = (el) => {
    const th = el.closest("thead th");
    if (th) return { th: th.cellIndex };
    if (el.closest(".pagination")) return { rel: el.getAttribute("rel"), text: el.textContent.trim() };
    return null;
  };
  const findKey = (root, key) => {
    if (!key) return null;
    if (key.th !== undefined) {
      const th = root.querySelectorAll("thead tr:first-child th")[key.th];
      return th && th.querySelector("a[href]");
    }
    const links = Array.from(root.querySelectorAll(".pagination a[href]"));
    return links.find((a) => key.rel && a.getAttribute("rel") === key.rel)
      || links.find((a) => a.textContent.trim() === key.text) || null;
  };
  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    const here = document.activeElement;
    lostFrom = target && here && here !== document.body && target.contains(here) ? target : null;
    lostKey = lostFrom ? keyOf(here) : null;
  });
  const lost = () => !document.activeElement || document.activeElement === document.body || !document.activeElement.isConnected;
  document.addEventListener("htmx:afterSettle", (event) => {
    const root = event.target;
    if (!(root instanceof Element) || !root.isConnected) return;
    const from = lostFrom;
    lostFrom = null;
    if (root.closest(".modal")) return;
    const marked = root.matches("[data-crm-focus]") ? root : root.querySelector("[data-crm-focus]");
    if (marked) {
      marked.removeAttribute("data-crm-focus");
      marked.focus();
      return;
    }
    const config = event.detail && event.detail.requestConfig;
    const field = config && String(config.verb).toLowerCase() !== "get" && firstInvalid(root);
    if (field) { field.focus(); return; }
    const key = lostKey;
    lostKey = null;
    if (!from || !lost()) return;
    const again = findKey(root, key);
    if (again) { again.focus(); return; }
    const control = root.matches(CONTROLS) ? root : root.querySelector(CONTROLS);
    if (control) { control.focus(); return; }
    if (!root.hasAttribute("tabindex")) root.setAttribute("tabindex", "-1");
    root.focus();
  });
  document.addEventListener("DOMContentLoaded", () => {
    if (document.activeElement && document.activeElement !== document.body) return;
    if (document.querySelector("[autofocus]") || window.location.hash) return;
    const main = document.getElementById("main");
    const field = main && firstInvalid(main);
    if (field) field.focus();
  });
})();

// prefers-reduced-motion: no animated transitions. Bootstrap's own CSS already drops its fades
// (dialogs, alerts) and the striped bar's movement; Leaflet (loaded by the map pages after this
// file) gets its zoom, fade and marker animations and the pan's inertia switched off before
// mapview.js makes a map (this DOMContentLoaded listener is registered first).
document.addEventListener("DOMContentLoaded", () => {
  const reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  if (reduce && window.L && window.L.Map) {
    window.L.Map.mergeOptions({ zoomAnimation: false, fadeAnimation: false, markerZoomAnimation: false, inertia: false });
  }
});
