from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from crm.lib.commands import command_translation
from tenants.services import tenant_provision


class Command(BaseCommand):
    help = "Create a tenant: schema, domain, admin user and the default sales process, in one step."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--domain", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-password", required=True)
        parser.add_argument("--leads", action="store_true", help="switch the lead function on")
        parser.add_argument(
            "--language",
            default="",
            help="default language (de, en): also of the default "
            "process, phases and lost reasons, and of seed_demo's sample data",
        )

    def handle(self, *args, **opts):
        # the new tenant's language; an unknown one is refused in LANGUAGE_CODE
        with command_translation(requested=opts["language"]):
            self._handle(**opts)

    def _handle(self, **opts):
        try:
            tenant = tenant_provision(
                schema=opts["schema"],
                name=opts["name"],
                domain=opts["domain"],
                admin_email=opts["admin_email"],
                admin_password=opts["admin_password"],
                lead_function_enabled=opts["leads"],
                language=opts["language"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Tenant “%(schema)s” ready at %(url)s (admin %(email)s)")
                % {
                    "schema": tenant.schema_name,
                    "url": f"http://{opts['domain'].strip().lower()}:8000/",
                    "email": opts["admin_email"].strip().lower(),
                }
            )
        )
