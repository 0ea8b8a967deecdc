from decimal import Decimal

import pytest

from payments.registry import (
    CheckoutOutcome,
    get_checkout_handler,
    register_checkout_handler,
    unregister_checkout_handler,
)
from tests.payments.fixtures import RecordingHandler


def test_registered_handler_is_found_and_unregistered():
    handler = RecordingHandler()
    register_checkout_handler("registry-test", handler)
    try:
        assert get_checkout_handler("registry-test") is handler
        register_checkout_handler("registry-test", handler)  # again: no-op
    finally:
        assert unregister_checkout_handler("registry-test") is handler
    with pytest.raises(LookupError):
        get_checkout_handler("registry-test")


def test_a_second_handler_for_the_same_kind_is_refused():
    register_checkout_handler("registry-test", RecordingHandler())
    try:
        with pytest.raises(ValueError, match="already registered"):
            register_checkout_handler("registry-test", RecordingHandler())
    finally:
        unregister_checkout_handler("registry-test")


@pytest.mark.parametrize("kind", ["", None])
def test_a_kind_is_required(kind):
    with pytest.raises(ValueError):
        register_checkout_handler(kind, RecordingHandler())


def test_unknown_kind_raises_lookup_error():
    with pytest.raises(LookupError, match="nobody"):
        get_checkout_handler("nobody")


def test_outcome_is_immutable():
    outcome = CheckoutOutcome(
        action="paid",
        kind="test",
        reference="T-1",
        session_id="cs_test_1",
        payment_intent_id="",
        amount_total=Decimal("19.99"),
        fee=None,
        event_id="",
        livemode=False,
    )
    with pytest.raises(AttributeError):
        # Written on purpose: the outcome is frozen.
        outcome.reference = "T-2"  # type: ignore[misc]
