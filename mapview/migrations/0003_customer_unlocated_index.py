"""A small partial index of the customers that are not on the map, so that the map page counts
them (by geocoding status) without reading the whole customer table."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("mapview", "0002_customer_point_gist"),
    ]

    operations = [
        migrations.RunSQL(
            sql="CREATE INDEX IF NOT EXISTS mapview_customer_unlocated "
                "ON customers_customer (geocode_status) WHERE latitude IS NULL OR longitude IS NULL;",
            reverse_sql="DROP INDEX IF EXISTS mapview_customer_unlocated;",
        ),
    ]
