"""A volunteer refunds one item of an order in a real browser: the amount is
worked out as they type, the button says it, and the confirmation page repeats
it before anything is refunded."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from demo import shop as demo
from shop.models import Order, OrderRefund
from shop.services.placing import order_create_from_cart
from tests.shop.factories import VariantFactory, checkout_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long volunteer password"


@pytest.fixture
def paid_order(live_server) -> Order:
    """Two $25 shirts, $6 shipping, 6% tax: $59.36, paid through the local
    test gateway."""
    shirt = VariantFactory(product__name="Hope T-shirt", price=Decimal("25.00"))
    order = order_create_from_cart(
        cart={shirt.pk: 2}, customer=checkout_data(email="ada@example.org")
    )
    # Paid through the local test gateway, as the demo's orders are.
    demo._pay_demo_order(order, months_ago=0, today=timezone.localdate())
    order.refresh_from_db()
    assert order.total == Decimal("59.36")
    return order


def test_the_amount_follows_the_quantities_and_is_confirmed(
    page, live_server, paid_order, django_user_model, assert_accessible
):
    django_user_model.objects.create_superuser(
        "volunteer", "volunteer@example.org", PASSWORD
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + reverse("admin:index"))
    page.get_by_label("Username").fill("volunteer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(
        live_server.url + reverse("admin:shop_order_refund", args=[paid_order.pk])
    )

    # Nothing chosen: $0.00, and nothing is the whole order until checked.
    summary = page.locator("#refund-live")
    expect(summary).to_contain_text("$0.00")
    expect(page.get_by_label("Refund the whole order", exact=False)).not_to_be_checked()
    assert_accessible(page)

    # One shirt: $25 and its tax (25 x 3.36 / 56 = $1.50).
    page.get_by_label("Refund how many of Hope T-shirt", exact=False).fill("1")
    expect(summary).to_contain_text("$26.50")
    expect(page.get_by_role("button", name="Refund $26.50")).to_be_visible()
    # With the shipping: $31 and its tax ($1.86).
    page.get_by_label("Refund the shipping too", exact=False).check()
    expect(summary).to_contain_text("$32.86")
    page.get_by_label("Refund the shipping too", exact=False).uncheck()
    # The whole order fills everything in; typing fewer unchecks it.
    page.get_by_label("Refund the whole order", exact=False).check()
    expect(page.get_by_role("button", name="Refund $59.36")).to_be_visible()
    page.get_by_label("Refund how many of Hope T-shirt", exact=False).fill("1")
    expect(page.get_by_label("Refund the whole order", exact=False)).not_to_be_checked()
    page.get_by_label("Refund the shipping too", exact=False).uncheck()
    expect(page.get_by_role("button", name="Refund $26.50")).to_be_visible()

    page.get_by_role("button", name="Refund $26.50").click()
    expect(page.get_by_text("$26.50 will go back to")).to_be_visible()
    expect(page.get_by_role("button", name="Refund $26.50")).to_be_visible()
    assert not OrderRefund.objects.exists()  # nothing until confirmed
    assert_accessible(page)

    page.get_by_role("button", name="Refund $26.50").click()
    done = f"$26.50 refunded for order {paid_order.number}."
    expect(page.get_by_text(done)).to_be_visible()
    refund = OrderRefund.objects.get()
    assert refund.amount == Decimal("26.50")
    assert refund.status == OrderRefund.Status.SUCCEEDED
