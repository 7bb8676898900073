import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from crm.lib.seeding import SeedContext, seeder_label, seeders
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
            with translation.override(settings.LANGUAGE_CODE):
                raise CommandError(
                    _("No tenant with schema “%(schema)s”. Create it with provision_tenant first.")
                    % {"schema": schema}
                )
        ctx = SeedContext(
            rng=random.Random(opts["seed"]), customers=opts["customers"], stdout=self.stdout.write
        )
        language = Tenant.objects.get(schema_name=schema).default_language or settings.LANGUAGE_CODE
        # sample data, and what the command says of it, in the tenant's language
        with schema_context(schema), translation.override(language):
            for _order, name, func in seeders():
                started = time.monotonic()
                func(ctx)
                self.stdout.write(
                    "  "
                    + _("%(name)s: %(seconds)s s")
                    % {"name": seeder_label(name), "seconds": _seconds(started)}
                )
            started = time.monotonic()
            tables = _vacuum_analyze(schema)
            self.stdout.write(
                "  "
                + _("vacuum (analyze) of %(tables)s tables: %(seconds)s s")
                % {"tables": tables, "seconds": _seconds(started)}
            )
            self.stdout.write(self.style.SUCCESS(_("Seeded “%(schema)s”.") % {"schema": schema}))


def _seconds(started: float) -> str:
    """Seconds since ``started`` with one decimal, in the active language (German 0,4)."""
    return number_format(round(time.monotonic() - started, 1), decimal_pos=1, use_l10n=True)


def _vacuum_analyze(schema: str) -> int:
    """Bulk loads leave no visibility map and stale statistics, and autovacuum may be off or late:
    without this, index-only scans (deep overview pages, counts) read the heap. VACUUM cannot run
    inside a transaction (tests), where ANALYZE alone runs."""
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema]
        )
        tables = [row[0] for row in cursor.fetchall()]
        for table in tables:
            cursor.execute(
                f"{command} {connection.ops.quote_name(schema)}.{connection.ops.quote_name(table)}"
            )
    return len(tables)
