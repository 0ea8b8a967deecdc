"""The checkout shows, before the payment page, the total the payment page
charges: the summary follows the delivery and the state (live with the script,
with "Update total" or a second look without it), and a tax line names its rate
only where the tax applies. On a phone the summary is at the top."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from demo import shop as demo
from shop.models import Order

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(live_server, local_gateway):
    demo.seed()
    return live_server.url


def _shirt_in_cart(page, shop):
    page.goto(shop + reverse("shop:product-detail", args=["hope-t-shirt"]))
    page.get_by_role("radio", name=re.compile(r"^M ")).check()
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cart")
    page.goto(shop + reverse("shop:checkout"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")


def _fill(page, *, city, state, zip_code):
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Full name").fill("Sam Supporter")
    page.get_by_label("Address line 1").fill("1 Vine Street")
    page.get_by_label("City").fill(city)
    page.get_by_label("State").select_option(state)
    page.get_by_label("ZIP code").fill(zip_code)


def _tax_row(page):
    return page.locator("[data-checkout-summary] .totals__row").filter(
        has_text="Sales tax"
    )


def test_ohio_pays_no_tax_and_the_payment_page_charges_the_total_shown(
    page, shop, assert_accessible
):
    page.set_viewport_size({"width": 1280, "height": 800})
    _shirt_in_cart(page, shop)
    # Before an address: Kentucky's tax, as an estimate. $25 + $6 + 6% = $32.86.
    expect(_tax_row(page)).to_contain_text("Sales tax (6%, estimated)")
    _fill(page, city="Cincinnati", state="OH", zip_code="45202")

    summary = page.locator("[data-checkout-summary]")
    expect(_tax_row(page)).to_have_text(re.compile(r"^Sales tax\s*\$0\.00$"))
    expect(summary).not_to_contain_text("%")
    expect(summary).to_contain_text("No sales tax on orders shipped to Ohio.")
    expect(summary.locator(".totals__row--total")).to_contain_text("$31.00")
    expect(page.locator("[data-checkout-due]")).to_have_text("Total to pay: $31.00")
    assert_accessible(page)

    page.get_by_role("button", name="Continue to payment").click()
    pay = page.get_by_role("button", name=re.compile(r"^Pay \$31\.00"))
    expect(pay).to_be_visible()
    expect(page.locator(".test-payment__summary")).not_to_contain_text("%")
    pay.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you for your order"
    )
    order = Order.objects.get(email="sam@example.org")
    assert order.amount_paid == order.total == 31 and order.tax_amount == 0


def test_kentucky_names_the_rate_and_pays_it(page, shop, assert_accessible):
    _shirt_in_cart(page, shop)
    _fill(page, city="Cincinnati", state="OH", zip_code="45202")
    expect(page.locator("[data-checkout-due]")).to_contain_text("$31.00")
    page.get_by_label("City").fill("Louisville")
    page.get_by_label("State").select_option("KY")
    page.get_by_label("ZIP code").fill("40202")
    expect(_tax_row(page)).to_have_text(re.compile(r"^Sales tax \(6%\)\s*\$1\.86$"))
    expect(page.locator("[data-checkout-due]")).to_have_text("Total to pay: $32.86")
    assert_accessible(page)
    page.get_by_role("button", name="Continue to payment").click()
    expect(
        page.get_by_role("button", name=re.compile(r"^Pay \$32\.86"))
    ).to_be_visible()
    expect(page.locator(".test-payment__summary")).to_contain_text("Sales tax (6%)")


def test_on_a_phone_the_summary_is_at_the_top(page, shop, assert_accessible):
    page.set_viewport_size({"width": 390, "height": 844})
    _shirt_in_cart(page, shop)
    heading = page.get_by_role("heading", name="Your order")
    expect(heading).to_be_in_viewport()
    total = page.locator("[data-checkout-summary] .totals__row--total")
    expect(total).to_be_in_viewport()
    email = page.get_by_label("Email address").bounding_box()
    assert total.bounding_box()["y"] < email["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    # Local pickup is in Kentucky, wherever the buyer lives: $25 + 6% = $26.50.
    page.get_by_role("radio", name=re.compile("Local pickup")).check()
    expect(_tax_row(page)).to_have_text(re.compile(r"^Sales tax \(6%\)\s*\$1\.50$"))
    expect(page.locator("[data-checkout-due]")).to_have_text("Total to pay: $26.50")


def test_without_javascript_the_new_total_is_shown_before_paying(browser, shop):
    """(No axe here: it runs as a script, which this page has not. The same
    page is checked with scripts on above.)"""
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    _shirt_in_cart(page, shop)
    _fill(page, city="Cincinnati", state="OH", zip_code="45202")
    # The estimate was on the page: pressing Continue shows the Ohio total first.
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Your total is now $31.00. Check it before you pay."
    )
    expect(_tax_row(page)).to_have_text(re.compile(r"^Sales tax\s*\$0\.00$"))
    expect(page.get_by_label("City")).to_have_value("Cincinnati")
    page.get_by_role("button", name="Continue to payment").click()
    expect(
        page.get_by_role("button", name=re.compile(r"^Pay \$31\.00"))
    ).to_be_visible()
    # "Update total" recalculates, keeps what was typed, places nothing.
    page.goto(shop + reverse("shop:checkout"))
    page.get_by_label("City").fill("Lexington")
    page.get_by_label("State").select_option("KY")
    page.get_by_role("button", name="Update total").click()
    expect(_tax_row(page)).to_contain_text("Sales tax (6%)")
    expect(page.get_by_label("City")).to_have_value("Lexington")
    expect(page.get_by_role("alert")).to_have_count(0)  # no errors for blanks
    context.close()
