# "Expired or canceled": the status label in American English.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0003_monthly_gifts'),
    ]

    operations = [
        migrations.AlterField(
            model_name='checkoutsession',
            name='status',
            field=models.CharField(choices=[('open', 'Open'), ('processing', 'Processing'), ('paid', 'Paid'), ('needs_review', 'Payment needs review'), ('failed', 'Failed'), ('expired', 'Expired or canceled'), ('refunded', 'Refunded')], default='open', max_length=12, verbose_name='status'),
        ),
    ]
