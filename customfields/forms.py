"""Input shapes: the definition form (settings page and tenant admin) and the custom part of
record forms."""

from __future__ import annotations

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from customfields.models import ROLE_CHOICES, FieldDefinition
from customfields.services import FIXED_AFTER_CREATE


def options_to_text(options: list[dict]) -> str:
    return "\n".join(
        " | ".join([o["value"], o.get("en", ""), o.get("de", "")]).rstrip(" |") for o in options
    )


def options_from_text(text: str) -> list[dict]:
    """One option a line: "value | English | German", "English | German" or "English"."""
    options = []
    for line in (text or "").splitlines():
        parts = [p.strip() for p in line.split("|")]
        if not any(parts):
            continue
        if len(parts) >= 3:
            value, en, de = parts[0], parts[1], parts[2]
        elif len(parts) == 2:
            value, en, de = "", parts[0], parts[1]
        else:
            value, en, de = "", parts[0], ""
        value = slugify(value or en).replace("-", "_")[:60]
        if not value:
            raise forms.ValidationError(_('Line "%(line)s" has no usable value.') % {"line": line})
        options.append({"value": value, "en": en or value, "de": de})
    return options


class FieldDefinitionForm(forms.ModelForm):
    options_text = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            'For choice fields, one option a line in display order: "value | English | German". '
            "Keep the value when you rename an option: stored records refer to it."
        ),
    )
    visible_roles = forms.MultipleChoiceField(
        label=_("Seen by"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    editable_roles = forms.MultipleChoiceField(
        label=_("Edited by"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = FieldDefinition
        fields = [
            "entity",
            "key",
            "field_type",
            "label_en",
            "label_de",
            "help_en",
            "help_de",
            "options_text",
            "required",
            "default",
            "order",
            "section",
            "active",
            "visible_roles",
            "editable_roles",
            "filterable",
            "sortable",
            "searchable",
            "unique",
            "tracked",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in FIXED_AFTER_CREATE:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Fixed once the field exists.")
            self.fields["options_text"].initial = options_to_text(self.instance.options)
        self.fields["searchable"].help_text = _(
            "Text fields: the global search finds records by it (for roles that see it)."
        )
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                widget.attrs.setdefault("class", "form-check-input")
                continue
            widget.attrs.setdefault(
                "class", "form-select" if isinstance(widget, forms.Select) else "form-control"
            )

    # the settings page's columns (templates/customfields/field_form.html)
    DEFINITION_FIELDS = (
        "entity",
        "field_type",
        "key",
        "label_en",
        "label_de",
        "help_en",
        "help_de",
        "options_text",
    )
    FLAG_FIELDS = (
        "required",
        "active",
        "filterable",
        "sortable",
        "searchable",
        "unique",
        "tracked",
    )

    def definition_fields(self) -> list:
        return [self[name] for name in self.DEFINITION_FIELDS]

    def flag_fields(self) -> list:
        return [self[name] for name in self.FLAG_FIELDS]

    def clean_options_text(self):
        return options_from_text(self.cleaned_data.get("options_text", ""))

    def clean(self):
        data = super().clean()
        if "options_text" in data:
            data["options"] = data.pop("options_text")
            self.instance.options = data["options"]
        return data

    def service_values(self) -> dict:
        data = {
            name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data
        }
        data.pop("options_text", None)
        data["options"] = self.cleaned_data.get("options", [])
        return data


def add_custom_fields(
    form: forms.BaseForm,
    *,
    definitions,
    editable_keys: set[str],
    values: dict | None,
    creating: bool,
) -> None:
    """Add a form field for each of ``definitions`` to ``form``: editable ones as inputs, the others
    shown disabled (their value is never taken from the request)."""
    from customfields.values import parse_text, to_initial

    values = values or {}
    form.custom_definitions = list(definitions)
    for definition in definitions:
        from customfields.values import form_field

        field = form_field(definition)
        if creating and definition.key not in values and definition.default:
            try:
                field.initial = to_initial(definition, parse_text(definition, definition.default))
            except forms.ValidationError:
                field.initial = None
        else:
            field.initial = to_initial(definition, values.get(definition.key))
        if definition.key not in editable_keys:
            field.disabled = True
            field.required = False
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
            widget.attrs.setdefault("class", "form-check-input")
        else:
            widget.attrs.setdefault(
                "class", "form-select" if isinstance(widget, forms.Select) else "form-control"
            )
        field.custom_section = definition.section
        form.fields[definition.column] = field


def custom_bound_fields(form) -> list:
    """The bound custom fields of a form, for the template."""
    return [
        form[d.column] for d in getattr(form, "custom_definitions", []) if d.column in form.fields
    ]


def custom_fields_attach(
    form: forms.BaseForm,
    *,
    entity: str,
    user,
    values: dict | None,
    creating: bool,
    required_only: bool = False,
) -> None:
    """Give ``form`` the custom fields of ``entity`` that ``user`` sees; those the user may not edit
    are shown disabled and keep their stored value.

    ``required_only`` (quick-create forms of a new record): only the required fields the user
    edits; the other fields get their defaults, as on the full form."""
    from customfields.selectors import definitions_for
    from customfields.values import parse_text

    visible = definitions_for(entity=entity, user=user)
    editable = {d.key for d in definitions_for(entity=entity, user=user, editable=True)}
    stored = dict(values or {})
    if required_only:
        for d in visible:
            if d.key in editable and not d.required and d.default and d.key not in stored:
                try:
                    stored[d.key] = parse_text(d, d.default)
                except forms.ValidationError:
                    pass
        visible = [d for d in visible if d.required and d.key in editable]
    add_custom_fields(
        form, definitions=visible, editable_keys=editable, values=values, creating=creating
    )
    form.custom_editable = [d for d in visible if d.key in editable]
    form.custom_stored = stored


def custom_values(form: forms.BaseForm) -> dict:
    """The record's whole ``custom`` value after the form: the editable fields from the form, every
    other stored value (hidden from this user, retired, unknown) as it was."""
    from customfields.services import values_merge

    return values_merge(
        current=getattr(form, "custom_stored", {}),
        definitions=getattr(form, "custom_editable", []),
        cleaned=form.cleaned_data,
    )


def custom_unique_check(form: forms.BaseForm, *, model, exclude_pk: int | None = None) -> None:
    """Errors next to "unique" custom fields whose value another record has."""
    from customfields.services import values_check_unique

    if not getattr(form, "custom_editable", None):
        return
    errors = values_check_unique(
        model=model,
        definitions=form.custom_editable,
        values=custom_values(form),
        exclude_pk=exclude_pk,
    )
    for column, message in errors.items():
        form.add_error(column, message)
