from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from tenants.models import Tenant


class Command(BaseCommand):
    help = (
        "Recompute, for every project of a tenant (or of all tenants), whether it counts in pipeline totals "
        "(alternatives count once) and whether it has a competing offer. Only needed after data was written "
        "around the application (SQL, restores); the services keep both right otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schema", help="one tenant's schema; all tenants when left out")

    def handle(self, *args, **opts):
        from sales.services import flags_refresh_all

        tenants = Tenant.objects.exclude(schema_name="public")
        if opts["schema"]:
            tenants = tenants.filter(schema_name=opts["schema"])
            if not tenants.exists():
                raise CommandError(f"No tenant with schema {opts['schema']!r}.")
        for schema in tenants.values_list("schema_name", flat=True):
            with schema_context(schema):
                rollup, competition = flags_refresh_all()
            self.stdout.write(
                f"{schema}: {rollup} roll-up and {competition} competition flags corrected"
            )
