// Customer pages: "select all" on the overview, keeping the export link and sort in step with
// the URL after htmx swaps, and the size-class field following its "set by hand" box.
(function () {
  "use strict";

  document.addEventListener("change", (event) => {
    const all = event.target.closest("input[data-select-all]");
    if (!all) return;
    document.querySelectorAll('#table input[name="ids"]').forEach((box) => { box.checked = all.checked; });
  });

  function syncWithUrl() {
    const params = new URLSearchParams(window.location.search);
    // the export button and its format choices (Excel / CSV) carry the filters of the page
    document.querySelectorAll("a[data-export-link]").forEach((link) => {
      const base = link.getAttribute("href").split("?")[0];
      const query = new URLSearchParams(params);
      if (link.dataset.exportFormat) query.set("format", link.dataset.exportFormat);
      link.setAttribute("href", query.toString() ? `${base}?${query}` : base);
    });
    const sort = document.querySelector('form[role="search"] input[name="sort"]');
    if (sort) sort.value = params.get("sort") || "";
  }
  document.addEventListener("htmx:pushedIntoHistory", syncWithUrl);
  window.addEventListener("popstate", syncWithUrl);

  // Filters travel in the URL: leave out the empty ones so links stay short and readable.
  document.addEventListener("htmx:configRequest", (event) => {
    if (event.detail.verb !== "get" || !event.detail.elt.matches('form[role="search"]')) return;
    const data = event.detail.formData;
    if (!data) return;
    const empty = [...new Set([...data.entries()].filter(([, v]) => v === "").map(([k]) => k))];
    empty.forEach((key) => {
      const kept = data.getAll(key).filter((v) => v !== "");
      data.delete(key);
      kept.forEach((v) => data.append(key, v));
    });
  });

  function followManual() {
    const manual = document.getElementById("id_size_class_manual");
    const size = document.getElementById("id_size_class");
    // Not disabled (a disabled field is not sent and would come back empty after an error), only muted.
    if (manual && size) size.classList.toggle("crm-muted", !manual.checked);
  }
  document.addEventListener("change", (event) => {
    if (event.target.id === "id_size_class_manual") followManual();
  });
  document.addEventListener("DOMContentLoaded", followManual);
})();
