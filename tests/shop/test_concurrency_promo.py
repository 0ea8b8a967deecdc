"""Two buyers take a promo code's last use at the same moment: one gets it, the
other is told it is used up. Needs real row locks: PostgreSQL only."""

from decimal import Decimal

import pytest

from shop.errors import InvalidPromoCode
from shop.models import Order, PromoCode
from shop.services.placing import order_create_from_cart
from tests.shop.concurrency import POSTGRESQL_ONLY, race
from tests.shop.factories import VariantFactory, checkout_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    POSTGRESQL_ONLY,
]
BUYERS = 8


def test_the_last_use_of_a_code_goes_to_one_buyer():
    PromoCode.objects.create(
        code="LAST", kind="fixed", value=Decimal("5.00"), max_uses=1
    )
    variants = [VariantFactory(stock=10) for _n in range(BUYERS)]

    def buyer(n: int) -> str:
        try:
            order_create_from_cart(
                # Different items, so nothing but the code is shared.
                cart={variants[n].pk: 1},
                customer=checkout_data(
                    email=f"buyer{n}@example.org", promo_code="last"
                ),
            )
        except InvalidPromoCode:
            return "used up"
        return "discounted"

    results = race(buyer, threads=BUYERS)

    assert sorted(results) == ["discounted"] + ["used up"] * (BUYERS - 1), results
    assert Order.objects.filter(promo_code__code="LAST").count() == 1
