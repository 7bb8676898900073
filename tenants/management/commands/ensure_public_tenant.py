from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from crm.lib.commands import add_language_argument, command_translation
from tenants.services import tenant_ensure_public


class Command(BaseCommand):
    help = "Create the public tenant (operators' admin) with its host name; safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--domain", default="localhost")
        add_language_argument(parser)

    def handle(self, *args, **opts):
        tenant_ensure_public(domain=opts["domain"])
        with command_translation(requested=opts["language"]):
            self.stdout.write(_("Public tenant ready at %(domain)s") % {"domain": opts["domain"]})
