"""Input shapes of the sales pages."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.lib.l10n import ISO_DATE, LocalizedDecimalField
from crm.lib.widgets import fast_selects
from crm.models import User
from crm.selectors import user_list_active
from customers.models import Customer
from customfields import standard
from customfields.forms import custom_fields_attach, custom_unique_check, custom_values
from customfields.selectors import project_entity
from sales.models import (
    GroupType,
    LostReason,
    Phase,
    Process,
    ProjectContact,
    ProjectGroup,
    SalesProject,
)
from sales.selectors import group_type_list, lost_reason_list, phase_list, process_list

CUSTOMER_SEARCH_LIMIT = 20


def _style(form: forms.BaseForm) -> None:
    for f in form.fields.values():
        if isinstance(f.widget, forms.RadioSelect):
            f.widget.attrs.setdefault("class", "form-check-input")
            continue
        if isinstance(f.widget, (forms.CheckboxInput, forms.HiddenInput)):
            continue
        css = "form-select" if isinstance(f.widget, forms.Select) else "form-control"
        f.widget.attrs.setdefault("class", css)


class PhaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Phase) -> str:
        return obj.name


class PhaseWithProcessChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Phase) -> str:
        return f"{obj.process.name} – {obj.name}"


class ProjectFieldsForm(forms.Form):
    """The plain fields of a project, shared by create and edit."""

    title = forms.CharField(label=_("Title"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    volume = LocalizedDecimalField(
        label=_("Volume"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        initial=0,
        error_messages={"min_value": _("The volume cannot be negative.")},
    )
    probability = forms.IntegerField(
        label=_("Probability (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Leave empty for the phase's default."),
    )
    expected_order_date = forms.DateField(
        label=_("Expected order date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = user_list_active()


class CustomerPickMixin(forms.Form):
    """An existing customer chosen from a short list found by ``customer_q`` (never all
    customers)."""

    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=Customer.objects.all(), required=False
    )
    customer_q = forms.CharField(label=_("Find customer"), required=False)

    def setup_customer_choices(self, *, statuses: tuple[str, ...]) -> None:
        field = self.fields["customer"]
        field.queryset = Customer.objects.filter(status__in=statuses)
        chosen = (
            self.data.get(self.add_prefix("customer"))
            if self.is_bound
            else self.initial.get("customer")
        )
        if isinstance(chosen, Customer):
            chosen = chosen.pk
        query = (
            self.data.get(self.add_prefix("customer_q"))
            if self.is_bound
            else self.initial.get("customer_q")
        ) or ""
        query = query.strip()
        field.widget.choices = [("", _("– choose a customer –"))] + customer_choices(
            chosen=chosen, query=query, statuses=statuses
        )
        self.fields["customer_q"].widget.attrs.update(
            {"placeholder": _("Name, city or postal code")}
        )
        self.fields["customer_q"].widget.input_type = "search"


def customer_choices(*, chosen, query: str, statuses: tuple[str, ...]) -> list[tuple[int, str]]:
    """The chosen customer plus up to CUSTOMER_SEARCH_LIMIT customers matching ``query``."""
    qs = Customer.objects.filter(status__in=statuses).only("pk", "name", "city", "status")
    found: list[Customer] = []
    if chosen and str(chosen).isdigit():
        found += list(qs.filter(pk=int(chosen)))
    if query:
        from customers.selectors import customer_search

        found += list(
            customer_search(qs, text=query)
            .exclude(pk__in=[c.pk for c in found])
            .order_by("name", "id")[:CUSTOMER_SEARCH_LIMIT]
        )
    return [(c.pk, f"{c.name}{' · ' + c.city if c.city else ''}") for c in found]


class ProjectCreateForm(CustomerPickMixin, ProjectFieldsForm):
    MODE_EXISTING, MODE_NEW = "existing", "new"

    customer_mode = forms.ChoiceField(
        label=_("Customer"),
        choices=[("existing", _("Existing customer")), ("new", _("New customer"))],
        initial="existing",
        widget=forms.RadioSelect,
    )
    process = forms.ModelChoiceField(
        label=_("Process"), queryset=Process.objects.none(), empty_label=None
    )
    phase = PhaseWithProcessChoiceField(
        label=_("Start phase"),
        queryset=Phase.objects.none(),
        required=False,
        empty_label=_("First phase of the process"),
    )

    field_order = [
        "customer_mode",
        "customer_q",
        "customer",
        *SalesProject.CREATE_FIELDS,
    ]

    def __init__(self, *args, lead: bool = False, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead = lead
        self.fields["process"].queryset = process_list(lead=lead)
        self.fields["phase"].queryset = phase_list(lead=lead).filter(outcome=Phase.Outcome.OPEN)
        statuses = (
            (Customer.Status.LEAD,) if lead else (Customer.Status.CUSTOMER, Customer.Status.LEAD)
        )
        self.setup_customer_choices(statuses=statuses)
        if lead:
            # A lead's first project is created with the lead itself.
            self.fields["customer_mode"].initial = self.MODE_NEW
            self.fields["customer_mode"].choices = [
                ("new", _("New lead")),
                ("existing", _("Existing lead")),
            ]
        standard.drop_fields(self, standard.area_of(lead=lead), user)
        _style(self)
        if user is not None:
            custom_fields_attach(
                self, entity="lead" if lead else "project", user=user, values={}, creating=True
            )

    def clean(self):
        data = super().clean()
        if data.get("customer_mode") == self.MODE_EXISTING and not data.get("customer"):
            self.add_error("customer", _("Choose a customer, or create a new one."))
        phase, process = data.get("phase"), data.get("process")
        if phase and process and phase.process_id != process.pk:
            self.add_error("phase", _("This phase belongs to another process."))
        custom_unique_check(self, model=SalesProject)
        return data


class NewCustomerForm(forms.ModelForm):
    """The new customer created together with a project (prefix ``new``)."""

    confirm_not_duplicate = forms.BooleanField(
        label=_("None of these is the same customer: create it anyway"), required=False
    )

    class Meta:
        model = Customer
        fields = [
            "kind",
            "name",
            *Customer.PROFILE_FIELDS,
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        standard.drop_fields(self, standard.Area.CUSTOMER, user)
        _style(self)
        if user is not None:  # the required custom fields of customers (the others: defaults)
            custom_fields_attach(
                self, entity="customer", user=user, values={}, creating=True, required_only=True
            )

    def clean(self):
        data = super().clean()
        custom_unique_check(self, model=Customer)
        return data

    def customer_values(self) -> dict:
        values = {k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields}
        if hasattr(self, "custom_editable"):
            values["custom"] = custom_values(self)
        return values


class ProjectEditForm(ProjectFieldsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    field_order = [
        "title",
        "volume",
        "probability",
        "expected_order_date",
        "description",
        "version",
    ]

    def __init__(self, *args, project=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["owner"]  # owners change with the move dialog or the owner action
        if project is not None:
            standard.drop_fields(self, project_entity(project), user)
        _style(self)
        self.project = project
        if project is not None and user is not None:
            custom_fields_attach(
                self,
                entity=project_entity(project),
                user=user,
                values=project.custom,
                creating=False,
            )

    def clean(self):
        data = super().clean()
        if self.project is not None:
            custom_unique_check(self, model=SalesProject, exclude_pk=self.project.pk)
        return data


class MoveForm(forms.Form):
    """Phase, process and owner in one step (the keyboard alternative to dragging)."""

    process = forms.ModelChoiceField(
        label=_("Process"), queryset=Process.objects.none(), empty_label=None
    )
    phase = PhaseChoiceField(label=_("Phase"), queryset=Phase.objects.none(), empty_label=None)
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False, empty_label=_("– keep –")
    )
    lost_reason = forms.ModelChoiceField(
        label=_("Lost reason"),
        queryset=LostReason.objects.none(),
        required=False,
        help_text=_("Required when moving into a lost phase."),
    )
    park_until = forms.DateField(
        label=_("Follow up on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
        help_text=_("Required when moving into a follow-up phase."),
    )
    park_return_phase = PhaseChoiceField(
        label=_("Then return to"),
        queryset=Phase.objects.none(),
        required=False,
        empty_label=_("the phase it comes from"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, project, **kwargs):
        kwargs.setdefault("auto_id", "move_%s")  # the board's filter form has its own owner field
        super().__init__(*args, **kwargs)
        lead = project.process.kind == Process.Kind.LEAD
        self.fields["process"].queryset = process_list(lead=lead)
        process_id = (
            (self.data.get("process") if self.is_bound else None)
            or self.initial.get("process")
            or project.process_id
        )
        if isinstance(process_id, Process):
            process_id = process_id.pk
        if not str(process_id).isdigit():
            process_id = project.process_id
        self.fields["phase"].queryset = Phase.objects.filter(process_id=int(process_id)).order_by(
            "order", "id"
        )
        self.fields["park_return_phase"].queryset = self.fields["phase"].queryset.filter(
            outcome=Phase.Outcome.OPEN, parks=False
        )
        self.fields["owner"].queryset = user_list_active()
        self.fields["lost_reason"].queryset = lost_reason_list()
        fast_selects(self.fields)
        # Choosing another process reloads the dialog with that process's phases (htmx; without JS
        # a mismatch is reported on submit).
        self.fields["process"].widget.attrs.update(
            {
                "hx-get": reverse("sales:project_move", args=[project.pk]),
                "hx-trigger": "change",
                "hx-include": "closest form",
                "hx-params": "not csrfmiddlewaretoken",
                "hx-target": "#sales-dialog-body",
            }
        )
        _style(self)

    def clean(self):
        data = super().clean()
        phase, process = data.get("phase"), data.get("process")
        if phase and process and phase.process_id != process.pk:
            self.add_error("phase", _("Choose a phase of the chosen process."))
        return data


class OwnerForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("New owner"), queryset=User.objects.none())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = user_list_active()
        _style(self)


class ReopenForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    park_until = forms.DateField(required=False)


class ProjectContactForm(forms.Form):
    contact = forms.ModelChoiceField(label=_("Contact person"), queryset=None)
    role = forms.ChoiceField(label=_("Buying-center role"), choices=ProjectContact.Role.choices)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = project.customer.contacts.order_by(
            "last_name", "first_name"
        )
        _style(self)


class TenantSettingsForm(forms.Form):
    lead_function_enabled = forms.BooleanField(
        label=_("Lead function"),
        required=False,
        help_text=_(
            "Shows the Leads menu, lead processes and leads (in gray) in the customer overview. "
            "Switching it off hides them; nothing is deleted."
        ),
    )


class GroupForm(forms.ModelForm):
    """Name, type, main project (one of the members) and description of a group."""

    class Meta:
        model = ProjectGroup
        fields = ["name", "type", "main_project", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        # an inactive type stays choosable for the groups that have it
        self.fields["type"].queryset = GroupType.objects.filter(
            Q(is_active=True) | Q(pk=self.instance.type_id)
        )
        self.fields["type"].empty_label = None
        self.fields["main_project"].queryset = SalesProject.objects.filter(
            pk__in=[m.pk for m in members]
        )
        self.fields["main_project"].choices = [("", _("– none –"))] + [
            (m.pk, m.title) for m in members
        ]
        _style(self)


class GroupJoinForm(forms.Form):
    """Add a project to a group: an existing one, or a new one made with just this project."""

    NEW = "new"

    group = forms.ChoiceField(label=_("Group"))
    name = forms.CharField(label=_("Name (new group)"), max_length=200, required=False)
    type = forms.ModelChoiceField(
        label=_("Type (new group)"),
        queryset=GroupType.objects.none(),
        required=False,
        empty_label=None,
    )

    def __init__(self, *args, groups=(), **kwargs):
        kwargs.setdefault("auto_id", "join_%s")
        super().__init__(*args, **kwargs)
        self.groups = {str(g.pk): g for g in groups}
        self.fields["group"].choices = [(self.NEW, _("A new group"))] + [
            (str(g.pk), f"{g.name} ({g.type})") for g in groups
        ]
        self.fields["type"].queryset = group_type_list()
        _style(self)

    def clean(self):
        data = super().clean()
        if data.get("group") == self.NEW:
            if not (data.get("name") or "").strip():
                self.add_error("name", _("Please give the group a name."))
            if not data.get("type"):
                self.add_error("type", _("Choose the type of the new group."))
        else:
            data["existing"] = self.groups.get(data.get("group"))
        return data
