"""Input shapes of the customer and contact pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.lib.l10n import LocalizedDecimalField, LocalizedIntegerField
from customers import selectors
from customers.countries import country_choices_with
from customers.imports import DELIMITERS, ENCODINGS, MAX_BYTES, import_fields
from customers.models import ContactPerson, Customer
from customfields import standard
from customfields.forms import custom_fields_attach, custom_unique_check, custom_values


def _bootstrap(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(
            widget,
            (
                forms.CheckboxInput,
                forms.CheckboxSelectMultiple,
                forms.RadioSelect,
                forms.HiddenInput,
            ),
        ):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class CustomerForm(forms.ModelForm):
    """Create (with status lead or customer) and edit (status never changes here)."""

    class Meta:
        field_classes = {
            "annual_revenue": LocalizedDecimalField,
            "employees": LocalizedIntegerField,
        }
        model = Customer
        fields = [
            "kind",
            "name",
            "status",
            *Customer.PROFILE_FIELDS,
            "owner",
            "annual_revenue",
            "employees",
            "size_class_manual",
            "size_class",
        ]
        widgets = {
            "kind": forms.RadioSelect(attrs={"class": "form-check-input"}),
            "status": forms.RadioSelect(attrs={"class": "form-check-input"}),
        }

    def __init__(self, *args, user, leads_on: bool, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"] = forms.ChoiceField(
            label=_("Country"),
            choices=country_choices_with(self.initial.get("country") or self.instance.country),
            initial="DE",
        )
        if creating and leads_on:
            self.fields["status"].choices = Customer.Status.choices
            # A customer unless opened from the Leads area (?status=lead, see customer_create).
            self.fields["status"].initial = Customer.Status.CUSTOMER
        else:
            del self.fields["status"]
        self.fields["owner"].queryset = selectors.owner_choices(
            user=user, include_id=self.instance.owner_id
        )
        # Only managers and admins hand out unowned customers; a salesperson's customer is theirs.
        self.fields["owner"].required = not (user.is_tenant_admin or user.is_manager)
        if creating:
            self.fields["owner"].initial = user.pk
        self.fields["kind"].choices = Customer.Kind.choices
        self.fields["size_class"].required = False
        self.fields["size_class"].help_text = _(
            'Only used when "set by hand" is ticked; otherwise derived.'
        )
        self.fields["website"].widget.attrs.setdefault("placeholder", "www.example.com")
        self.fields["employees"].error_messages["min_value"] = _(
            "The number of employees cannot be negative."
        )
        # Switched-off standard fields are left out; a save keeps their stored values.
        self.std_off = standard.drop_fields(self, standard.Area.CUSTOMER, user)
        _bootstrap(self)
        custom_fields_attach(
            self, entity="customer", user=user, values=self.instance.custom, creating=creating
        )

    def clean(self):
        data = super().clean()
        if not data.get("size_class_manual"):
            data.pop("size_class", None)
        custom_unique_check(self, model=Customer, exclude_pk=self.instance.pk)
        return data

    def service_values(self) -> dict:
        values = {
            k: v for k, v in self.cleaned_data.items() if k != "status" and not k.startswith("cf_")
        }
        for key in ("street", "postal_code", "city", "phone", "email", "website", "industry"):
            if key not in self.std_off:
                values[key] = values.get(key) or ""
        values["custom"] = custom_values(self)
        return values

    def duplicate_query(self) -> dict:
        data = self.cleaned_data
        return {
            k: (data.get(k) if k in self.fields else getattr(self.instance, k)) or ""
            for k in ("name", "postal_code", "city", "email", "website", "phone", "country")
        }


class ContactForm(forms.ModelForm):
    class Meta:
        model = ContactPerson
        fields = ["first_name", "last_name", "position", "email", "phone", "mobile", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self, *args, user=None, creating: bool = False, required_only: bool = False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        # Switched-off standard fields are left out; a save keeps their stored values.
        standard.drop_fields(self, standard.Area.CONTACT, user)
        _bootstrap(self)
        if user is not None:
            custom_fields_attach(
                self,
                entity="contact",
                user=user,
                values=self.instance.custom,
                creating=creating,
                required_only=required_only,
            )

    def clean(self):
        data = super().clean()
        custom_unique_check(self, model=ContactPerson, exclude_pk=self.instance.pk)
        return data

    def service_values(self) -> dict:
        """The contact's fields for the services, custom fields as one ``custom`` value."""
        values = {k: v for k, v in self.cleaned_data.items() if not k.startswith("cf_")}
        if hasattr(self, "custom_editable"):
            values["custom"] = custom_values(self)
        return values


