// The global search in the top bar: "/" focuses it, htmx fills the dropdown (a listbox of
// grouped hits, crm/search.html#dropdown), arrow keys move through the hits, Enter opens the
// highlighted hit or else the best one, Escape closes the list. Without JavaScript the box is a
// plain form that opens the results page.
(function () {
  "use strict";

  const input = () => document.getElementById("crm-search-q");
  const dropdown = () => document.getElementById("crm-search-dropdown");
  const options = () => Array.from(dropdown().querySelectorAll("[role=option]"));
  const clean = (value) => value.trim().split(/\s+/).join(" ").slice(0, 100);

  function setOpen(open) {
    const box = input();
    const list = dropdown();
    if (!box || !list) return;
    const show = open && list.querySelector("[role=option]") !== null;
    list.classList.toggle("show", show);
    box.setAttribute("aria-expanded", show ? "true" : "false");
    if (!show) activate(null);
  }

  function activate(option) {
    const box = input();
    options().forEach((o) => {
      const on = o === option;
      o.classList.toggle("active", on);
      o.setAttribute("aria-selected", on ? "true" : "false");
    });
    if (option) {
      box.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else if (box) {
      box.removeAttribute("aria-activedescendant");
    }
  }

  function current() {
    return dropdown().querySelector("[role=option].active");
  }

  function listIsFor(value) {
    const list = dropdown().querySelector("[data-search-q]");
    return list !== null && list.dataset.searchQ === clean(value);
  }

  // "/" anywhere but in a field: to the search box.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target instanceof HTMLElement && (target.isContentEditable || target.closest("input, textarea, select"))) return;
    const box = input();
    if (!box) return;
    event.preventDefault();
    const collapsed = box.closest(".navbar-collapse:not(.show)");
    if (collapsed && getComputedStyle(collapsed).display === "none" && window.bootstrap) {
      window.bootstrap.Collapse.getOrCreateInstance(collapsed).show();
    }
    box.focus();
    box.select();
  });

  document.addEventListener("keydown", (event) => {
    const box = input();
    if (!box || event.target !== box) return;
    const all = options();
    const active = current();
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) return;
      event.preventDefault();
      setOpen(true);
      const index = active ? all.indexOf(active) : -1;
      const next = event.key === "ArrowDown" ? (index + 1) % all.length : (index <= 0 ? all.length - 1 : index - 1);
      activate(all[next]);
    } else if (event.key === "Enter") {
      if (!clean(box.value)) return;
      event.preventDefault();
      const best = dropdown().querySelector("[data-search-best]");
      if (active) {
        window.location.assign(active.href);
      } else if (best && listIsFor(box.value)) {
        window.location.assign(best.href);
      } else {
        // The list is not there yet for what was typed: the server opens the best hit.
        const go = document.createElement("input");
        go.type = "hidden";
        go.name = "go";
        go.value = "1";
        box.form.appendChild(go);
        box.form.submit();
      }
    } else if (event.key === "Escape") {
      if (dropdown().classList.contains("show")) {
        event.preventDefault();
        setOpen(false);
      }
    }
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target === dropdown()) setOpen(clean(input().value) !== "");
  });

  document.addEventListener("focusin", (event) => {
    const form = event.target instanceof Element && event.target.closest("[data-crm-search]");
    if (form && event.target === input() && input().value) setOpen(true);
  });

  document.addEventListener("focusout", (event) => {
    const form = event.target instanceof Element && event.target.closest("[data-crm-search]");
    if (form && !form.contains(event.relatedTarget)) setOpen(false);
  });

  document.addEventListener("mousedown", (event) => {
    // A click on a hit follows its link; keep the list open until then.
    const option = event.target instanceof Element && event.target.closest("#crm-search-dropdown [role=option]");
    if (option) event.preventDefault();
  });
  document.addEventListener("click", (event) => {
    const option = event.target instanceof Element && event.target.closest("#crm-search-dropdown [role=option]");
    if (option) {
      event.preventDefault();
      window.location.assign(option.href);
    }
  });
})();
