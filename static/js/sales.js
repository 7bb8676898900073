// Sales projects: kanban drag & drop (native HTML5 DnD + htmx), the move dialog, the create form,
// and phase ordering in the admin. No external libraries.
(() => {
  "use strict";

  // --- kanban: drag a card onto another column -------------------------------------------
  let dragged = null;

  const columnOf = (el) => (el && el.closest ? el.closest(".sales-column") : null);

  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest(".sales-card[draggable='true']");
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.projectId);
    card.classList.add("is-dragging");
  });

  document.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    document.querySelectorAll(".sales-column.is-over").forEach((c) => c.classList.remove("is-over"));
  });

  document.addEventListener("dragover", (event) => {
    const column = columnOf(event.target);
    if (!column || !dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    column.classList.add("is-over");
  });

  document.addEventListener("dragleave", (event) => {
    const column = columnOf(event.target);
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("is-over");
  });

  document.addEventListener("drop", (event) => {
    const column = columnOf(event.target);
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.remove("is-over");
    const card = dragged;
    const from = columnOf(card);
    if (!from || from === column) return;
    const board = column.closest("#board");
    const values = {
      phase: column.dataset.phaseId,
      process: board.dataset.boardProcess,
      version: card.dataset.version,
      board: "1",
      board_process: board.dataset.boardProcess,
      board_query: board.dataset.boardQuery,
      from_phase: from.dataset.phaseId,
    };
    if (column.dataset.outcome === "lost" || column.dataset.parks) {
      // Lost needs a reason, a follow-up phase a date: open the move dialog with the phase chosen.
      htmx.ajax("GET", card.dataset.moveUrl + "?" + new URLSearchParams(values).toString(),
        { source: card, target: "#sales-dialog-body" });
      return;
    }
    card.classList.add("is-saving");
    htmx.ajax("POST", card.dataset.moveUrl, { source: card, values: values, swap: "none" });
  });

  // --- the move dialog (a Bootstrap modal filled by htmx) ---------------------------------
  const dialog = () => document.getElementById("sales-dialog");

  // Focus: what opened the dialog gets it back when the dialog closes (Escape, Cancel, ×); after a
  // move the moved card gets it in its new column, and the live region says where it went.
  let opener = null;
  document.addEventListener("htmx:beforeRequest", (event) => {
    const target = event.detail.target;
    if (target && target.id === "sales-dialog-body" && !(dialog() && dialog().classList.contains("show"))) {
      opener = event.detail.elt;
    }
  });
  const cardFocus = (card) => {
    const link = card && card.querySelector(".sales-card-title");
    if (link) { link.focus(); return true; }
    return false;
  };
  // While the dialog is still closing the board is inert (crm.js) and cannot take focus: the
  // moved card gets it once the dialog has gone.
  let focusAfterClose = "";
  document.addEventListener("salesMovedSettled", (event) => {
    const detail = event.detail || {};
    const card = document.getElementById("card-" + detail.project);
    if (card && card.closest("[inert]")) focusAfterClose = card.id;
    else cardFocus(card);
    window.crmAnnounce(detail.text);
    opener = null;
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    if (!target || target.id !== "sales-dialog-body" || !dialog()) return;
    if (!target.innerHTML.trim()) return;
    const modal = bootstrap.Modal.getOrCreateInstance(dialog());
    if (!dialog().classList.contains("show")) {
      dialog().addEventListener("shown.bs.modal", () => focusFirst(target), { once: true });
      modal.show();
    } else {
      focusFirst(target);
    }
  });

  function focusFirst(root) {
    const field = root.querySelector("form .is-invalid") ||
      root.querySelector("form select, form input:not([type=hidden]), form textarea");
    if (field) field.focus();
  }

  // Bootstrap ignores hide() while the dialog is still fading in: a quick move (open, choose,
  // Enter within its 300 ms) would leave it open over an inert page. Close it once it is shown.
  let shown = false;
  document.addEventListener("shown.bs.modal", (event) => { if (event.target.id === "sales-dialog") shown = true; });
  document.addEventListener("hide.bs.modal", (event) => { if (event.target.id === "sales-dialog") shown = false; });
  document.addEventListener("salesMoved", () => {
    if (!dialog()) return;
    const modal = bootstrap.Modal.getInstance(dialog());
    if (!modal) return;
    if (shown || !dialog().classList.contains("show")) modal.hide();
    else dialog().addEventListener("shown.bs.modal", () => modal.hide(), { once: true });
  });

  document.addEventListener("hidden.bs.modal", (event) => {
    if (event.target.id !== "sales-dialog") return;
    const card = opener && opener.closest && opener.closest(".sales-card");
    const id = card ? card.id : "";
    document.getElementById("sales-dialog-body").innerHTML = "";
    if (focusAfterClose) cardFocus(document.getElementById(focusAfterClose));
    else if (opener && opener.isConnected) opener.focus();
    else if (id) cardFocus(document.getElementById(id));  // the card was redrawn meanwhile
    opener = null;
    focusAfterClose = "";
  });

  // --- the board by keyboard: arrow keys between cards, "m" opens the move dialog -------------
  const cardsOf = (column) => Array.from(column.querySelectorAll(".sales-card"));
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const here = event.target;
    if (!(here instanceof Element) || here.closest("input, textarea, select, [data-undrag-while-focused]")) return;
    const card = here.closest(".sales-card");
    const column = card && card.closest(".sales-column");
    if (!column) return;
    const columns = Array.from(column.closest(".sales-columns").querySelectorAll(".sales-column"));
    const cards = cardsOf(column);
    const index = cards.indexOf(card);
    let next = null;
    if (event.key === "ArrowDown") next = cards[index + 1];
    else if (event.key === "ArrowUp") next = cards[index - 1];
    else if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
      const step = event.key === "ArrowRight" ? 1 : -1;
      for (let c = columns.indexOf(column) + step; c >= 0 && c < columns.length && !next; c += step) {
        const other = cardsOf(columns[c]);
        next = other[Math.min(index, other.length - 1)] || null;
      }
    } else if (event.key === "m" || event.key === "M") {
      const move = card.querySelector("[data-testid=card-move]");
      if (move) { event.preventDefault(); move.click(); }
      return;
    } else return;
    event.preventDefault();
    if (next) {
      cardFocus(next);
      next.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  });

  // --- create form: existing or new customer ----------------------------------------------
  function applyMode(form) {
    const checked = form.querySelector("input[name=customer_mode]:checked");
    if (!checked) return;
    form.querySelectorAll(".sales-mode").forEach((el) => {
      el.hidden = el.dataset.mode !== checked.value;
    });
  }
  document.addEventListener("change", (event) => {
    if (event.target.name === "customer_mode") applyMode(event.target.form);
  });
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-testid=create-form]").forEach(applyMode);
    document.querySelectorAll("[data-select-all]").forEach((box) => {
      box.addEventListener("change", () => {
        document.querySelectorAll(`input[name=${box.dataset.selectAll}]`).forEach((b) => { b.checked = box.checked; });
      });
    });
    setupPhaseOrdering();
  });
  document.addEventListener("htmx:afterSettle", () => {
    document.querySelectorAll("[data-select-all]").forEach((box) => {
      if (box.dataset.bound) return;
      box.dataset.bound = "1";
      box.addEventListener("change", () => {
        document.querySelectorAll(`input[name=${box.dataset.selectAll}]`).forEach((b) => { b.checked = box.checked; });
      });
    });
  });

  // --- list: the bulk form shows the fields of the chosen action ------------------------------
  // (without JavaScript every field shows, and the server ignores those the action does not use)
  const BULK_FIELDS = { owner: ["owner"], phase: ["phase", "lost_reason", "park_until"], group: ["group_type", "group_name"], export: ["format"] };
  function applyBulkAction(form) {
    const action = form.querySelector("select[name=action]");
    if (!action) return;
    const wanted = BULK_FIELDS[action.value] || [];
    Object.values(BULK_FIELDS).flat().forEach((name) => {
      const field = form.querySelector(`[name=${name}]`);
      if (field) field.hidden = !wanted.includes(name);
    });
  }
  document.addEventListener("change", (event) => {
    const form = event.target.form;
    if (event.target.name === "action" && form && form.id === "bulk-form") applyBulkAction(form);
  });
  ["DOMContentLoaded", "htmx:afterSettle"].forEach((name) => document.addEventListener(name, () => {
    document.querySelectorAll("form#bulk-form").forEach(applyBulkAction);
  }));

  // --- admin: order the phases of a process by drag or with the arrow buttons ---------------
  function setupPhaseOrdering() {
    const group = document.getElementById("phases-group");
    if (!group) return;
    const tbody = group.querySelector("tbody");
    if (!tbody) return;
    const rows = () => Array.from(tbody.querySelectorAll("tr.form-row:not(.empty-form)"));
    const renumber = () => {
      let n = 0;
      rows().forEach((row) => {
        const order = row.querySelector("input[name$='-order']");
        const name = row.querySelector("input[name$='-name']");
        if (order && (name && name.value.trim() || order.value)) order.value = String(++n * 10);
      });
    };
    const addHandle = (row) => {
      const order = row.querySelector("td.field-order");
      if (!order || order.querySelector(".sales-order-handle")) return;
      const input = order.querySelector("input") || document.createElement("input");
      const handle = document.createElement("span");
      handle.className = "sales-order-handle";
      const grip = document.createElement("span");
      grip.setAttribute("aria-hidden", "true");
      grip.title = input.dataset.dragLabel || "";
      grip.textContent = "⠿";
      handle.appendChild(grip);
      // only the handle starts a drag, so text in the row's fields stays selectable
      handle.firstChild.addEventListener("mousedown", () => { row.draggable = true; });
      for (const [label, dir] of [["▲", -1], ["▼", 1]]) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = label;
        button.setAttribute("aria-label", (dir < 0 ? input.dataset.upLabel : input.dataset.downLabel) || label);
        button.addEventListener("click", () => {
          const all = rows();
          const i = all.indexOf(row);
          const other = all[i + dir];
          if (!other) return;
          if (dir < 0) tbody.insertBefore(row, other); else tbody.insertBefore(other, row);
          renumber();
          button.focus();
        });
        handle.appendChild(button);
      }
      order.appendChild(handle);
    };
    rows().forEach(addHandle);
    let moving = null;
    tbody.addEventListener("dragstart", (e) => {
      moving = e.target.closest("tr");
      if (moving) moving.classList.add("sales-row-dragging");
    });
    tbody.addEventListener("dragover", (e) => {
      const over = e.target.closest("tr.form-row");
      if (!moving || !over || over === moving) return;
      e.preventDefault();
      const rect = over.getBoundingClientRect();
      tbody.insertBefore(moving, e.clientY < rect.top + rect.height / 2 ? over : over.nextSibling);
    });
    tbody.addEventListener("dragend", () => {
      if (moving) { moving.classList.remove("sales-row-dragging"); moving.draggable = false; }
      moving = null;
      renumber();
    });
    document.addEventListener("formset:added", (e) => addHandle(e.target));
  }
})();
