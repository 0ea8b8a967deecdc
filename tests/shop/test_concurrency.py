"""
Twenty buyers race for the last three units, each in its own thread with its own
database connection: exactly three orders, stock 0, seventeen told "sold out".

Needs real row locks, so it runs on PostgreSQL only (SQLite serialises writers
with one database lock, which proves nothing about row locking).
"""

import pytest

from shop.errors import SoldOut
from shop.models import Order, Variant
from shop.services.placing import order_create_from_cart
from tests.shop.concurrency import POSTGRESQL_ONLY, race
from tests.shop.factories import VariantFactory, checkout_data

BUYERS = 20
STOCK = 3

pytestmark = [
    pytest.mark.django_db(transaction=True),
    POSTGRESQL_ONLY,
]


def test_concurrent_checkouts_never_oversell():
    last = VariantFactory(stock=STOCK)
    other = VariantFactory(stock=100)  # a second line, so lock order matters

    def buyer(n: int) -> str:
        # Half the buyers list their lines in the other order: the service
        # must lock in one order anyway (a deadlock would raise here).
        cart = {last.pk: 1, other.pk: 1}
        if n % 2:
            cart = {other.pk: 1, last.pk: 1}
        try:
            order_create_from_cart(
                cart=cart, customer=checkout_data(email=f"buyer{n}@example.org")
            )
        except SoldOut:
            return "sold out"
        return "ordered"

    results = race(buyer, threads=BUYERS)

    assert sorted(results) == sorted(
        ["ordered"] * STOCK + ["sold out"] * (BUYERS - STOCK)
    ), results
    assert Variant.objects.get(pk=last.pk).stock == 0
    assert Variant.objects.get(pk=other.pk).stock == 100 - STOCK
    assert Order.objects.count() == STOCK
    assert Order.objects.filter(lines__variant=last).count() == STOCK
