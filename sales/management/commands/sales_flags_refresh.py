from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from crm.lib.commands import add_language_argument, command_translation
from tenants.models import Tenant


class Command(BaseCommand):
    help = (
        "Recompute, for every project of a tenant (or of all tenants), "
        "whether it counts in pipeline totals "
        "(alternatives count once) and whether it has a competing offer. Only needed after data "
        "was written "
        "around the application (SQL, restores); the services keep both right otherwise. Also sets "
        "every "
        "customer's open project count and pipeline value and every project group's figures "
        "afresh (the triggers keep them otherwise)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schema", help="one tenant's schema; all tenants when left out")
        add_language_argument(parser)

    def handle(self, *args, **opts):
        from sales.services import (
            customer_rollups_rebuild,
            flags_refresh_all,
            group_figures_rebuild,
        )

        tenants = Tenant.objects.exclude(schema_name="public")
        if opts["schema"]:
            tenants = tenants.filter(schema_name=opts["schema"])
            if not tenants.exists():
                with command_translation(requested=opts["language"]):
                    raise CommandError(
                        _("No tenant with schema “%(schema)s”.") % {"schema": opts["schema"]}
                    )
        for schema in tenants.values_list("schema_name", flat=True):
            with schema_context(schema):
                rollup, competition = flags_refresh_all()
                customers = customer_rollups_rebuild()
                groups = group_figures_rebuild()
            # each tenant's line in its own language (or --language)
            with command_translation(schema=schema, requested=opts["language"]):
                self.stdout.write(
                    _(
                        "%(schema)s: %(rollup)s roll-up and %(competition)s competition flags "
                        "corrected"
                    )
                    % {"schema": schema, "rollup": rollup, "competition": competition}
                )
                self.stdout.write(
                    _("%(schema)s: %(customers)s customers' open project figures corrected")
                    % {"schema": schema, "customers": customers}
                )
                self.stdout.write(
                    _("%(schema)s: %(groups)s project groups' figures corrected")
                    % {"schema": schema, "groups": groups}
                )
