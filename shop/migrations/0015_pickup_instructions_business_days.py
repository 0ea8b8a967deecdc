"""Shops still holding the first default pickup instructions say "business
days" (American English); instructions staff wrote themselves are left alone."""

from django.db import migrations

OLD = (
    "We will email you within two working days to arrange a time to "
    "collect your order in Louisville."
)
NEW = (
    "We will email you within two business days to arrange a time to "
    "collect your order in Louisville."
)


def to_business_days(apps, schema_editor):
    ShopSettings = apps.get_model("shop", "ShopSettings")
    ShopSettings.objects.filter(pickup_instructions=OLD).update(
        pickup_instructions=NEW
    )


def to_working_days(apps, schema_editor):
    ShopSettings = apps.get_model("shop", "ShopSettings")
    ShopSettings.objects.filter(pickup_instructions=NEW).update(
        pickup_instructions=OLD
    )


class Migration(migrations.Migration):
    dependencies = [('shop', '0014_plain_labels_and_business_days')]

    operations = [migrations.RunPython(to_business_days, to_working_days)]
