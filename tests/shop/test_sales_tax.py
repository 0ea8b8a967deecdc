"""Sales tax by destination: Kentucky's 6% on orders shipped to Kentucky and on
local pickup, none on orders shipped to other states; an estimate until the
address is known."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from payments.models import CheckoutSession
from shop.models import Order, ShopSettings, Variant
from shop.pricing import calculate_totals, tax_label
from shop.services.placing import order_create_from_cart
from tests.shop.factories import (
    SHIPPING_ADDRESS,
    ShopSettingsFactory,
    VariantFactory,
    checkout_data,
)

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def shirt():
    return VariantFactory(product__name="Hope T-shirt", price=D("25.00"), stock=12)


def test_a_kentucky_address_pays_kentucky_tax(shirt):
    order = order_create_from_cart(
        cart={shirt.pk: 2}, customer=checkout_data(state="KY")
    )
    # 6% of goods and shipping: (50 + 6) x 0.06 = 3.36.
    assert order.tax_amount == D("3.36") and order.total == D("59.36")


def test_an_ohio_address_pays_no_kentucky_tax(shirt):
    order = order_create_from_cart(
        cart={shirt.pk: 2},
        customer=checkout_data(city="Cincinnati", state="OH", zip_code="45202"),
    )
    assert order.tax_amount == D("0.00") and order.total == D("56.00")


def test_local_pickup_pays_kentucky_tax(shirt):
    order = order_create_from_cart(
        cart={shirt.pk: 2}, customer=checkout_data(delivery_method="pickup", state="OH")
    )
    assert order.shipping_amount == 0
    assert order.tax_amount == D("3.00") and order.total == D("53.00")


def test_staff_choose_the_taxed_states_and_rate():
    rates = ShopSettings(sales_tax_rate=D("0.0700"), taxed_states="ky, in ,")
    assert rates.taxed_state_codes == {"KY", "IN"}
    for state, tax in (("IN", D("3.92")), ("ky", D("3.92")), ("OH", D("0.00"))):
        totals = calculate_totals(
            subtotal=D("50.00"), delivery_method="ship", rates=rates, state=state
        )
        assert totals.tax == tax and not totals.tax_estimated


def test_without_an_address_the_tax_is_an_estimate():
    totals = calculate_totals(
        subtotal=D("50.00"), delivery_method="ship", rates=ShopSettings()
    )
    assert totals.tax_estimated and totals.tax == D("3.36")
    pickup = calculate_totals(
        subtotal=D("50.00"), delivery_method="pickup", rates=ShopSettings()
    )
    assert not pickup.tax_estimated


def test_the_cart_says_the_tax_is_estimated(client, shirt):
    ShopSettingsFactory()
    client.post(shirt.product.get_absolute_url(), {"variant": shirt.pk, "quantity": 1})
    html = client.get(reverse("shop:cart")).content.decode()
    assert "Sales tax (6%, estimated)" in html
    assert "not to other states" in html


def test_the_checkout_page_follows_the_address(client, shirt):
    client.post(shirt.product.get_absolute_url(), {"variant": shirt.pk, "quantity": 2})
    # An invalid form (no email) comes back with totals for the address given.
    response = client.post(
        reverse("shop:checkout"),
        {"name": "Ada", "delivery_method": "ship", "state": "OH", "city": "Dayton"},
    )
    html = response.content.decode()
    assert "estimated" not in html
    assert "$56.00" in html


def test_an_untaxed_order_checks_out_through_the_gateway(client, shirt, local_gateway):
    from shop.models import Order

    client.post(shirt.product.get_absolute_url(), {"variant": shirt.pk, "quantity": 1})
    response = client.post(
        reverse("shop:checkout"),
        {
            "email": "buyer@example.org",
            "name": "Ada Buyer",
            "delivery_method": "ship",
            "address_line1": "1 Vine Street",
            "city": "Cincinnati",
            "state": "OH",
            "zip_code": "45202",
        },
    )
    assert response.status_code == 302
    local_gateway.pay(client, response.url)
    order = Order.objects.get()
    assert order.status == Order.Status.PAID
    assert order.tax_amount == 0 and order.amount_paid == order.total == D("31.00")


# ---------------------------------------------------------------------------
# The checkout page shows the total the payment page will charge
# ---------------------------------------------------------------------------
CHECKOUT = reverse("shop:checkout")
OHIO = {"city": "Cincinnati", "state": "OH", "zip_code": "45202"}


def _shown_total(html: str) -> str:
    match = re.search(r'name="shown_total" value="([0-9.]+)"', html)
    assert match, "the form carries the total it shows"
    return match.group(1)


def _tax_row(html: str) -> tuple[str, str]:
    match = re.search(r"<dt>(Sales tax[^<]*)</dt><dd>([^<]*)</dd>", html)
    assert match, "the summary has a sales tax line"
    return match.group(1), match.group(2)


@pytest.fixture
def cart(client, shirt, local_gateway):
    client.post(shirt.product.get_absolute_url(), {"variant": shirt.pk, "quantity": 2})
    return client


def test_the_tax_line_names_the_rate_only_where_the_tax_applies():
    assert tax_label(rate=D("0.06")) == "Sales tax (6%)"
    assert tax_label(rate=D("0.0725"), estimated=True) == (
        "Sales tax (7.25%, estimated)"
    )
    assert tax_label(rate=None) == "Sales tax"
    rates = ShopSettings()
    ohio = calculate_totals(
        subtotal=D("50.00"), delivery_method="ship", rates=rates, state="OH"
    )
    assert ohio.tax_rate is None and ohio.tax_label == "Sales tax"


def test_before_an_address_the_page_shows_the_estimate(cart):
    html = cart.get(CHECKOUT).content.decode()
    assert _tax_row(html) == ("Sales tax (6%, estimated)", "$3.36")
    assert _shown_total(html) == "59.36"
    assert "(sales tax estimated)" in html


def test_update_total_recalculates_the_summary_for_ohio(cart):
    """The "Update total" button (what the script presses too): the summary for
    the state typed, no errors for the fields not filled in yet, no order."""
    response = cart.post(
        CHECKOUT, {"delivery_method": "ship", "state": "OH", "update": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert _tax_row(html) == ("Sales tax", "$0.00")
    assert "Sales tax (6%" not in html
    assert "No sales tax on orders shipped to Ohio." in html
    assert _shown_total(html) == "56.00"
    assert "There is a problem" not in html
    assert 'value="OH" selected' in html  # what was typed is kept
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("fields", "label", "tax", "total"),
    [
        (
            {"delivery_method": "ship", "state": "KY"},
            "Sales tax (6%)",
            "$3.36",
            "59.36",
        ),
        # Local pickup is in Kentucky, wherever the buyer lives.
        (
            {"delivery_method": "pickup", "state": "OH"},
            "Sales tax (6%)",
            "$3.00",
            "53.00",
        ),
        # Nonsense is read as "no state yet", never as an error page.
        (
            {"delivery_method": "teleport", "state": "ZZ"},
            "Sales tax (6%, estimated)",
            "$3.36",
            "59.36",
        ),
    ],
)
def test_update_total_for_kentucky_and_pickup(cart, fields, label, tax, total):
    html = cart.post(CHECKOUT, {**fields, "update": "1"}).content.decode()
    assert _tax_row(html) == (label, tax)
    assert _shown_total(html) == total


def test_an_order_is_placed_only_at_the_total_the_page_showed(cart, shirt):
    """Without JavaScript the buyer may change the state and press Continue at
    once: the page showed the estimate ($59.36), Ohio pays $56.00, so no order
    is placed and the page comes back with the total to pay; the next press
    places the order at exactly that total."""
    ohio = {**SHIPPING_ADDRESS, **OHIO}
    response = cart.post(CHECKOUT, {**ohio, "shown_total": "59.36"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your total is now $56.00. Check it before you pay." in html
    assert _tax_row(html) == ("Sales tax", "$0.00") and _shown_total(html) == "56.00"
    assert not Order.objects.exists()
    assert Variant.objects.get(pk=shirt.pk).stock == 12

    response = cart.post(CHECKOUT, {**ohio, "shown_total": "56.00"})
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.total == D("56.00") and order.tax_amount == 0
    session = CheckoutSession.objects.get()
    assert session.amount_total == D("56.00")
    assert session.tax_label == "Sales tax"  # no rate that was not charged


def test_the_payment_page_names_the_rate_where_the_tax_applies(cart):
    response = cart.post(CHECKOUT, {**SHIPPING_ADDRESS, "shown_total": "59.36"})
    assert response.status_code == 302
    session = CheckoutSession.objects.get()
    assert session.amount_total == Order.objects.get().total == D("59.36")
    assert session.tax_label == "Sales tax (6%)"


@pytest.mark.parametrize(
    "address",
    [
        {},
        OHIO,
        {"delivery_method": "pickup"},
        {"delivery_method": "pickup", **OHIO},
        {"state": "KY", "city": "Lexington"},
    ],
)
@pytest.mark.parametrize("code", ["", "WEARBLUE10", "BIG"])
def test_the_total_shown_is_the_total_charged(
    client, shirt, local_gateway, address, code
):
    """Whatever the delivery, state and promo code, the page's total (after
    "Update total") is the order's total and the payment page's amount."""
    from shop.models import PromoCode

    PromoCode.objects.create(code="WEARBLUE10", kind="percent", value=D("10"))
    PromoCode.objects.create(code="BIG", kind="fixed", value=D("7.77"))
    client.post(shirt.product.get_absolute_url(), {"variant": shirt.pk, "quantity": 3})
    if code:
        client.post(reverse("shop:cart-promo"), {"code": code})
    fields = {**SHIPPING_ADDRESS, **address}
    shown = _shown_total(
        client.post(CHECKOUT, {**fields, "update": "1"}).content.decode()
    )
    response = client.post(CHECKOUT, {**fields, "shown_total": shown})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Order.objects.get().total == D(shown)
    assert CheckoutSession.objects.get().amount_total == D(shown)
