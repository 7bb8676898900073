"""A GiST index on the customers' coordinates as a PostgreSQL point (built-in geometry, no
PostGIS), so the map's viewport and drawn-shape queries (`point(longitude, latitude) <@ box`,
`<@ polygon`) use an index. It lives here because only the map queries it."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("mapview", "0001_initial"),
        ("customers", "0001_initial"),  # the coordinates exist since customers' first migration
    ]

    operations = [
        migrations.RunSQL(
            sql="CREATE INDEX IF NOT EXISTS mapview_customer_point_gist "
                "ON customers_customer USING gist (point(longitude, latitude));",
            reverse_sql="DROP INDEX IF EXISTS mapview_customer_point_gist;",
        ),
    ]
