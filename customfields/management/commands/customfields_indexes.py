"""Build the expression indexes of a tenant's filterable and sortable custom fields now."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from crm.lib.commands import add_language_argument, command_translation


class Command(BaseCommand):
    help = (
        "Create (CONCURRENTLY) the indexes custom fields need and drop unused ones, "
        "in one tenant schema."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True)
        add_language_argument(parser)

    def handle(self, *args, schema: str, **options):
        from customfields.indexes import indexes_ensure

        with command_translation(schema=schema, requested=options["language"]):
            with schema_context(schema):
                result = indexes_ensure(concurrently=True)
            self.stdout.write(
                _("Indexes created: %(created)s; dropped: %(dropped)s")
                % {
                    "created": ", ".join(result["created"]) or "–",
                    "dropped": ", ".join(result["dropped"]) or "–",
                }
            )
