"""A supporter buys two things through the local test gateway, in a real browser."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from demo import shop as demo
from shop.models import Order

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(live_server, local_gateway):
    demo.seed()
    return live_server.url


def test_buyer_pays_for_two_items_and_gets_the_confirmation(
    page, shop, assert_accessible
):
    page.goto(shop + reverse("shop:product-list"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Shop")
    assert_accessible(page)

    page.get_by_role("link", name="Hope T-shirt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hope T-shirt")
    assert_accessible(page)
    page.get_by_role("radio", name=re.compile(r"^L .{1,3} Royal blue")).check()
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cart")

    page.get_by_role("link", name="Continue shopping").click()
    page.get_by_role("link", name="Redeeming Hope mug").click()
    # One variant only: it is chosen already.
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("link", name="Hope T-shirt")).to_be_visible()
    expect(page.get_by_role("link", name="Redeeming Hope mug")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Check out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")
    assert_accessible(page)
    page.get_by_label("Email address").fill("supporter@example.org")
    page.get_by_label("Full name").fill("Sam Supporter")
    page.get_by_role("radio", name=re.compile("Ship to a US address")).check()
    page.get_by_label("Address line 1").fill("500 W Jefferson St")
    page.get_by_label("City").fill("Louisville")
    page.get_by_label("State").select_option("KY")
    page.get_by_label("ZIP code").fill("4020")
    page.get_by_role("button", name="Continue to payment").click()

    # The error summary takes focus; nothing typed was lost.
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("ZIP code of 5 digits")
    expect(summary).to_be_focused()
    expect(page.get_by_label("City")).to_have_value("Louisville")
    assert_accessible(page)
    page.get_by_label("ZIP code").fill("40202")
    page.get_by_role("button", name="Continue to payment").click()

    # The local test payment page: 2 x 25.00 + 14.00 = 64.00, +6.00 shipping,
    # 6% tax on 70.00 = 4.20: total 74.20.
    pay = page.get_by_role("button", name=re.compile(r"^Pay \$74\.20"))
    expect(pay).to_be_visible()
    pay.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you for your order"
    )
    order = Order.objects.get(email="supporter@example.org")
    expect(page.get_by_text(order.number).first).to_be_visible()
    assert order.status == Order.Status.PAID
    assert page.url.endswith(order.get_absolute_url())
    assert_accessible(page)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["supporter@example.org"]
    assert order.get_absolute_url() in mail.outbox[0].body

    # The cart is empty after a paid order.
    page.goto(shop + reverse("shop:cart"))
    expect(page.get_by_text("Your cart is empty.")).to_be_visible()


def test_shop_pages_fit_a_narrow_phone(page, shop, assert_accessible):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(shop + reverse("shop:product-detail", args=["hope-t-shirt"]))
    page.get_by_role("button", name="Add to cart").click()  # nothing chosen
    expect(page.get_by_role("alert")).to_contain_text("Choose an option")
    assert_accessible(page)
    page.get_by_role("radio", name=re.compile(r"^M ")).check()
    page.get_by_role("button", name="Add to cart").click()
    for url in [
        reverse("shop:product-list"),
        reverse("shop:product-detail", args=["wear-blue-hoodie"]),
        reverse("shop:cart"),
        reverse("shop:checkout"),
    ]:
        page.goto(shop + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{url} scrolls sideways at 320px"
    assert_accessible(page)