class ContactCreateForm(ContactForm):
    """Quick create from anywhere: the customer is picked from a short list of search results."""

    customer = forms.ModelChoiceField(label=_("Customer"), queryset=Customer.objects.all())
    customer_search = forms.CharField(label=_("Find customer"), required=False)

    class Meta(ContactForm.Meta):
        fields = ["customer", *ContactForm.Meta.fields]

    def __init__(self, *args, customer_options: list[Customer] = (), **kwargs):
        super().__init__(*args, **kwargs)
        # 100,000 customers cannot be a <select>: only the current search results are options.
        self.fields["customer"].widget.choices = [("", "—")] + [
            (c.pk, f"{c.name} · {c.city}" if c.city else c.name) for c in customer_options
        ]
        self.fields["customer_search"].widget.attrs.update({"autocomplete": "off"})
        self.fields["customer_search"].widget.input_type = "search"
        self.order_fields(["customer_search", "customer"])


class BulkForm(forms.Form):
    ACTIONS = [("assign", _("Assign owner")), ("export", _("Export CSV"))]
    SCOPES = [("selected", _("Selected rows")), ("all", _("All rows matching the filters"))]

    action = forms.ChoiceField(choices=ACTIONS)
    scope = forms.ChoiceField(choices=SCOPES, initial="selected")
    ids = forms.TypedMultipleChoiceField(coerce=int, required=False)
    owner = forms.ModelChoiceField(
        label=_("New owner"), queryset=Customer.objects.none(), required=False
    )
    query = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = selectors.owner_choices(user=user)
        self.fields["ids"].choices = (
            [(v, v) for v in self.data.getlist("ids")] if hasattr(self.data, "getlist") else []
        )
        _bootstrap(self)

    def clean(self):
        data = super().clean()
        if data.get("action") == "assign" and not data.get("owner"):
            self.add_error("owner", _("Choose the new owner."))
        if data.get("scope") == "selected" and not data.get("ids"):
            raise forms.ValidationError(
                _("Select at least one row, or choose all rows matching the filters.")
            )
        return data


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"), help_text=_("UTF-8 (with or without BOM), separated by ; or ,")
    )
    encoding = forms.ChoiceField(label=_("Encoding"), choices=ENCODINGS, initial="utf-8")
    delimiter = forms.ChoiceField(
        label=_("Separator"), choices=[("", _("Detect")), *DELIMITERS], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv,text/plain"
        _bootstrap(self)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is too large (%(size)d MB); at most %(max)d MB can be imported at "
                    "once."
                )
                % {"size": upload.size // (1024 * 1024), "max": MAX_BYTES // (1024 * 1024)}
            )
        return upload


class ImportMappingForm(forms.Form):
    default_owner = forms.ModelChoiceField(
        label=_("Owner for rows without one"), queryset=Customer.objects.none(), required=False
    )
    skip_existing = forms.BooleanField(
        label=_("Skip customers that already exist (same name and postal code or city)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, job, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.import_fields = import_fields(user=user)
        choices = [("", _("— ignore —"))] + [
            (name, label) for name, (label, _aliases) in self.import_fields.items()
        ]
        self.columns = []
        for index, title in enumerate(job.header):
            name = f"col_{index}"
            self.fields[name] = forms.ChoiceField(
                label=title or _("Column %(n)d") % {"n": index + 1},
                choices=choices,
                required=False,
                initial=job.mapping.get(str(index), ""),
            )
            self.columns.append(name)
        self.fields["default_owner"].queryset = selectors.owner_choices(user=user)
        self.fields["default_owner"].initial = job.default_owner_id
        self.fields["skip_existing"].initial = job.skip_existing
        _bootstrap(self)

    def column_fields(self):
        return [self[name] for name in self.columns]

    def clean(self):
        data = super().clean()
        chosen = [data.get(name) for name in self.columns if data.get(name)]
        if "name" not in chosen:
            raise forms.ValidationError(_("Map one column to the name."))
        for value in {v for v in chosen if chosen.count(v) > 1}:
            raise forms.ValidationError(
                _('"%(field)s" is mapped to more than one column.')
                % {"field": self.import_fields[value][0]}
            )
        return data

    def mapping(self) -> dict[str, str]:
        return {
            name.split("_", 1)[1]: self.cleaned_data[name]
            for name in self.columns
            if self.cleaned_data.get(name)
        }
