"""Sales tax by destination: Kentucky's 6% on orders shipped to Kentucky and on
local pickup, none on orders shipped to other states; an estimate until the
address is known."""

from decimal import Decimal

import pytest
from django.urls import reverse

from shop.models import ShopSettings
from shop.pricing import calculate_totals
from shop.services.placing import order_create_from_cart
from tests.shop.factories import ShopSettingsFactory, VariantFactory, checkout_data

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def shirt():
    return VariantFactory(product__name="Hope T-shirt", price=D("25.00"), stock=9)


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
    assert "Sales tax (estimated)" in html
    assert "not to other states" in html


def test_the_checkout_page_follows_the_address(client, shirt):
    client.post(shirt.product.get_absolute_url(), {"variant": shirt.pk, "quantity": 2})
    # An invalid form (no email) comes back with totals for the address given.
    response = client.post(
        reverse("shop:checkout"),
        {"name": "Ada", "delivery_method": "ship", "state": "OH", "city": "Dayton"},
    )
    html = response.content.decode()
    assert "Sales tax (estimated)" not in html
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
