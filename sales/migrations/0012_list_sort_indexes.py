# The list sorts, each ending in the id, read from their indexes (bench/pages.py measures every one).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0009_list_sort_indexes'),
        ('sales', '0011_name_collation'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='salesproject',
            name='project_owner_idx',
        ),
        migrations.RemoveIndex(
            model_name='salesproject',
            name='project_expected_idx',
        ),
        migrations.AddIndex(
            model_name='salesproject',
            index=models.Index(fields=['owner', 'id'], name='project_owner_id_idx'),
        ),
        migrations.AddIndex(
            model_name='salesproject',
            index=models.Index(fields=['phase', 'id'], name='project_phase_id_idx'),
        ),
        migrations.AddIndex(
            model_name='salesproject',
            index=models.Index(fields=['process', 'id'], name='project_process_id_idx'),
        ),
        migrations.AddIndex(
            model_name='salesproject',
            index=models.Index(fields=['title', 'id'], name='project_title_idx'),
        ),
        migrations.AddIndex(
            model_name='salesproject',
            index=models.Index(fields=['probability', 'id'], name='project_probability_idx'),
        ),
        migrations.AddIndex(
            model_name='salesproject',
            index=models.Index(fields=['expected_order_date', 'id'], name='project_expected_id_idx'),
        ),
    ]
