"""The tenant admin's configuration of processes, phases, lost reasons and project group types;
projects and groups saved through the services (so changes made here follow the same rules and
send the same events)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.lib.admin import TenantOnlyAdminMixin
from customfields.selectors import project_entity
from customfields.standard import AdminSwitchesMixin
from sales import services
from sales.models import (
    GroupType,
    LostReason,
    Phase,
    PhaseChange,
    Process,
    ProjectContact,
    ProjectGroup,
    SalesProject,
)

ADMIN_MEDIA_JS = ("js/sales.js",)
ADMIN_MEDIA_CSS = {"all": ("css/sales.css",)}


PHASE_FIELDS = [
    "order",
    "name",
    "probability",
    "outcome",
    "qualifies_lead",
    "parks",
    "yellow_days",
    "red_days",
    "locked",
]


class PhaseInlineForm(forms.ModelForm):
    """The order field carries the texts of the reorder handle that sales.js adds (in the user's
    language)."""

    class Meta:
        model = Phase
        fields = PHASE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].widget.attrs.update(
            {
                "data-drag-label": _("Drag to reorder"),
                "data-up-label": _("Move up"),
                "data-down-label": _("Move down"),
            }
        )


class PhaseInline(TenantOnlyAdminMixin, admin.TabularInline):
    model = Phase
    form = PhaseInlineForm
    extra = 1
    ordering = ["order", "id"]
    fields = PHASE_FIELDS


class ProcessForm(forms.ModelForm):
    class Meta:
        model = Process
        fields = ["name", "kind", "order", "is_active", "followup_process", "followup_phase"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            # The first process is everyone's board: a new one goes last unless ordered otherwise.
            last = Process.objects.aggregate(m=Max("order"))["m"]
            self.initial["order"] = (last or 0) + 10
        self.fields["followup_process"].queryset = Process.objects.exclude(kind=Process.Kind.LEAD)
        self.fields["followup_phase"].queryset = Phase.objects.filter(
            process__in=Process.objects.exclude(kind=Process.Kind.LEAD), outcome=Phase.Outcome.OPEN
        ).select_related("process")
        self.fields["followup_phase"].label_from_instance = lambda p: f"{p.process} – {p.name}"

    def clean(self):
        data = super().clean()
        process, phase = data.get("followup_process"), data.get("followup_phase")
        if phase and process and phase.process_id != process.pk:
            self.add_error("followup_phase", _("Choose a phase of the follow-up process."))
        if (process or phase) and data.get("kind") != Process.Kind.LEAD:
            self.add_error(
                "followup_process", _("Only lead processes have a follow-up sales process.")
            )
        return data


@admin.register(Process)
class ProcessAdmin(TenantOnlyAdminMixin, admin.ModelAdmin):
    form = ProcessForm
    list_display = ["name", "kind", "order", "is_active", "phase_count"]
    list_editable = ["order", "is_active"]
    list_filter = ["kind", "is_active"]
    inlines = [PhaseInline]
    fieldsets = (
        (None, {"fields": ("name", "kind", "order", "is_active")}),
        (
            _("Leads"),
            {
                "fields": ("followup_process", "followup_phase"),
                "description": _(
                    "For lead processes: where a sales project starts when the lead converts."
                ),
            },
        ),
    )

    class Media:
        js = ADMIN_MEDIA_JS
        css = ADMIN_MEDIA_CSS

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(n_phases=Count("phases"))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Which projects are open offers depends on the kind and the phases' outcomes: recount the
        # alternatives and recheck competing offers when either changed.
        outcome_changed = any(
            "outcome" in f.changed_data for fs in formsets for f in fs.forms if f.instance.pk
        )
        if change and ("kind" in form.changed_data or outcome_changed):
            services.flags_refresh_all()

    @admin.display(description=_("phases"), ordering="n_phases")
    def phase_count(self, obj):
        return obj.n_phases


@admin.register(LostReason)
class LostReasonAdmin(TenantOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name"]


class ProjectContactInline(TenantOnlyAdminMixin, admin.TabularInline):
    model = ProjectContact
    extra = 0
    raw_id_fields = ["contact"]


class PhaseChangeInline(TenantOnlyAdminMixin, admin.TabularInline):
    model = PhaseChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "from_phase", "to_phase", "user"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SalesProjectAdminForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = SalesProject
        fields = [
            "customer",
            *SalesProject.CREATE_FIELDS,
            "lost_reason",
            "parked_until",
            "park_return_phase",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.fields["phase"].label_from_instance = lambda p: f"{p.process} – {p.name}"
        self.fields["phase"].queryset = Phase.objects.select_related("process")
        self.fields["probability"].required = False

    def clean(self):
        # The rules are the services'; here they are checked early so the admin can show them
        # next to the fields instead of failing on save.
        data = super().clean()
        process, phase = data.get("process"), data.get("phase")
        if process and phase and phase.process_id != process.pk:
            self.add_error("phase", _("This phase belongs to another process."))
        if phase and phase.outcome == Phase.Outcome.LOST and not data.get("lost_reason"):
            self.add_error("lost_reason", _("Please give a reason why the project was lost."))
        moving_in = phase and phase.pk != getattr(self.instance, "phase_id", None)
        if phase and phase.parks and moving_in:
            until = data.get("parked_until")
            if until is None or until <= timezone.localdate():
                self.add_error("parked_until", _("Choose a future date on which to follow up."))
        if self.instance.pk:
            current = (
                SalesProject.objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if data.get("version") is not None and current != data["version"]:
                raise forms.ValidationError(
                    _("Someone changed this project in the meantime. Reload the page.")
                )
        return data


@admin.register(SalesProject)
class SalesProjectAdmin(AdminSwitchesMixin, TenantOnlyAdminMixin, admin.ModelAdmin):
    # switched-off standard fields are left out (a project: its own area; the list and a new
    # project: only what is off for sales projects and leads alike)
    standard_areas = ("project", "lead")
    form = SalesProjectAdminForm
    # the title, the customer, then what a project is started with except its description
    list_display = ["title", "customer", *SalesProject.CREATE_FIELDS[1:-1]]
    list_filter = ["process", "phase__outcome"]
    list_select_related = ["customer", "process", "phase", "owner"]
    search_fields = ["title", "customer__name"]
    raw_id_fields = ["customer"]
    readonly_fields = [
        "group",
        "phase_entered_at",
        "closed_at",
        "followup_due",
        "created_at",
        "updated_at",
        "created_by",
    ]
    inlines = [ProjectContactInline, PhaseChangeInline]

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            phase = data["phase"]
            if phase.parks:  # start in the first phase, then park with the date
                phase = services.phase_first_open(process=data["process"])
            created = services.project_create(
                customer=data["customer"],
                process=data["process"],
                phase=phase,
                title=data["title"],
                owner=data["owner"],
                volume=data["volume"],
                probability=data.get("probability"),
                expected_order_date=data.get("expected_order_date"),  # None when switched off
                description=data.get("description", ""),
                lost_reason=data["lost_reason"],
                user=request.user,
            )
            if phase != data["phase"]:
                created = services.project_move(
                    project=created,
                    phase=data["phase"],
                    user=request.user,
                    expected_version=created.version,
                    park_until=data["parked_until"],
                    park_return_phase=data["park_return_phase"],
                ).project
        else:
            original = SalesProject.objects.get(pk=obj.pk)
            version = data.get("version") or original.version
            plain = {
                k: data[k]
                for k in ("title", "volume", "expected_order_date", "description", "customer")
                if k in data  # a switched-off standard field keeps its value
            }
            plain["probability"] = (
                data.get("probability")
                if data.get("probability") is not None
                else original.probability
            )
            created = services.project_update(
                project=original, user=request.user, expected_version=version, data=plain
            )
            if (data["phase"].pk, data["process"].pk) != (created.phase_id, created.process_id) or (
                data["owner"] and data["owner"].pk != created.owner_id
            ):
                created = services.project_move(
                    project=created,
                    phase=data["phase"],
                    process=data["process"],
                    owner=data["owner"],
                    lost_reason=data["lost_reason"],
                    user=request.user,
                    expected_version=created.version,
                    park_until=data["parked_until"],
                    park_return_phase=data["park_return_phase"],
                ).project
        for f in SalesProject._meta.concrete_fields:
            setattr(obj, f.attname, getattr(created, f.attname))

    def standard_areas_of(self, obj) -> tuple[str, ...]:
        return (project_entity(obj),)

    def delete_model(self, request, obj):
        services.project_delete(project=obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for project in queryset:
            services.project_delete(project=project)


@admin.register(PhaseChange)
class PhaseChangeAdmin(TenantOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["project", "from_phase", "to_phase", "user", "changed_at"]
    list_select_related = ["project", "from_phase", "to_phase", "user"]
    raw_id_fields = ["project"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class GroupTypeForm(forms.ModelForm):
    class Meta:
        model = GroupType
        fields = ["name", "rule", "order", "is_active"]

    def clean(self):
        data = super().clean()
        if data.get("rule"):
            try:
                services.group_type_check_rule(group_type=self.instance, rule=data["rule"])
            except forms.ValidationError as exc:
                self.add_error("rule", exc)
        return data


@admin.register(GroupType)
class GroupTypeAdmin(TenantOnlyAdminMixin, admin.ModelAdmin):
    form = GroupTypeForm
    list_display = ["name", "rule", "order", "is_active", "builtin"]
    list_editable = ["order", "is_active"]

    @admin.display(description=_("built-in"), boolean=True)
    def builtin(self, obj):
        return bool(obj.key)

    def has_delete_permission(self, request, obj=None):
        # the built-in types are renamed or switched off, never deleted (grouping competing offers
        # needs them)
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.key)

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "rule" in form.changed_data:
            services.group_type_changed(group_type=obj)


class MemberInline(TenantOnlyAdminMixin, admin.TabularInline):
    model = SalesProject
    fk_name = "group"
    verbose_name = _("member")
    verbose_name_plural = _("members (add and remove them on the projects' pages)")
    extra = 0
    can_delete = False
    fields = ["title", "customer", "phase", "owner", "volume", "counts_in_pipeline"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ProjectGroupAdminForm(forms.ModelForm):
    class Meta:
        model = ProjectGroup
        fields = ["name", "type", "main_project", "description"]

    def clean(self):
        # the services' rules, checked early so the admin shows them next to the fields
        data = super().clean()
        main = data.get("main_project")
        if main is not None and (self.instance.pk is None or main.group_id != self.instance.pk):
            self.add_error(
                "main_project", _("The main project must be one of the group's projects.")
            )
        if data.get("type") and self.instance.pk:
            try:
                services.group_check_type(group=self.instance, group_type=data["type"])
            except forms.ValidationError as exc:
                self.add_error("type", exc)
        return data


@admin.register(ProjectGroup)
class ProjectGroupAdmin(TenantOnlyAdminMixin, admin.ModelAdmin):
    form = ProjectGroupAdminForm
    list_display = ["name", "type", "created_at", "created_by"]
    list_filter = ["type"]
    list_select_related = ["type", "created_by"]
    search_fields = ["name"]
    raw_id_fields = ["main_project"]
    inlines = [MemberInline]

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        if not change:  # a new group has no members yet: nothing to recount
            obj.created_by = request.user
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        saved = services.group_update(
            group=ProjectGroup.objects.get(pk=obj.pk),
            user=request.user,
            name=data["name"],
            group_type=data["type"],
            description=data["description"],
            main_project=data["main_project"],
        )
        for f in ProjectGroup._meta.concrete_fields:
            setattr(obj, f.attname, getattr(saved, f.attname))

    def delete_model(self, request, obj):
        services.group_delete(group=obj, user=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for group in queryset:
            services.group_delete(group=group, user=request.user)
