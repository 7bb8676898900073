// Small shell behaviour shared by every page. Feature scripts live in their own files.
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  if (status === 401 || status === 403) {
    window.location.reload();
  }
});

// One polite live region (layouts/base.html) for results a screen reader should hear: row counts
// after filtering, "moved to Proposal", import progress. Cleared first so a repeat is read again.
window.crmAnnounce = (text) => {
  const region = document.getElementById("crm-live");
  if (!region || !text) return;
  region.textContent = "";
  window.setTimeout(() => { region.textContent = text; }, 50);
};
// A fragment may ask for an announcement: <div data-crm-announce="42 customers">.
document.addEventListener("htmx:afterSettle", (event) => {
  const root = event.detail.target;
  const box = root && (root.matches && root.matches("[data-crm-announce]") ? root : root.querySelector && root.querySelector("[data-crm-announce]"));
  if (box) window.crmAnnounce(box.dataset.crmAnnounce);
});
