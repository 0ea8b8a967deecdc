"""The order status page after a partial refund, on a phone: the heading says
so, the totals list the refund and the net paid, and axe finds nothing. And the
Home fund's chart on a phone: rows with their totals, and the wide tables say
they scroll."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from shop.models import Order
from tests.shop.test_order_status import make_order, refund

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_the_status_page_after_a_partial_refund_on_a_phone(
    page, live_server, assert_accessible
):
    order = make_order(
        Order.Status.SHIPPED, carrier="usps", tracking_number="9400111899"
    )
    refund(order, "26.50", cumulative="26.50")
    order.refresh_from_db()
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + order.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Part of your order was refunded"
    )
    expect(page.get_by_text("The rest of your order is on its way.")).to_be_visible()
    refund_row = page.locator(".totals__row--refund")
    expect(refund_row).to_contain_text("Refund, ")
    expect(refund_row).to_contain_text("−$26.50")
    net = page.locator(".totals__row", has_text="Net paid")
    expect(net).to_contain_text(f"${order.total - Decimal('26.50')}")
    expect(net).to_be_visible()
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)


def test_the_fund_chart_and_tables_on_a_phone(page, live_server, assert_accessible):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("the-home"))
    chart = page.locator(".chart")
    expect(chart.locator(".chart__svg--rows")).to_be_visible()
    expect(chart.locator(".chart__svg--columns")).to_be_hidden()
    # The month table is wider than a phone: the hint says so, and its box can
    # be reached with the keyboard.
    hint = page.locator("[data-scroll-hint]").first
    expect(hint).to_be_visible()
    box = page.locator(".table-scroll").first
    assert box.get_attribute("aria-describedby") == hint.get_attribute("id")
    box.focus()
    expect(box).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)

    page.set_viewport_size({"width": 1280, "height": 800})
    expect(chart.locator(".chart__svg--columns")).to_be_visible()
    expect(chart.locator(".chart__svg--rows")).to_be_hidden()
    expect(page.locator("[data-scroll-hint]").first).to_be_hidden()
