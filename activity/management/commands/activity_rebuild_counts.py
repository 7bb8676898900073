from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from activity.services import activity_counts_rebuild
from crm.lib.commands import add_language_argument, command_translation
from tenants.models import Tenant


class Command(BaseCommand):
    help = "Recount the activity log's daily counts of a tenant (after changing TIME_ZONE)."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True)
        add_language_argument(parser)

    def handle(self, *args, **opts):
        schema = opts["schema"]
        with command_translation(schema=schema, requested=opts["language"]):
            if not Tenant.objects.filter(schema_name=schema).exclude(schema_name="public").exists():
                raise CommandError(_("No tenant with schema “%(schema)s”.") % {"schema": schema})
            with schema_context(schema):
                rows = activity_counts_rebuild()
            self.stdout.write(
                self.style.SUCCESS(
                    _("%(rows)s daily counts in “%(schema)s”.") % {"rows": rows, "schema": schema}
                )
            )
