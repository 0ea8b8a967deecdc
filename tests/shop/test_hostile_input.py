"""
Whatever a visitor puts in a URL or a form, the shop answers 404 or a form error,
never 500. PostgreSQL refuses a NUL byte in text: these values used to reach a
query there. Run on both databases.
"""

from urllib.parse import quote

import pytest
from django.urls import reverse

from shop.models import Order
from shop.services.placing import order_create_from_cart
from tests.shop.factories import SHIPPING_ADDRESS, VariantFactory, checkout_data

pytestmark = pytest.mark.django_db

HOSTILE = [
    "\x00",
    "abc\x00def" * 4,
    "A" * 31 + "\x00",
    "x" * 5000,
    "é" * 32,
    "ünïcödé-tökén-" * 3,
    "' OR 1=1 --",
    "%00",
    "..%2F..%2Fetc",
]


@pytest.fixture
def order():
    return order_create_from_cart(
        cart={VariantFactory().pk: 1}, customer=checkout_data()
    )


def _path_with(name: str, order: Order, value: str) -> str:
    real = reverse(name, kwargs={"token": order.token})
    return real.replace(order.token, quote(value, safe=""))


@pytest.mark.parametrize("value", [*HOSTILE, ""])
@pytest.mark.parametrize("name", ["shop:order-detail", "shop:checkout-cancel"])
def test_hostile_order_tokens_are_404(client, order, name, value):
    response = client.get(_path_with(name, order, value))
    assert response.status_code == 404
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING


@pytest.mark.parametrize("value", [*HOSTILE, "", "cs_\x00", "cs_" + "a" * 300])
def test_hostile_checkout_session_ids_are_404(client, order, value):
    response = client.get(reverse("shop:checkout-success"), {"session_id": value})
    assert response.status_code == 404


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_list_parameters(client, value):
    VariantFactory()
    url = reverse("shop:product-list")
    assert client.get(url, {"category": value}).status_code == 404
    assert client.get(url, {"sort": value}).status_code == 200
    assert client.get(url, {"page": value}).status_code == 200


@pytest.mark.parametrize("value", ["\x00", "é" * 10, "a" * 300])
def test_hostile_product_slugs_are_404(client, value):
    url = reverse("shop:product-list") + "products/" + quote(value, safe="") + "/"
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_cart_forms(client, value):
    variant = VariantFactory()
    product_url = variant.product.get_absolute_url()
    response = client.post(product_url, {"variant": value, "quantity": value})
    assert response.status_code == 200  # the form with its errors
    for name in ("shop:cart-update", "shop:cart-remove"):
        response = client.post(reverse(name), {"variant": value, "quantity": value})
        assert response.status_code == 302


@pytest.mark.parametrize("value", ["Ada\x00Buyer", "\x00", "é" * 200])
def test_hostile_checkout_fields(client, local_gateway, value):
    variant = VariantFactory()
    client.post(
        variant.product.get_absolute_url(), {"variant": variant.pk, "quantity": 1}
    )
    fields = {**SHIPPING_ADDRESS, "phone": "", "address_line2": ""}
    for field in fields:
        response = client.post(reverse("shop:checkout"), {**fields, field: value})
        assert response.status_code == 200, field  # refused with a form error
    assert not Order.objects.exists()
