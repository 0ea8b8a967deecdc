from decimal import Decimal

import pytest
from django.core.cache import cache

from payments.registry import CheckoutOutcome


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate limits count in the cache: every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def outcome():
    """An outcome as payments would hand it to the shop's handler."""

    def make(order, **overrides) -> CheckoutOutcome:
        values = {
            "action": "paid",
            "kind": "order",
            "reference": order.number,
            "session_id": order.checkout_session_id or f"cs_test_{order.pk}",
            "payment_intent_id": f"pi_test_{order.pk}",
            "amount_total": order.total,
            "fee": Decimal("1.23"),
            "event_id": "",
            "livemode": False,
        }
        values.update(overrides)
        return CheckoutOutcome(**values)

    return make
