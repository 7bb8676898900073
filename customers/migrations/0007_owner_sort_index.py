"""The overview's owner sort reads each owner's customers in id order from an (owner, id) index
(customers.selectors.CustomerOverviewQuerySet); the plain (owner) index it replaces duplicated the
foreign key's own index."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0006_project_rollups'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='customer',
            name='customer_owner_idx',
        ),
        migrations.AddIndex(
            model_name='customer',
            index=models.Index(fields=['owner', 'id'], name='customer_owner_id_idx'),
        ),
    ]
