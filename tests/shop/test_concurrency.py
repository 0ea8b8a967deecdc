"""
Twenty buyers race for the last three units, each in its own thread with its own
database connection: exactly three orders, stock 0, seventeen told "sold out".

Needs real row locks, so it runs on PostgreSQL only (SQLite serialises writers
with one database lock, which proves nothing about row locking).
"""

import threading

import pytest
from django.db import connection, connections

from shop.models import Order, Variant
from shop.services import SoldOut, order_create_from_cart
from tests.shop.factories import VariantFactory, checkout_data

BUYERS = 20
STOCK = 3

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks: run with "
        "DATABASE_URL=postgres://... to include it",
    ),
]


def test_concurrent_checkouts_never_oversell():
    last = VariantFactory(stock=STOCK)
    other = VariantFactory(stock=100)  # a second line, so lock order matters
    barrier = threading.Barrier(BUYERS)
    results: list[str] = []
    lock = threading.Lock()

    def buyer(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            # Half the buyers list their lines in the other order: the service
            # must lock in one order anyway (a deadlock would raise here).
            cart = {last.pk: 1, other.pk: 1}
            if n % 2:
                cart = {other.pk: 1, last.pk: 1}
            order_create_from_cart(
                cart=cart, customer=checkout_data(email=f"buyer{n}@example.org")
            )
            outcome = "ordered"
        except SoldOut:
            outcome = "sold out"
        except Exception as error:  # noqa: BLE001 - reported in the assertion
            outcome = f"error: {error!r}"
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=buyer, args=(n,)) for n in range(BUYERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(results) == sorted(
        ["ordered"] * STOCK + ["sold out"] * (BUYERS - STOCK)
    ), results
    assert Variant.objects.get(pk=last.pk).stock == 0
    assert Variant.objects.get(pk=other.pk).stock == 100 - STOCK
    assert Order.objects.count() == STOCK
    assert Order.objects.filter(lines__variant=last).count() == STOCK
