"""
A payment is "paid" only when it is exactly what we asked for: any other amount
or currency, or none at all, or a session we have no record of, needs review.
The same rule holds for the webhook, the success page and the local gateway.
"""

from decimal import Decimal

import pytest

from payments.models import CheckoutSession
from payments.services.recording import payment_outcome
from tests.payments.factories import CheckoutSessionFactory
from tests.payments.fixtures import stripe_event

pytestmark = pytest.mark.django_db

PAID = "checkout_session_completed_paid"
SESSION = stripe_event(PAID)["data"]["object"]["id"]


@pytest.fixture
def order_record():
    """We asked for $12.72 for test order RH-1272."""
    return CheckoutSessionFactory(
        session_id=SESSION,
        reference="RH-1272",
        payment_intent_id="",
        amount_total=Decimal("12.72"),
    )


def test_underpaid_by_one_cent_total_needs_review(
    post_stripe_event, order_record, recording_handler, mailoutbox, queued_tasks
):
    response = post_stripe_event(PAID, kind="test", amount_total=1)
    assert response.status_code == 200
    assert response.content == b"needs_review"
    [(name, outcome)] = recording_handler.calls
    assert name == "needs_review"
    assert outcome.amount_total == Decimal("0.01")
    assert outcome.amount_expected == Decimal("12.72")
    assert outcome.currency == "usd"
    assert outcome.reference == "RH-1272"
    # Nobody is emailed: nothing sent, and nothing queued but payments' own
    # work (tasks wait on the dummy backend in these tests).
    assert mailoutbox == []
    assert all(
        result.task.module_path.startswith("payments.")
        for result in queued_tasks.results
    )
    order_record.refresh_from_db()
    assert order_record.status == CheckoutSession.Status.NEEDS_REVIEW
    assert order_record.get_status_display() == "Payment needs review"
    assert order_record.amount_received == Decimal("0.01")
    assert order_record.currency_received == "usd"


def test_one_cent_short_needs_review(
    post_stripe_event, order_record, recording_handler
):
    post_stripe_event(PAID, kind="test", amount_total=1271)
    assert recording_handler.names == ["needs_review"]


def test_one_cent_too_much_needs_review(
    post_stripe_event, order_record, recording_handler
):
    post_stripe_event(PAID, kind="test", amount_total=1273)
    assert recording_handler.names == ["needs_review"]


def test_the_exact_amount_is_paid(post_stripe_event, order_record, recording_handler):
    response = post_stripe_event(PAID, kind="test", amount_total=1272)
    assert response.content == b"paid"
    assert recording_handler.names == ["paid"]
    order_record.refresh_from_db()
    assert order_record.status == CheckoutSession.Status.PAID


@pytest.mark.parametrize(
    "amount", [None, "1272", 1272.0, True, [1272], {"value": 1272}, "\x00"]
)
def test_a_missing_or_non_integer_amount_needs_review(
    post_stripe_event, order_record, recording_handler, amount
):
    response = post_stripe_event(PAID, kind="test", amount_total=amount)
    assert response.status_code == 200
    [(name, outcome)] = recording_handler.calls
    assert name == "needs_review"
    assert outcome.amount_total is None
    assert outcome.amount_expected == Decimal("12.72")


def test_an_absent_amount_needs_review(
    post_stripe_event, order_record, recording_handler
):
    event = stripe_event(PAID, kind="test", amount_total=1272)
    del event["data"]["object"]["amount_total"]
    post_stripe_event(event)
    assert recording_handler.names == ["needs_review"]


@pytest.mark.parametrize("currency", ["eur", "USDX", "", None, 840, "us\x00"])
def test_another_or_no_currency_needs_review(
    post_stripe_event, order_record, recording_handler, currency
):
    post_stripe_event(PAID, kind="test", amount_total=1272, currency=currency)
    [(name, outcome)] = recording_handler.calls
    assert name == "needs_review"
    assert outcome.currency == ("eur" if currency == "eur" else "")


def test_currency_in_upper_case_is_the_same_currency(
    post_stripe_event, order_record, recording_handler
):
    post_stripe_event(PAID, kind="test", amount_total=1272, currency="USD")
    assert recording_handler.names == ["paid"]


def test_a_session_we_have_no_record_of_needs_review(
    post_stripe_event, recording_handler
):
    """Nothing to compare the amount with: a person checks it."""
    response = post_stripe_event(PAID, kind="test", reference="RH-9999")
    assert response.content == b"needs_review"
    [(name, outcome)] = recording_handler.calls
    assert name == "needs_review"
    assert (outcome.reference, outcome.amount_expected) == ("RH-9999", None)
    assert outcome.amount_total == Decimal("51.62")


def test_async_success_for_the_wrong_amount_needs_review(
    post_stripe_event, order_record, recording_handler
):
    order_record.status = CheckoutSession.Status.PROCESSING
    order_record.save()
    post_stripe_event("checkout_session_async_payment_succeeded", kind="test")
    assert recording_handler.names == ["needs_review"]


def test_a_late_expiry_does_not_undo_a_payment_under_review(
    post_stripe_event, order_record, recording_handler
):
    post_stripe_event(PAID, kind="test", amount_total=1)
    post_stripe_event("checkout_session_expired", kind="test")
    assert recording_handler.names == ["needs_review"]
    order_record.refresh_from_db()
    assert order_record.status == CheckoutSession.Status.NEEDS_REVIEW


def test_a_verified_payment_is_never_downgraded(
    post_stripe_event, order_record, recording_handler
):
    post_stripe_event(PAID, kind="test", amount_total=1272)
    post_stripe_event("checkout_session_async_payment_succeeded", kind="test")
    assert recording_handler.names == ["paid"]
    order_record.refresh_from_db()
    assert order_record.status == CheckoutSession.Status.PAID


def test_the_local_gateway_pays_exactly_what_was_asked(
    client, local_gateway, recording_handler
):
    from tests.payments.helpers import open_checkout

    checkout = open_checkout()
    local_gateway.pay(client, checkout.url)
    [(name, outcome)] = recording_handler.calls
    assert name == "paid"
    assert outcome.amount_total == outcome.amount_expected == Decimal("19.99")
    assert outcome.currency == "usd"


@pytest.mark.parametrize(
    ("amount", "currency", "action"),
    [
        (1999, "usd", "paid"),
        (1998, "usd", "needs_review"),
        (1999, "cad", "needs_review"),
        (None, "usd", "needs_review"),
        ("1999", "usd", "needs_review"),
        (1999, None, "needs_review"),
    ],
)
def test_one_function_decides(amount, currency, action):
    record = CheckoutSessionFactory(amount_total=Decimal("19.99"))
    outcome = payment_outcome(
        record=record,
        kind="test",
        reference=record.reference,
        session_id=record.session_id,
        payment_intent_id="",
        amount=amount,
        currency=currency,
    )
    assert outcome.action == action
    assert outcome.amount_expected == Decimal("19.99")
