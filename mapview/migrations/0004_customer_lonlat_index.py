"""The map's coordinate index becomes a covering B-tree on (longitude, latitude) with the columns a
viewport needs, replacing the GiST index on point(longitude, latitude).

Every map query now bounds its shape with ``longitude BETWEEN ... AND latitude BETWEEN ...``
(the exact shape test follows on the same row). PostgreSQL estimates such ranges from column
statistics, while it guesses a fixed 0.1 % for ``<@`` on geometric types; with the GiST index it
therefore chose a bitmap scan of the whole 80 MB table for a country-wide viewport. The B-tree
with INCLUDE answers the unfiltered map (clusters, counts, selection counts) with an index-only
scan of a few MB.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("mapview", "0003_customer_unlocated_index"),
        ("customers", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                "CREATE INDEX IF NOT EXISTS mapview_customer_lonlat ON customers_customer "
                "(longitude, latitude) INCLUDE (status, size_class, id);",
                "DROP INDEX IF EXISTS mapview_customer_point_gist;",
            ],
            reverse_sql=[
                "CREATE INDEX IF NOT EXISTS mapview_customer_point_gist "
                "ON customers_customer USING gist (point(longitude, latitude));",
                "DROP INDEX IF EXISTS mapview_customer_lonlat;",
            ],
        ),
    ]
