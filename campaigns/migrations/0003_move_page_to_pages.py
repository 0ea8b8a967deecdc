# The standing pages moved to the `pages` app. The table is kept (pages renames
# it), so this only removes the model from the campaigns app's state.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0002_campaign_statistic_actionday'),
        ('pages', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Page')],
            database_operations=[],
        ),
    ]
