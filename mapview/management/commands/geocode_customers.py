"""Geocode the customers of one tenant, with a progress bar.

manage.py geocode_customers --schema acme              # pending customers
manage.py geocode_customers --schema acme --retry      # also not found and failed ones
manage.py geocode_customers --schema acme --all        # everything except pins set by hand
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from crm.lib.commands import add_language_argument, command_translation
from customers.models import Customer
from mapview.geocoding import BACKENDS, get_geocoder
from mapview.services import customers_geocode_batch
from tenants.models import Tenant

Status = Customer.GeocodeStatus


class Command(BaseCommand):
    help = (
        "Geocode a tenant's customers (offline gazetteer by default, see GEOCODER) "
        "with a progress bar."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True, help="the tenant's schema name")
        parser.add_argument(
            "--retry", action="store_true", help="also customers not found or failed before"
        )
        parser.add_argument(
            "--all", action="store_true", help="every customer except pins set by hand"
        )
        parser.add_argument(
            "--geocoder", choices=sorted(BACKENDS), help="override the GEOCODER setting"
        )
        parser.add_argument("--limit", type=int, help="at most this many customers")
        parser.add_argument("--batch-size", type=int, default=5000)
        add_language_argument(parser)

    def handle(self, *args, **opts):
        with command_translation(schema=opts["schema"], requested=opts["language"]):
            self._handle(**opts)

    def _handle(self, **opts):
        schema = opts["schema"]
        if not Tenant.objects.filter(schema_name=schema).exclude(schema_name="public").exists():
            raise CommandError(_("No tenant with schema “%(schema)s”.") % {"schema": schema})
        statuses = [Status.PENDING]
        if opts["retry"] or opts["all"]:
            statuses += [Status.NOT_FOUND, Status.FAILED]
        if opts["all"]:
            statuses.append(Status.FOUND)
        geocoder = get_geocoder(opts["geocoder"])
        started = time.monotonic()
        tty = self.stdout.isatty()

        def progress(done: int, total: int) -> None:
            width = 30
            filled = int(width * done / total) if total else width
            bar = "#" * filled + "-" * (width - filled)
            pct = 100 * done // total if total else 100
            line = f"[{bar}] {pct:3d}% {done}/{total} ({time.monotonic() - started:.1f}s)"
            if tty:
                self.stdout.write("\r" + line, ending="")
                self.stdout.flush()
            else:
                self.stdout.write(line)

        with schema_context(schema):
            self.stdout.write(
                _("Geocoding the customers of “%(schema)s” with the %(geocoder)s geocoder …")
                % {"schema": schema, "geocoder": geocoder.name}
            )
            result = customers_geocode_batch(
                statuses=statuses,
                geocoder=geocoder,
                limit=opts["limit"],
                progress=progress,
                batch_size=max(100, opts["batch_size"]),
            )
        if tty:
            self.stdout.write("")
        if result.interrupted:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "Stopped early, the geocoding service is unavailable (%(reason)s); the "
                        "remaining customers keep their status. Run the command again later."
                    )
                    % {"reason": result.interrupted}
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(total)s customers: %(found)s found, %(not_found)s not found, %(failed)s "
                    "failed (%(addresses)s distinct addresses, %(seconds)s s)."
                )
                % {
                    "total": result.total,
                    "found": result.found,
                    "not_found": result.not_found,
                    "failed": result.failed,
                    "addresses": result.distinct_addresses,
                    "seconds": f"{time.monotonic() - started:.1f}",
                }
            )
        )
