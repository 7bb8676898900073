"""Titles of system entries, built at display time so they follow the reader's language."""

from __future__ import annotations

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from crm.lib.l10n import grouped


def system_title(*, kind: str, payload: dict) -> str:
    """A one-line description of a system entry from its kind and payload."""
    p = {k: ("" if v is None else v) for k, v in payload.items()}
    project = p.get("project", "")
    if kind == "project_created":
        return _("Project “%(project)s” created in %(phase)s") % {
            "project": project,
            "phase": p.get("phase", ""),
        }
    if kind == "phase_changed":
        return _("“%(project)s” moved from %(from)s to %(to)s") % {
            "project": project,
            "from": p.get("from_phase") or "–",
            "to": p.get("to_phase", ""),
        }
    if kind == "owner_changed":
        return _("“%(project)s” handed over from %(from)s to %(to)s") % {
            "project": project,
            "from": p.get("from_owner") or _("nobody"),
            "to": p.get("to_owner") or _("nobody"),
        }
    if kind == "won":
        return _("“%(project)s” won") % {"project": project}
    if kind == "lost":
        if p.get("reason"):
            return _("“%(project)s” lost: %(reason)s") % {"project": project, "reason": p["reason"]}
        return _("“%(project)s” lost") % {"project": project}
    if kind == "reopened":
        return _("“%(project)s” reopened") % {"project": project}
    if kind == "lead_converted":
        return _("Lead “%(customer)s” converted into a customer") % {
            "customer": p.get("customer", "")
        }
    if kind == "customer_created":
        return _("“%(customer)s” created") % {"customer": p.get("customer", "")}
    if kind == "alternative_closed":
        return _("“%(project)s” closed as lost: the alternative “%(winner)s” was won") % {
            "project": project,
            "winner": p.get("winner", ""),
        }
    if kind == "field_changed":
        return field_changes_title(p.get("changes") or [])
    if kind == "customers_imported":
        count = p.get("count") or 0
        return ngettext(
            "%(count)s customer imported from %(file)s",
            "%(count)s customers imported from %(file)s",
            count,
        ) % {"count": grouped(count), "file": p.get("file", "")}
    return kind


def field_changes_title(changes: list[dict]) -> str:
    """ "Budget changed from 1,000.00 to 2,000.00; …", labels and values in the reader's language
    (the field's current definition; its labels at the time of the change if it is gone)."""
    from customfields.selectors import definitions_all
    from customfields.values import display

    definitions = {d.key: d for d in definitions_all()}
    german = (get_language() or "").startswith("de")
    parts = []
    for change in changes:
        definition = definitions.get(change.get("key"))
        if definition is not None:
            label = definition.label
            old, new = (display(definition, change.get(k)) for k in ("old", "new"))
        else:
            label = (german and change.get("label_de")) or change.get("label_en") or ""
            old, new = (str(change.get(k) or "") for k in ("old", "new"))
        parts.append(
            _("%(field)s changed from %(old)s to %(new)s")
            % {"field": label, "old": old or "–", "new": new or "–"}
        )
    return "; ".join(parts)
