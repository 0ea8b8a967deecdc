"""A change to what a cached public page shows reaches the next visitor: each
app's signals.py drops the cached pages (core.pagecache)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from shop.models import StockAdjustment
from shop.services.stock import variant_adjust_stock
from tests.campaigns.factories import (
    ActionDayFactory,
    CampaignFactory,
    StatisticFactory,
)
from tests.donations.factories import (
    DonationFactory,
    DonorFactory,
    HomeFundFactory,
    MilestoneFactory,
)
from tests.pages.factories import PageFactory
from tests.shop.factories import (
    CategoryFactory,
    ProductFactory,
    ShopSettingsFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db


def cached(client, url) -> str:
    """The page, after making sure the cache holds it."""
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200 and response["X-Cache"] == "hit"
    return response.content.decode()


def fresh(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200 and response["X-Cache"] == "miss"
    return response.content.decode()


def test_a_staff_edit_through_the_admin(client, admin_client):
    page = PageFactory(slug="get-help", title="Get help", body="Call the hotline.")
    url = reverse("get-help")
    assert "Call the hotline." in cached(client, url)
    response = admin_client.post(
        reverse("admin:pages_page_change", args=[page.pk]),
        {
            "title": "Get help",
            "slug": "get-help",
            "is_published": "on",
            "meta_description": "Help.",
            "body": "Call or text the hotline.",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Call or text the hotline." in fresh(client, url)


def test_a_page_unpublished_or_deleted(client):
    page = PageFactory(slug="about", title="About us", body="Our story.")
    url = reverse("about")
    cached(client, url)
    page.delete()
    assert client.get(url).status_code == 404


def test_campaigns_statistics_and_action_days(client):
    campaign = CampaignFactory(title="Wear blue")
    detail, listing = campaign.get_absolute_url(), reverse("campaigns:campaign-list")
    assert "Wear blue" in cached(client, listing)
    cached(client, detail)

    campaign.title = "Wear blue day"
    campaign.save()
    assert "Wear blue day" in fresh(client, listing)

    cached(client, detail)
    campaign.statistics.add(StatisticFactory(figure="27.6 million"))  # m2m only
    assert "27.6 million" in fresh(client, detail)

    cached(client, detail)
    ActionDayFactory(campaign=campaign, title="Blue Friday")
    assert "Blue Friday" in fresh(client, detail)


def test_the_catalog_and_stock(client):
    variant = VariantFactory(product__name="Hope mug", stock=10)
    product = variant.product
    listing, detail = reverse("shop:product-list"), product.get_absolute_url()
    assert "Hope mug" in cached(client, listing)

    product.name = "Hope travel mug"
    product.save()
    assert "Hope travel mug" in fresh(client, listing)

    assert "In stock" in cached(client, detail)
    variant_adjust_stock(
        variant=variant, change=-8, reason=StockAdjustment.Reason.DAMAGED
    )  # an update() and a StockAdjustment row
    assert "Only 2 left" in fresh(client, detail)

    cached(client, listing)
    CategoryFactory(name="Candles")
    ProductFactory(name="Candle", is_active=True)
    fresh(client, listing)

    cached(client, detail)
    ShopSettingsFactory()
    fresh(client, detail)


def test_the_home_fund_milestones_gifts_and_donors(client):
    fund = HomeFundFactory(goal_amount=Decimal("1000.00"))
    url = reverse("the-home")
    assert 'max="1000.00"' in cached(client, url)

    fund.goal_amount = Decimal("2000.00")
    fund.save()
    assert 'max="2000.00"' in fresh(client, url)

    cached(client, url)
    MilestoneFactory(fund=fund, title="Roof repaired", amount=Decimal("10.00"))
    assert "Roof repaired" in fresh(client, url)

    cached(client, url)
    donor = DonorFactory(name="Wall Donor")
    DonationFactory(
        donor=donor, amount=Decimal("50.00"), processor_fee=0, show_on_wall=True
    )  # a cash or check gift recorded by staff
    html = fresh(client, url)
    assert "$50.00" in html and "Wall Donor" in html

    cached(client, url)
    donor.name = "Wall Donors"
    donor.save()
    assert "Wall Donors" in fresh(client, url)


def test_the_fund_bar_on_the_home_page_follows_a_gift(client):
    HomeFundFactory(goal_amount=Decimal("1000.00"))
    url = reverse("home")
    assert 'value="0.00"' in cached(client, url)
    DonationFactory(amount=Decimal("40.00"), processor_fee=0)
    assert 'value="40.00"' in fresh(client, url)


def test_a_paid_order_changes_the_fund_and_the_stock(
    client, local_gateway, django_capture_on_commit_callbacks
):
    HomeFundFactory(goal_amount=Decimal("1000.00"))
    variant = VariantFactory(
        product__name="Hope tote",
        price=Decimal("30.00"),
        unit_cost=Decimal("10.00"),
        stock=3,
    )
    ShopSettingsFactory(flat_shipping_rate=Decimal("0.00"), sales_tax_rate=0)
    visitor = client.__class__()
    fund_url, product_url = reverse("the-home"), variant.product.get_absolute_url()
    assert 'value="0.00"' in cached(visitor, fund_url)
    assert "Only 3 left" in cached(visitor, product_url)

    client.post(product_url, {"variant": variant.pk, "quantity": 1})
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            reverse("shop:checkout"),
            {
                "email": "buyer@example.org",
                "name": "Ada Buyer",
                "delivery_method": "pickup",
            },
        )
    assert started.status_code == 302, started.content.decode()[:3000]
    # The order holds one for the buyer while they pay.
    assert "Only 2 left" in fresh(visitor, product_url)

    cached(visitor, fund_url)
    with django_capture_on_commit_callbacks(execute=True):
        local_gateway.pay(client, started.url)
    assert 'value="20.00"' in fresh(visitor, fund_url)  # 30 paid less 10 cost


def test_an_unpaid_order_gives_its_stock_back(client, local_gateway):
    variant = VariantFactory(product__name="Hope tote", stock=3)
    visitor = client.__class__()
    product_url = variant.product.get_absolute_url()
    client.post(product_url, {"variant": variant.pk, "quantity": 1})
    started = client.post(
        reverse("shop:checkout"),
        {
            "email": "buyer@example.org",
            "name": "Ada Buyer",
            "delivery_method": "pickup",
        },
    )
    assert started.status_code == 302
    assert "Only 2 left" in cached(visitor, product_url)
    local_gateway.cancel(client, started.url, follow=True)
    assert "Only 3 left" in fresh(visitor, product_url)


def test_a_fee_learned_later_changes_the_fund(
    client, django_capture_on_commit_callbacks
):
    """The processor's fee arrives after the payment (a background task) and is
    written with update(), which sends no signal: the service drops the pages."""
    from donations.services.gifts import DONATION_KIND
    from donations.services.outcomes import donation_record_fee
    from payments.registry import CheckoutOutcome

    HomeFundFactory(goal_amount=Decimal("1000.00"))
    gift = DonationFactory(amount=Decimal("40.00"), processor_fee=None, reference="g1")
    url = reverse("the-home")
    assert 'value="40.00"' in cached(client, url)
    outcome = CheckoutOutcome(
        action="fee_known", kind=DONATION_KIND, reference=gift.reference,
        fee=Decimal("1.46"),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert donation_record_fee(outcome=outcome)
    assert 'value="38.54"' in fresh(client, url)
