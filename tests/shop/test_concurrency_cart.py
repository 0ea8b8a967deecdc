"""
One visitor cannot hold the shop's stock: concurrent checkouts of one cart (each
in its own thread with its own database connection) leave at most one pending
order, and its stock is reserved once; replaced orders give their stock back
exactly once.

Needs real row locks and a unique index that makes a second INSERT wait, so it
runs on PostgreSQL only.
"""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from shop.cart import SESSION_KEY
from shop.errors import CheckoutError
from shop.models import Order, Variant
from shop.selectors import shop_settings
from shop.services.checkout import order_checkout
from tests.shop.concurrency import POSTGRESQL_ONLY, race
from tests.shop.factories import SHIPPING_ADDRESS, VariantFactory, checkout_data

THREADS = 6

pytestmark = [
    pytest.mark.django_db(transaction=True),
    POSTGRESQL_ONLY,
]


def race_checkouts(work: Callable[[int], str]) -> list[str]:
    """`race` for checkouts: a refused one reports its kind."""

    def attempt(n: int) -> str:
        try:
            return work(n)
        except CheckoutError as error:
            return f"refused: {type(error).__name__}"

    return race(attempt, threads=THREADS)


def test_concurrent_checkouts_of_one_cart_hold_the_stock_once(local_gateway):
    shirt = VariantFactory(stock=10)

    def checkout(n: int) -> str:
        started = order_checkout(
            cart_id="one-cart",
            cart={shirt.pk: 2},
            customer=checkout_data(),
            rates=shop_settings(),
            site_root="http://testserver/",
        )
        return f"order {started.order.pk}"

    results = race_checkouts(checkout)
    assert not [r for r in results if r.startswith("error")], results
    assert Order.objects.filter(status=Order.Status.PENDING).count() == 1
    assert Order.objects.count() == 1
    assert Variant.objects.get(pk=shirt.pk).stock == 8


def test_concurrent_replacements_release_each_order_once(local_gateway):
    """Every thread changes the cart: each replaces the order before it, and all
    but the last order give their stock back exactly once."""
    shirt = VariantFactory(stock=100)

    def checkout(n: int) -> str:
        started = order_checkout(
            cart_id="one-cart",
            cart={shirt.pk: n + 1},
            customer=checkout_data(),
            rates=shop_settings(),
            site_root="http://testserver/",
        )
        return f"order {started.order.pk}"

    results = race_checkouts(checkout)
    assert not [r for r in results if r.startswith("error")], results
    pending = Order.objects.filter(status=Order.Status.PENDING)
    assert pending.count() <= 1
    held = sum(line.quantity for order in pending for line in order.lines.all())
    assert Variant.objects.get(pk=shirt.pk).stock == 100 - held
    for order in Order.objects.exclude(status=Order.Status.PENDING):
        assert order.status == Order.Status.CANCELLED
        assert order.stock_released_at is not None


def test_one_session_posting_checkout_at_once(local_gateway, settings):
    """The defect as measured: one browser session, many simultaneous POSTs."""
    settings.SHOP_CHECKOUT_RATE_PER_VISITOR = "100/m"
    settings.SHOP_CHECKOUT_RATE_PER_IP = "100/m"
    shirt = VariantFactory(stock=10)
    buyer = Client()
    buyer.post(shirt.product.get_absolute_url(), {"variant": shirt.pk, "quantity": 2})
    cookie = buyer.cookies[settings.SESSION_COOKIE_NAME].value
    assert buyer.session[SESSION_KEY] == {str(shirt.pk): 2}

    def post(n: int) -> str:
        tab = Client()
        tab.cookies[settings.SESSION_COOKIE_NAME] = cookie
        return str(tab.post(reverse("shop:checkout"), SHIPPING_ADDRESS).status_code)

    results = race_checkouts(post)
    assert set(results) <= {"302"}, results
    assert Order.objects.filter(status=Order.Status.PENDING).count() == 1
    assert Variant.objects.get(pk=shirt.pk).stock == 8
