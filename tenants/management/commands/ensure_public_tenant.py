from django.core.management.base import BaseCommand

from tenants.services import tenant_ensure_public


class Command(BaseCommand):
    help = "Create the public tenant (operators' admin) with its host name; safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--domain", default="localhost")

    def handle(self, *args, **opts):
        tenant_ensure_public(domain=opts["domain"])
        self.stdout.write(f"public tenant ready at {opts['domain']}")
