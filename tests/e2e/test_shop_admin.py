"""A volunteer ships an order from the admin, in a real browser, and the buyer's
status page shows it with the tracking link."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from payments.registry import CheckoutOutcome
from shop.models import Order
from shop.services.outcomes import order_mark_paid
from shop.services.placing import order_create_from_cart
from tests.shop.factories import VariantFactory, checkout_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long volunteer password"


@pytest.fixture
def paid_order(live_server) -> Order:
    variant = VariantFactory(product__name="Hope T-shirt", stock=5)
    order = order_create_from_cart(
        cart={variant.pk: 2}, customer=checkout_data(email="ada@example.org")
    )
    order_mark_paid(
        order_number=order.number or "",
        outcome=CheckoutOutcome(
            action="paid",
            kind="order",
            reference=order.number or "",
            session_id=f"cs_e2e_{order.pk}",
            amount_total=order.total,
            currency="usd",
            fee=Decimal("0"),
        ),
    )
    order.refresh_from_db()
    return order


@pytest.fixture
def volunteer(django_user_model):
    return django_user_model.objects.create_superuser(
        "volunteer", "volunteer@example.org", PASSWORD
    )


def test_a_volunteer_ships_an_order_and_the_buyer_sees_it(
    page, live_server, paid_order, volunteer
):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + reverse("admin:index"))
    page.get_by_label("Username").fill("volunteer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Shop at a glance")).to_be_visible()

    # The orders to ship, from the dashboard; the list fits the screen.
    page.get_by_role("link", name=re.compile("orders to pack and ship")).click()
    row = page.get_by_role("row").filter(has_text=paid_order.number)
    expect(row).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, "the order list scrolls sideways at 1280px"

    # Packed, with the bulk action.
    row.get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(label="Mark as packed")
    page.locator("button[name=index]").click()
    expect(page.get_by_text("1 order(s) marked packed.")).to_be_visible()

    # Shipped, with the carrier and tracking number, from the order's page.
    page.get_by_role("link", name=paid_order.number).click()
    page.get_by_role("link", name="Next step: Shipped").click()
    page.get_by_label("Carrier").select_option("ups")
    page.get_by_label("Tracking number").fill("1Z999AA10123456784")
    page.get_by_role("button", name="Save this step").click()
    expect(
        page.get_by_text(f"Order {paid_order.number} is now shipped.")
    ).to_be_visible()

    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.SHIPPED
    assert paid_order.tracking_number == "1Z999AA10123456784"

    # The buyer's private status page shows the history and the tracking link.
    page.goto(live_server.url + paid_order.get_absolute_url())
    history = page.locator(".order-history")
    expect(history).to_contain_text("Packed")
    expect(history).to_contain_text("Shipped")
    track = page.get_by_role("link", name="Track your package")
    expect(track).to_have_attribute(
        "href", "https://www.ups.com/track?tracknum=1Z999AA10123456784"
    )
