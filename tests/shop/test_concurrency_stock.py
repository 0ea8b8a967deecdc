"""Staff writing off stock while buyers check out, at the same moment: the stock
never goes below zero and every unit is either sold or written off once.

Needs real row locks, so it runs on PostgreSQL only."""

import pytest

from shop.errors import SoldOut, StockRefused
from shop.models import StockAdjustment, Variant
from shop.services.placing import order_create_from_cart
from shop.services.stock import variant_adjust_stock
from tests.shop.concurrency import POSTGRESQL_ONLY, race
from tests.shop.factories import VariantFactory, checkout_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    POSTGRESQL_ONLY,
]
WORKERS = 12
STOCK = 5


def test_adjustments_and_checkouts_at_once_never_go_below_zero():
    variant = VariantFactory(stock=STOCK, low_stock_threshold=0)

    def worker(n: int) -> str:
        try:
            if n % 2:
                variant_adjust_stock(variant=variant, change=-1, reason="damaged")
                return "written off"
            order_create_from_cart(
                cart={variant.pk: 1},
                customer=checkout_data(email=f"buyer{n}@example.org"),
            )
            return "sold"
        except (StockRefused, SoldOut):
            return "refused"

    results = race(worker, threads=WORKERS)

    assert not [r for r in results if r.startswith("error")], results
    done = results.count("sold") + results.count("written off")
    assert done == STOCK and results.count("refused") == WORKERS - STOCK
    assert Variant.objects.get(pk=variant.pk).stock == 0
    assert StockAdjustment.objects.count() == results.count("written off")
