"""The form of people's entries (full and compact quick-log variants)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activity.models import HUMAN_KINDS, Activity


class ActivityForm(forms.ModelForm):
    """Log or edit an entry; contact persons are offered from the activity's customer only."""

    done = forms.BooleanField(label=_("Done"), required=False)

    class Meta:
        model = Activity
        fields = ["kind", "subject", "occurred_at", "duration_minutes", "text", "contacts",
                  "show_on_customer", "due_date"]
        widgets = {
            "kind": forms.Select(attrs={"class": "form-select"}),
            "subject": forms.TextInput(attrs={"class": "form-control", "maxlength": 200}),
            "occurred_at": forms.DateTimeInput(attrs={"class": "form-control", "type": "datetime-local"},
                                               format="%Y-%m-%dT%H:%M"),
            "duration_minutes": forms.NumberInput(attrs={"class": "form-control", "min": 0, "max": 1440, "step": 5}),
            "text": forms.Textarea(attrs={"class": "form-control", "rows": 3}),
            "contacts": forms.SelectMultiple(attrs={"class": "form-select", "size": 3}),
            "due_date": forms.DateInput(attrs={"class": "form-control", "type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, customer=None, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Activity.Kind.choices)
        self.fields["kind"].choices = [(k.value, labels[k]) for k in HUMAN_KINDS]
        self.fields["occurred_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        if not self.instance.pk:
            self.initial.setdefault("occurred_at", timezone.localtime().replace(second=0, microsecond=0))
        else:
            self.initial.setdefault("done", self.instance.done_at is not None)
        self.customer = customer if customer is not None else self.instance.customer
        self.project = project if project is not None else self.instance.project
        from customers.models import ContactPerson

        if "contacts" in self.fields:
            contacts = ContactPerson.objects.filter(customer=self.customer).order_by("last_name", "first_name")
            if self.customer is not None and contacts.exists():
                self.fields["contacts"].queryset = contacts
            else:
                del self.fields["contacts"]
        if self.project is None and "show_on_customer" in self.fields:
            del self.fields["show_on_customer"]
        self.fields["subject"].required = False

    def service_kwargs(self) -> dict:
        """The cleaned data as keyword arguments of the services."""
        data = dict(self.cleaned_data)
        data.setdefault("show_on_customer", True)
        data["contacts"] = list(data.get("contacts") or [])
        data["subject"] = data.get("subject") or ""
        data["text"] = data.get("text") or ""
        return data



class BulkActivityForm(ActivityForm):
    """One entry for many customers: no contact persons, no project."""

    customers = forms.CharField(widget=forms.HiddenInput)

    class Meta(ActivityForm.Meta):
        fields = ["kind", "subject", "occurred_at", "duration_minutes", "text", "due_date"]

    def clean_customers(self) -> list[int]:
        ids = []
        for part in self.cleaned_data["customers"].split(","):
            part = part.strip()
            if part.isdigit():
                ids.append(int(part))
        if not ids:
            raise forms.ValidationError(_("No customers to log the activity for."))
        return ids
