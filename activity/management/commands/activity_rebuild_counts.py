from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from activity.services import activity_counts_rebuild
from tenants.models import Tenant


class Command(BaseCommand):
    help = "Recount the activity log's daily counts of a tenant (after changing TIME_ZONE)."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True)

    def handle(self, *args, **opts):
        schema = opts["schema"]
        if not Tenant.objects.filter(schema_name=schema).exclude(schema_name="public").exists():
            raise CommandError(f"No tenant with schema {schema!r}.")
        with schema_context(schema):
            rows = activity_counts_rebuild()
        self.stdout.write(self.style.SUCCESS(f"{rows} daily counts in {schema!r}."))
