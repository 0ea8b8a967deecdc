"""Simultaneous checkouts from one address, each with its own cart (a robot
without cookies): together they never hold more than the address's cap.

Needs real row locks, so it runs on PostgreSQL only."""

from collections.abc import Callable

import pytest
from django.db.models import Sum

from shop.errors import HoldLimitReached
from shop.models import OrderLine, ShopSettings, Variant
from shop.services.placing import order_create_from_cart
from tests.shop.concurrency import POSTGRESQL_ONLY, race
from tests.shop.factories import VariantFactory, checkout_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    POSTGRESQL_ONLY,
]
WORKERS = 12
CAP = 4


def robot(variant_for: Callable[[int], Variant]) -> Callable[[int], str]:
    """Round n of a robot without cookies: its own cart, one address."""

    def worker(n: int) -> str:
        try:
            order_create_from_cart(
                cart={variant_for(n).pk: 1},
                customer=checkout_data(email=f"robot{n}@example.org"),
                cart_id=f"cart-{n}",
                holder_key="one-address",
            )
        except HoldLimitReached:
            return "refused"
        return "held"

    return worker


def test_simultaneous_checkouts_from_one_address_stay_within_the_cap():
    ShopSettings.objects.create(
        max_items_held_per_address=CAP, max_share_held_per_address=100
    )
    variants = [VariantFactory(stock=50) for _ in range(3)]

    results = race(robot(lambda n: variants[n % 3]), threads=WORKERS)

    assert not [r for r in results if r.startswith("error")], results
    assert results.count("held") == CAP
    assert results.count("refused") == WORKERS - CAP
    held = OrderLine.objects.filter(order__holder_key="one-address").aggregate(
        units=Sum("quantity")
    )["units"]
    assert held == CAP
    assert sum(Variant.objects.values_list("stock", flat=True)) == 150 - CAP


def test_simultaneous_checkouts_of_one_variant_stay_within_its_share():
    ShopSettings.objects.create(max_share_held_per_address=25)
    variant = VariantFactory(stock=12)  # a quarter: 3

    results = race(robot(lambda n: variant), threads=WORKERS)

    assert not [r for r in results if r.startswith("error")], results
    assert results.count("held") == 3
    assert Variant.objects.get(pk=variant.pk).stock == 9
