"""checkout_confirm for success pages, against the fake Stripe."""

from decimal import Decimal

import pytest

from payments.models import CheckoutSession
from payments.services.checkout import checkout_confirm
from tests.payments.helpers import open_checkout

pytestmark = pytest.mark.django_db


def test_a_paid_session_is_confirmed_and_its_fee_left_to_a_task(
    fake_stripe, recording_handler, queued_tasks
):
    redirect = open_checkout(reference="T-6001")
    fake_stripe.mark_paid(redirect.session_id, payment_intent_id="pi_test_6001")

    outcome = checkout_confirm(session_id=redirect.session_id)

    assert outcome is not None
    assert outcome.kind == "test"
    assert outcome.reference == "T-6001"
    assert outcome.session_id == redirect.session_id
    assert outcome.payment_intent_id == "pi_test_6001"
    assert outcome.amount_total == outcome.amount_expected == Decimal("19.99")
    assert outcome.currency == "usd"
    assert outcome.fee is None
    assert outcome.event_id == ""
    assert recording_handler.calls == [("paid", outcome)]
    method, url, params = fake_stripe.requests[-1]
    assert (method, url) == ("GET", f"/v1/checkout/sessions/{redirect.session_id}")
    assert params == {}
    record = CheckoutSession.objects.get()
    assert record.status == CheckoutSession.Status.PAID
    assert record.payment_intent_id == "pi_test_6001"
    assert record.fee is None


def test_confirming_a_session_known_to_be_paid_asks_stripe_nothing(
    fake_stripe, recording_handler
):
    redirect = open_checkout()
    fake_stripe.mark_paid(redirect.session_id)
    first = checkout_confirm(session_id=redirect.session_id)
    asked = len(fake_stripe.requests)
    second = checkout_confirm(session_id=redirect.session_id)
    assert first is not None and second is None
    assert len(fake_stripe.requests) == asked
    assert recording_handler.names == ["paid"]


def test_an_unpaid_session_is_left_to_the_webhook(fake_stripe, recording_handler):
    redirect = open_checkout()
    assert checkout_confirm(session_id=redirect.session_id) is None
    assert recording_handler.calls == []
    assert CheckoutSession.objects.get().status == CheckoutSession.Status.OPEN


def test_a_session_stripe_does_not_know_is_not_confirmed(
    fake_stripe, recording_handler
):
    assert checkout_confirm(session_id="cs_test_forged") is None
    assert recording_handler.calls == []


@pytest.mark.parametrize(
    "session_id",
    [
        "",
        "pi_123",
        "x" * 300,
        None,
        "cs_test_\x00abc",
        "cs_local_\x00",
        "cs_test_abc/../../v1/charges",
        "cs_test_abc?expand[]=x",
        "cs_",
        42,
    ],
)
def test_garbage_ids_never_reach_stripe(fake_stripe, recording_handler, session_id):
    assert checkout_confirm(session_id=session_id) is None
    assert fake_stripe.requests == []


def test_without_stripe_keys_a_stripe_id_is_not_confirmed(recording_handler):
    assert checkout_confirm(session_id="cs_test_abc") is None


@pytest.mark.parametrize("session_id", ["cs_local_\x00", "cs_local_ab\x00cd"])
def test_nul_in_a_local_id_is_not_confirmed(local_gateway, session_id):
    assert checkout_confirm(session_id=session_id) is None


def _paid_for(fake_stripe, **changes):
    redirect = open_checkout(reference="T-6002")
    fake_stripe.mark_paid(redirect.session_id)
    fake_stripe.sessions[redirect.session_id].update(changes)
    return redirect


@pytest.mark.parametrize(
    ("changes", "amount_total", "currency"),
    [
        ({"amount_total": 1998}, Decimal("19.98"), "usd"),  # a cent short
        ({"currency": "eur"}, Decimal("19.99"), "eur"),
        ({"amount_total": None}, None, "usd"),
    ],
)
def test_a_payment_that_is_not_what_we_asked_for_needs_review(
    fake_stripe, recording_handler, changes, amount_total, currency
):
    redirect = _paid_for(fake_stripe, **changes)
    outcome = checkout_confirm(session_id=redirect.session_id)
    assert outcome is not None
    assert outcome.action == "needs_review"
    assert (outcome.amount_total, outcome.amount_expected, outcome.currency) == (
        amount_total,
        Decimal("19.99"),
        currency,
    )
    assert recording_handler.names == ["needs_review"]
    record = CheckoutSession.objects.get()
    assert record.status == CheckoutSession.Status.NEEDS_REVIEW
    assert record.amount_received == amount_total
