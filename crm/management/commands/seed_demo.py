import random
import time

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from crm.lib.seeding import SeedContext, seeders
from tenants.models import Tenant


class Command(BaseCommand):
    help = "Fill a tenant with realistic sample data (scales to the large reference tenant)."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True)
        parser.add_argument("--customers", type=int, default=500)
        parser.add_argument("--seed", type=int, default=42, help="random seed, for repeatable data")

    def handle(self, *args, **opts):
        schema = opts["schema"]
        if not Tenant.objects.filter(schema_name=schema).exclude(schema_name="public").exists():
            raise CommandError(f"No tenant with schema {schema!r}. Create it with provision_tenant first.")
        ctx = SeedContext(rng=random.Random(opts["seed"]), customers=opts["customers"], stdout=self.stdout.write)
        with schema_context(schema):
            for _order, name, func in seeders():
                started = time.monotonic()
                func(ctx)
                self.stdout.write(f"  {name}: {time.monotonic() - started:.1f}s")
        self.stdout.write(self.style.SUCCESS(f"Seeded {schema!r}."))
