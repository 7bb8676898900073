"""The bulk form of the project and lead lists (owner, phase with its lost reason or follow-up
date, a new group, CSV export), apart from the other sales forms to keep each module short."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.lib.widgets import fast_selects
from crm.models import User
from crm.selectors import user_list_active
from sales.forms import PhaseWithProcessChoiceField
from sales.models import GroupType, LostReason, Phase
from sales.selectors import group_type_list, lost_reason_list, phase_list

__all__ = ["BulkForm"]


class BulkForm(forms.Form):
    ACTIONS = [
        ("owner", _("Change owner")),
        ("phase", _("Move to phase")),
        ("group", _("Group them")),
        ("export", _("Export CSV")),
    ]

    ids = forms.TypedMultipleChoiceField(coerce=int, required=False)
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("– new owner –"),
    )
    phase = PhaseWithProcessChoiceField(
        label=_("Phase"), queryset=Phase.objects.none(), required=False, empty_label=_("– phase –")
    )
    lost_reason = forms.ModelChoiceField(
        label=_("Lost reason"),
        queryset=LostReason.objects.none(),
        required=False,
        empty_label=_("– lost reason –"),
    )
    group_type = forms.ModelChoiceField(
        label=_("Group type"),
        queryset=GroupType.objects.none(),
        required=False,
        empty_label=_("– group type –"),
    )
    group_name = forms.CharField(label=_("Group name"), max_length=200, required=False)
    park_until = forms.DateField(
        label=_("Follow up on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("for a follow-up phase"),
    )

    def __init__(self, *args, lead: bool = False, **kwargs):
        kwargs.setdefault("auto_id", "bulk_%s")  # beside the filter form on the same page
        super().__init__(*args, **kwargs)
        self.lead = lead
        self.fields["owner"].queryset = user_list_active()
        self.fields["phase"].queryset = phase_list(lead=lead)
        self.fields["lost_reason"].queryset = lost_reason_list()
        self.fields["group_type"].queryset = group_type_list()
        ids = self.data.getlist("ids") if self.is_bound and hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(i, i) for i in ids]
        for f in ("action", "owner", "phase", "lost_reason", "group_type"):
            self.fields[f].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["group_name"].widget.attrs.update(
            {
                "class": "form-control form-control-sm sales-bulk-group",
                "placeholder": _("Group name"),
            }
        )
        self.fields["park_until"].widget.attrs.update(
            {"class": "form-control form-control-sm sales-bulk-date", "title": _("Follow up on")}
        )
        fast_selects(self.fields)

    def errors_mark(self) -> None:
        """Mark the fields of a failed action (its errors are listed beside the form)."""
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs.update({"aria-invalid": "true", "aria-describedby": "bulk-errors"})
                attrs["class"] = f"{attrs.get('class', '')} is-invalid"

    def cleaned_ids(self) -> set[int]:
        """The ticked ids of a bound form (valid or not), for ticking them again."""
        ids = set()
        for value in self.data.getlist("ids") if hasattr(self.data, "getlist") else ():
            if str(value).isdigit():
                ids.add(int(value))
        return ids

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if not data.get("ids"):
            raise forms.ValidationError(_("Select at least one project."))
        if action == "owner" and not data.get("owner"):
            self.add_error("owner", _("Choose the new owner."))
        if action == "phase" and not data.get("phase"):
            self.add_error("phase", _("Choose the phase."))
        if action == "group" and not data.get("group_type"):
            self.add_error("group_type", _("Choose the type of the new group."))
        if action == "group" and not (data.get("group_name") or "").strip():
            self.add_error("group_name", _("Please give the group a name."))
        return data
