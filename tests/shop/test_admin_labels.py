"""The admin speaks plainly to volunteers: no "Slug" or "Untick", and the
pickup instructions a shop starts with say "business days"."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from campaigns.models import Campaign
from pages.models import Page
from shop.models import Category, Product, ShopSettings
from tests.shop.factories import ShopSettingsFactory, VariantFactory

pytestmark = pytest.mark.django_db

OLD_PICKUP = (
    "We will email you within two working days to arrange a time to "
    "collect your order in Louisville."
)
NEW_PICKUP = (
    "We will email you within two business days to arrange a time to "
    "collect your order in Louisville."
)


def test_the_product_form_speaks_plainly(admin_client):
    variant = VariantFactory()
    html = admin_client.get(
        reverse("admin:shop_product_change", args=[variant.product_id])
    ).content.decode()
    assert "Uncheck to hide it from the shop." in html
    assert "Untick" not in html
    assert "Web address" in html and ">Slug" not in html
    assert ">Position<" not in html


@pytest.mark.parametrize("model", [Category, Product, Campaign, Page])
def test_no_slug_in_words_staff_read(model):
    label = str(model._meta.get_field("slug").verbose_name)
    assert label == "web address"


def test_the_promo_code_list_says_what_a_discount_is(admin_client):
    html = admin_client.get(reverse("admin:shop_promocode_add")).content.decode()
    assert "Type of discount" in html and ">Kind:<" not in html


def test_a_new_shop_says_business_days():
    assert ShopSettings().pickup_instructions == NEW_PICKUP


def test_existing_shops_holding_the_old_default_say_business_days():
    untouched = ShopSettingsFactory(pickup_instructions=OLD_PICKUP)
    migration = importlib.import_module(
        "shop.migrations.0015_pickup_instructions_business_days"
    )
    migration.to_business_days(apps, None)
    untouched.refresh_from_db()
    assert untouched.pickup_instructions == NEW_PICKUP

    custom = "Collect it within two working days, on the porch."
    ShopSettings.objects.update(pickup_instructions=custom)
    migration.to_business_days(apps, None)
    assert ShopSettings.objects.get().pickup_instructions == custom  # staff's words
