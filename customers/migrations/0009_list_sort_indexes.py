# The list sorts, each ending in the id, read from their indexes (bench/pages.py measures every one).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0008_name_collation'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='contactperson',
            name='last_activity_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='last activity'),
        ),
        migrations.AddIndex(
            model_name='contactperson',
            index=models.Index(fields=['email', 'id'], name='contact_email_idx'),
        ),
        migrations.AddIndex(
            model_name='contactperson',
            index=models.Index(fields=['position', 'id'], name='contact_position_idx'),
        ),
        migrations.AddIndex(
            model_name='contactperson',
            index=models.Index(fields=['last_activity_at', 'id'], name='contact_last_activity_idx'),
        ),
        migrations.AddIndex(
            model_name='customer',
            index=models.Index(fields=['kind', 'name', 'id'], name='customer_kind_idx'),
        ),
    ]
