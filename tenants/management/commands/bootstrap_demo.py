from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from crm.lib.commands import command_translation
from crm.models import User
from crm.seed import DEMO_GERMAN_USER, DEMO_PASSWORD, demo_german_user_ensure
from tenants.models import Tenant
from tenants.services import tenant_ensure_public, tenant_provision

DEMO_ADMIN = "admin@demo.test"


class Command(BaseCommand):
    help = "Idempotent first-run set-up: the public tenant and the demo tenant with sample data."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=500)

    def handle(self, *args, **opts):
        with command_translation():  # LANGUAGE_CODE; seed_demo speaks the demo tenant's language
            self._handle(**opts)

    def _handle(self, **opts):
        tenant_ensure_public(domain="localhost")
        if Tenant.objects.filter(schema_name="demo").exists():
            self.stdout.write(_("The demo tenant exists; its data is left alone."))
        else:
            tenant_provision(
                schema="demo",
                name="Demo GmbH",
                domain="demo.localhost",
                admin_email=DEMO_ADMIN,
                admin_password=DEMO_PASSWORD,
                lead_function_enabled=True,
                admin_first_name="Dana",
                admin_last_name="Admin",
                language="de",  # a German company: processes, phases and sample titles in German
            )
            with schema_context("demo"):  # the English login follows the browser; Jana reads German
                User.objects.filter(email=DEMO_ADMIN).update(language="")
            call_command(
                "seed_demo", schema="demo", customers=opts["customers"], stdout=self.stdout
            )
        # also into a demo tenant made before this user existed
        with schema_context("demo"):
            if demo_german_user_ensure():
                self.stdout.write(
                    _("German demo user %(email)s created") % {"email": DEMO_GERMAN_USER}
                )
