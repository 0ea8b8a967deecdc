import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from campaigns.models import ActionDay, Campaign
from demo import campaigns_scale, donations_scale, shop_scale
from donations.models import Donation
from shop.models import Order, OrderLine, Product, ProductImage, Variant

SIZES = {"products": 12, "campaigns": 4, "months": 2}


def _counts():
    return {
        "products": Product.objects.count(),
        "variants": Variant.objects.count(),
        "images": ProductImage.objects.count(),
        "campaigns": Campaign.objects.count(),
        "action_days": ActionDay.objects.count(),
        "orders": Order.objects.count(),
        "lines": OrderLine.objects.count(),
        "gifts": Donation.objects.count(),
    }


def _catalog_orders():
    return Order.objects.filter(email__endswith=shop_scale.ORDER_DOMAIN)


def _catalog_gifts():
    return Donation.objects.filter(donor__email__endswith=donations_scale.DONOR_DOMAIN)


@pytest.mark.django_db
def test_seed_catalog_makes_the_sizes_asked():
    call_command("seed_catalog", verbosity=0, **SIZES)

    assert Product.objects.count() == 12
    assert not Product.objects.filter(variants=None).exists()
    assert not Product.objects.filter(images=None).exists()
    published = Campaign.objects.published()
    assert published.count() == 4
    assert not published.filter(statistics=None).exists()
    assert not published.filter(action_days=None).exists()
    # 12 products x 2 months x 1.5 orders, and 100 gifts a month.
    assert _catalog_orders().count() == 36
    assert _catalog_gifts().count() == 200


@pytest.mark.django_db
def test_seeded_orders_and_gifts_are_paid_numbered_and_spread_over_the_months():
    call_command("seed_catalog", verbosity=0, **SIZES)
    since = timezone.now() - dt.timedelta(days=61)

    orders = _catalog_orders()
    assert not orders.filter(lines=None).exists()
    assert set(orders.values_list("status", flat=True)) <= set(Order.SALE_STATUSES)
    assert not orders.filter(number__isnull=True).exists()
    assert not orders.filter(created_at__lt=since).exists()
    assert orders.filter(created_at__lt=timezone.now() - dt.timedelta(days=30)).exists()
    assert not orders.with_proceeds().filter(fee_pending=True).exists()

    gifts = _catalog_gifts()
    assert gifts.counted().count() == 200
    assert not gifts.filter(receipt_number__isnull=True).exists()
    assert not gifts.filter(paid_at__lt=since).exists()


@pytest.mark.django_db
def test_seed_catalog_again_adds_nothing_and_a_larger_run_grows_it():
    call_command("seed_catalog", verbosity=0, **SIZES)
    first = _counts()
    call_command("seed_catalog", verbosity=0, **SIZES)
    assert _counts() == first

    call_command("seed_catalog", verbosity=0, products=15, campaigns=5, months=2)
    assert Product.objects.count() == 15
    assert Campaign.objects.count() == 5
    assert _catalog_orders().count() == 45
    assert _catalog_gifts().count() == 200


@pytest.mark.django_db
def test_seeded_catalog_pages_answer(client):
    call_command("seed_catalog", verbosity=0, **SIZES)
    product = Product.objects.filter(variants__sku__startswith="CAT-").first()
    campaign = Campaign.objects.order_by("-pk").first()
    assert product is not None and campaign is not None
    for path in [
        "/",
        "/shop/",
        product.get_absolute_url(),
        campaign.get_absolute_url(),
        "/the-home/",
    ]:
        assert client.get(path).status_code == 200, path


@pytest.mark.django_db
def test_seed_catalog_refuses_negative_sizes():
    with pytest.raises(CommandError):
        call_command("seed_catalog", verbosity=0, products=-1)
    with pytest.raises(ValueError):
        shop_scale.seed_catalog(products=-1, months=1)
    with pytest.raises(ValueError):
        campaigns_scale.seed_campaigns(total=-1)
    with pytest.raises(ValueError):
        donations_scale.seed_gifts(months=-1)
    assert not Product.objects.exists()
