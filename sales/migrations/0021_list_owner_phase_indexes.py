"""The sales and lead lists sorted by owner or phase read each owner's or phase's rows from its
(fk, id) index (sales/listing.py); the lists filter by the process, so every skipped row of a deep
page was a row fetch for its process (23,000 buffers for the phase sort's page 201 at 100,000
customers), and the owner sort's count per owner read the whole table. The two (fk, id) indexes
now carry the process (index-only scans) and (process, owner) serves the counts per owner, as
(process, phase) does for the phase sort (issue 17 item 3).
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0018_threshold_not_negative'),
        ('sales', '0020_group_figures'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='salesproject',
            name='project_owner_id_idx',
        ),
        migrations.RemoveIndex(
            model_name='salesproject',
            name='project_phase_id_idx',
        ),
        migrations.AddIndex(
            model_name='salesproject',
            index=models.Index(fields=['process', 'owner'], name='project_process_owner_idx'),
        ),
        migrations.AddIndex(
            model_name='salesproject',
            index=models.Index(fields=['owner', 'id'], include=('process',), name='project_owner_id_cover'),
        ),
        migrations.AddIndex(
            model_name='salesproject',
            index=models.Index(fields=['phase', 'id'], include=('process',), name='project_phase_id_cover'),
        ),
    ]
