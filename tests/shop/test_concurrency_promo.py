"""Two buyers take a promo code's last use at the same moment: one gets it, the
other is told it is used up. Needs real row locks: PostgreSQL only."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from shop.models import Order, PromoCode
from shop.services import InvalidPromoCode, order_create_from_cart
from tests.shop.factories import VariantFactory, checkout_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks: run with "
        "DATABASE_URL=postgres://... to include it",
    ),
]
BUYERS = 8


def test_the_last_use_of_a_code_goes_to_one_buyer():
    PromoCode.objects.create(
        code="LAST", kind="fixed", value=Decimal("5.00"), max_uses=1
    )
    variants = [VariantFactory(stock=10) for _n in range(BUYERS)]
    barrier = threading.Barrier(BUYERS)
    results: list[str] = []
    lock = threading.Lock()

    def buyer(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            order_create_from_cart(
                # Different items, so nothing but the code is shared.
                cart={variants[n].pk: 1},
                customer=checkout_data(
                    email=f"buyer{n}@example.org", promo_code="last"
                ),
            )
            outcome = "discounted"
        except InvalidPromoCode:
            outcome = "used up"
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

    assert sorted(results) == ["discounted"] + ["used up"] * (BUYERS - 1), results
    assert Order.objects.filter(promo_code__code="LAST").count() == 1
