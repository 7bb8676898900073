"""The saved selection's sort by geocoding status reads its members' (geocode_status, name, id)
from an index, as the other sorts of the selection's table do from the customers' own (column,
name, id) indexes (mapview.selectors.SelectionCustomerQuerySet): without it every page of a large
selection sorted so read the whole customer table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("mapview", "0007_readable_constraints"),
    ]

    operations = [
        migrations.RunSQL(
            sql="CREATE INDEX IF NOT EXISTS mapview_customer_geocode_sort "
            "ON customers_customer (geocode_status, name, id);",
            reverse_sql="DROP INDEX IF EXISTS mapview_customer_geocode_sort;",
        ),
    ]
