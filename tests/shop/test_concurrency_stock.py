"""Staff writing off stock while buyers check out, at the same moment: the stock
never goes below zero and every unit is either sold or written off once.

Needs real row locks, so it runs on PostgreSQL only."""

import threading

import pytest
from django.db import connection, connections

from shop.models import StockAdjustment, Variant
from shop.services import SoldOut, order_create_from_cart
from shop.stock import StockRefused, variant_adjust_stock
from tests.shop.factories import VariantFactory, checkout_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks: run with "
        "DATABASE_URL=postgres://... to include it",
    ),
]
WORKERS = 12
STOCK = 5


def test_adjustments_and_checkouts_at_once_never_go_below_zero():
    variant = VariantFactory(stock=STOCK, low_stock_threshold=0)
    barrier = threading.Barrier(WORKERS)
    results: list[str] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            if n % 2:
                variant_adjust_stock(variant=variant, change=-1, reason="damaged")
                outcome = "written off"
            else:
                order_create_from_cart(
                    cart={variant.pk: 1},
                    customer=checkout_data(email=f"buyer{n}@example.org"),
                )
                outcome = "sold"
        except (StockRefused, SoldOut):
            outcome = "refused"
        except Exception as error:  # noqa: BLE001 - reported in the assertion
            outcome = f"error: {error!r}"
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not [r for r in results if r.startswith("error")], results
    done = results.count("sold") + results.count("written off")
    assert done == STOCK and results.count("refused") == WORKERS - STOCK
    assert Variant.objects.get(pk=variant.pk).stock == 0
    assert StockAdjustment.objects.count() == results.count("written off")
