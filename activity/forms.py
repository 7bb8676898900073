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
        fields = [
            "kind",
            "subject",
            "occurred_at",
            "duration_minutes",
            "text",
            "contacts",
            "show_on_customer",
            "due_date",
        ]
        widgets = {
            "kind": forms.Select(attrs={"class": "form-select"}),
            "subject": forms.TextInput(attrs={"class": "form-control", "maxlength": 200}),
            "occurred_at": forms.DateTimeInput(
                attrs={"class": "form-control", "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "duration_minutes": forms.NumberInput(
                attrs={"class": "form-control", "min": 0, "max": 1440, "step": 5}
            ),
            "text": forms.Textarea(attrs={"class": "form-control", "rows": 3}),
            "contacts": forms.SelectMultiple(attrs={"class": "form-select", "size": 3}),
            "due_date": forms.DateInput(
                attrs={"class": "form-control", "type": "date"}, format="%Y-%m-%d"
            ),
        }

    def __init__(self, *args, customer=None, project=None, links: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if links and customer is None and project is None and not self.instance.pk:
            customer, project = self._add_link_fields()
        labels = dict(Activity.Kind.choices)
        self.fields["kind"].choices = [(k.value, labels[k]) for k in HUMAN_KINDS]
        self.fields["occurred_at"].input_formats = [
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M:%S",
        ]
        if not self.instance.pk:
            self.initial.setdefault(
                "occurred_at", timezone.localtime().replace(second=0, microsecond=0)
            )
        else:
            self.initial.setdefault("done", self.instance.done_at is not None)
        self.customer = customer if customer is not None else self.instance.customer
        self.project = project if project is not None else self.instance.project
        from customers.models import ContactPerson

        if "contacts" in self.fields:
            contacts = ContactPerson.objects.filter(customer=self.customer).order_by(
                "last_name", "first_name"
            )
            if self.customer is not None and contacts.exists():
                self.fields["contacts"].queryset = contacts
            else:
                del self.fields["contacts"]
        if (
            self.project is None
            and "project" not in self.fields
            and "show_on_customer" in self.fields
        ):
            del self.fields["show_on_customer"]
        # People say what an entry is about (system entries and the seeders write no subject:
        # the model keeps it optional, only this form asks for it).
        self.fields["subject"].required = True
        self.fields["subject"].error_messages["required"] = _(
            "Give the activity a subject, e.g. “Call about the offer”."
        )

    def _add_link_fields(self):
        """Customer, project and contacts picked in the form (the stand-alone page, "+ New"): the
        customer by search, then its projects and contact persons only. Returns the chosen pair."""
        from customers.models import Customer
        from customers.selectors import customer_choices_search
        from sales.models import SalesProject

        data = self.data if self.is_bound else self.initial
        text = (data.get("customer_search") or "").strip()
        chosen = Customer.objects.filter(pk=_int(data.get("customer"))).first()
        options = customer_choices_search(text=text) if text else []
        if chosen and chosen not in options:
            options = [chosen, *options]
        self.fields["customer_search"] = forms.CharField(
            label=_("Find customer"),
            required=False,
            widget=forms.TextInput(
                attrs={"class": "form-control", "type": "search", "autocomplete": "off"}
            ),
        )
        self.fields["customer"] = forms.ModelChoiceField(
            label=_("Customer"),
            required=False,
            queryset=Customer.objects.all(),
            widget=forms.Select(attrs={"class": "form-select"}),
        )
        self.fields["customer"].choices = [("", "—")] + [
            (c.pk, f"{c.name} · {c.city}" if c.city else c.name) for c in options
        ]
        projects = (
            SalesProject.objects.filter(customer=chosen).order_by("-updated_at", "-id")
            if chosen
            else SalesProject.objects.none()
        )
        self.fields["project"] = forms.ModelChoiceField(
            label=_("Sales project"),
            required=False,
            queryset=projects,
            empty_label=_("— none —"),
            widget=forms.Select(attrs={"class": "form-select"}),
        )
        return chosen, None

    def clean(self):
        data = super().clean()
        project = data.get("project")
        if project is not None:
            self.project = project
            self.customer = project.customer
            if data.get("customer") is not None and data["customer"].pk != project.customer_id:
                self.add_error("project", _("The project belongs to another customer."))
        elif "customer" in self.fields:
            self.customer = data.get("customer")
        return data

    def service_kwargs(self) -> dict:
        """The cleaned data as keyword arguments of the services."""
        data = dict(self.cleaned_data)
        data.setdefault("show_on_customer", True)
        data["contacts"] = list(data.get("contacts") or [])
        data["subject"] = data.get("subject") or ""
        data["text"] = data.get("text") or ""
        for name in ("customer_search", "customer", "project"):
            data.pop(name, None)
        return data


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


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
