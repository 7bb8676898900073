"""The conflicts list beside the project groups (and on the dashboard) self-joins the projects
flagged has_competitor through the partial index project_competing_idx; it now carries each
project's phase, process and id too, so both sides of a pair are read from the index alone
instead of a row fetch per flagged project and per rival (8,600 buffers on every group page at
100,000 customers). Issue 17.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0018_threshold_not_negative'),
        ('sales', '0022_group_owner_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='salesproject',
            name='project_competing_idx',
        ),
        migrations.AddIndex(
            model_name='salesproject',
            index=models.Index(condition=models.Q(('has_competitor', True)), fields=['customer'], include=('owner', 'group', 'phase', 'process', 'id'), name='project_competing_idx'),
        ),
    ]
