"""payments.refunds: money back through the gateway that took it. The local
gateway records it and dispatches "refunded" at once; Stripe gets the Refunds
API with the caller's idempotency key."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from payments.exceptions import PaymentError
from payments.models import CheckoutSession
from payments.refunds import refund_create
from tests.payments.fixtures import TEST_KIND

pytestmark = pytest.mark.django_db
D = Decimal


def payment(gateway="local", **overrides) -> CheckoutSession:
    values = {
        "kind": TEST_KIND,
        "reference": "R-1",
        "session_id": f"cs_{gateway}_abc123",
        "payment_intent_id": "pi_test_abc123" if gateway == "stripe" else "",
        "gateway": gateway,
        "status": CheckoutSession.Status.PAID,
        "currency": "usd",
        "amount_total": D("40.00"),
        "amount_received": D("40.00"),
        "customer_email": "buyer@example.org",
        "url": "https://example.org/pay",
        "success_url": "https://example.org/ok",
        "cancel_url": "https://example.org/cancel",
        "idempotency_key": f"open-{gateway}",
        "expires_at": timezone.now() + timedelta(minutes=30),
    }
    values.update(overrides)
    return CheckoutSession.objects.create(**values)


def test_a_local_refund_dispatches_refunded_with_the_cumulative_amount(
    recording_handler,
):
    record = payment()
    first = refund_create(
        amount=D("10.00"), idempotency_key="k1", session_id=record.session_id
    )
    second = refund_create(
        amount=D("30.00"), idempotency_key="k2", session_id=record.session_id
    )
    assert (
        first.refund_id.startswith("re_local_") and first.refund_id != second.refund_id
    )
    assert first.status == "succeeded"
    assert [o.amount_refunded for _n, o in recording_handler.calls] == [
        D("10.00"),
        D("40.00"),
    ]
    assert recording_handler.names == ["refunded", "refunded"]
    assert {o.amount_total for _n, o in recording_handler.calls} == {D("40.00")}
    record.refresh_from_db()
    assert record.amount_refunded == D("40.00")
    assert record.status == CheckoutSession.Status.REFUNDED


def test_a_local_refund_cannot_exceed_what_was_paid(recording_handler):
    record = payment()
    refund_create(amount=D("39.99"), idempotency_key="k1", session_id=record.session_id)
    with pytest.raises(PaymentError, match="more than is left"):
        refund_create(
            amount=D("0.02"), idempotency_key="k2", session_id=record.session_id
        )
    record.refresh_from_db()
    assert record.amount_refunded == D("39.99")
    assert len(recording_handler.calls) == 1


@pytest.mark.parametrize(
    "amount", [D("0"), D("-1.00"), 5, 1.5], ids=["zero", "negative", "int", "float"]
)
def test_bad_amounts_are_refused(amount):
    with pytest.raises(ValueError):
        refund_create(amount=amount, idempotency_key="k", session_id="cs_local_x")


def test_unknown_or_unpaid_payments_are_refused(recording_handler):
    with pytest.raises(PaymentError, match="no record"):
        refund_create(amount=D("1.00"), idempotency_key="k", session_id="cs_local_nope")
    record = payment(status=CheckoutSession.Status.OPEN)
    with pytest.raises(PaymentError, match="never taken"):
        refund_create(
            amount=D("1.00"), idempotency_key="k", session_id=record.session_id
        )
    assert recording_handler.calls == []


@pytest.mark.parametrize("cents", [1, 1999])
def test_a_stripe_refund_sends_cents_and_the_idempotency_key(fake_stripe, cents):
    record = payment("stripe")
    fake_stripe.respond(
        "POST",
        "/v1/refunds",
        {"id": "re_test_9", "object": "refund", "amount": cents, "status": "succeeded"},
    )
    amount = (D(cents) / 100).quantize(D("0.01"))
    result = refund_create(
        amount=amount,
        idempotency_key="order-refund-1",
        payment_intent_id=record.payment_intent_id,
        metadata={"order_refund": "7"},
    )
    assert (result.refund_id, result.amount, result.status) == (
        "re_test_9",
        amount,
        "succeeded",
    )
    [(method, path, params)] = [
        r for r in fake_stripe.requests if r[1] == "/v1/refunds"
    ]
    assert method == "POST"
    assert params["payment_intent"] == "pi_test_abc123"
    assert params["amount"] == str(cents)
    assert params["metadata"]["reference"] == "R-1"
    assert params["metadata"]["order_refund"] == "7"
    call = [c for c in fake_stripe.calls if "/v1/refunds" in str(c)][-1]
    assert call.headers.get("Idempotency-Key") == "order-refund-1"


def test_a_stripe_refusal_is_a_payment_error(fake_stripe):
    record = payment("stripe")
    fake_stripe.respond(
        "POST",
        "/v1/refunds",
        {"error": {"type": "invalid_request_error", "message": "Already refunded."}},
        status=400,
    )
    with pytest.raises(PaymentError, match="Already refunded"):
        refund_create(
            amount=D("5.00"), idempotency_key="k", session_id=record.session_id
        )
