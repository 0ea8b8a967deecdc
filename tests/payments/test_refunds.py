"""payments.services.refunds: money back through the gateway that took it. The local
gateway records it and dispatches "refunded" at once; Stripe gets the Refunds
API with the caller's idempotency key."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from payments.errors import PaymentError
from payments.models import CheckoutSession
from payments.services.refunds import refund_create
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


# ---------------------------------------------------------------------------
# Said before anyone fills in a form
# ---------------------------------------------------------------------------
def test_what_cannot_be_refunded_is_said_before_asking(settings):
    from payments.services.refunds import refund_blocker

    settings.STRIPE_SECRET_KEY = ""
    assert "no record" in refund_blocker(session_id="cs_demo_1")
    local = payment()
    assert refund_blocker(session_id=local.session_id) == ""
    stripe = payment(
        "stripe", session_id="cs_stripe_paid", idempotency_key="open-stripe-2"
    )
    assert "Stripe's dashboard" in refund_blocker(session_id=stripe.session_id)
    local.amount_refunded = local.amount_total
    local.save()
    assert "already refunded in full" in refund_blocker(session_id=local.session_id)


def test_a_payment_recorded_for_the_local_gateway_is_refunded_here(
    recording_handler, fake_stripe
):
    """The demo's orders are paid without the test page: their record is what
    the page would leave, so a refund of them stays here (no request to
    Stripe, even with Stripe keys) and is told like any other."""
    from payments.services.local_gateway import local_payment_record

    record, again = (
        local_payment_record(
            kind=TEST_KIND,
            reference="R-9",
            amount=D("54.06"),
            customer_email="rosa@demo.example.org",
            session_id="cs_demo_9",
        )
        for _twice in range(2)
    )
    assert again.pk == record.pk and record.is_local
    result = refund_create(
        amount=D("14.00"), idempotency_key="k-demo", session_id="cs_demo_9"
    )
    assert result.refund_id.startswith("re_local_")
    assert fake_stripe.requests == []
    [(name, outcome)] = recording_handler.calls
    assert (name, outcome.reference, outcome.amount_refunded) == (
        "refunded",
        "R-9",
        D("14.00"),
    )


# ---------------------------------------------------------------------------
# Every charge.refunded is booked (signed webhook events)
# ---------------------------------------------------------------------------
CUSTOMER = "cus_QmOnThLyDoNoR1"
SUBSCRIPTION = "sub_1QmOnThLyGiFt0000000001"


@pytest.fixture
def monthly(db):
    """A monthly gift's checkout, its subscription started."""
    from tests.payments.factories import CheckoutSessionFactory

    return CheckoutSessionFactory(
        payment_intent_id="",
        reference="MG-1001",
        amount_total=D("25.00"),
        recurring_interval="month",
        status=CheckoutSession.Status.PAID,
        subscription_id=SUBSCRIPTION,
        customer_id=CUSTOMER,
    )


def month(invoice_id: str, **values):
    """One month's charge as invoice.paid records it, before the fee task has
    stored the payment intent and charge that paid it."""
    from payments.models import InvoicePayment

    return InvoicePayment.objects.create(
        kind=TEST_KIND,
        reference="MG-1001",
        invoice_id=invoice_id,
        subscription_id=SUBSCRIPTION,
        customer_id=CUSTOMER,
        amount=D("25.00"),
        currency="usd",
        **values,
    )


def refund_event(post_stripe_event, **values):
    return post_stripe_event(
        "charge_refunded_partial",
        **{
            "id": "ch_3QmOnThLyChArGe000002",
            "payment_intent": "pi_3QmOnThLyPaYmEnT00002",
            "customer": CUSTOMER,
            "amount": 2500,
            "amount_captured": 2500,
            "amount_refunded": 1000,
            **values,
        },
    )


def test_a_months_refund_before_the_fee_task_is_booked_by_customer_and_amount(
    post_stripe_event, monthly, subscription_handler
):
    """The fee task had not yet stored which payment paid the month: the
    refund was answered "ignored" and lost (the fund stayed $10 too high)."""
    invoice = month("in_1QmOnThLyInVoIcE0000002")
    response = refund_event(post_stripe_event)
    assert response.status_code == 200 and response.content == b"refunded"
    [(name, outcome)] = subscription_handler.calls
    assert (name, outcome.invoice_id, outcome.amount_refunded) == (
        "refunded",
        invoice.invoice_id,
        D("10.00"),
    )
    invoice.refresh_from_db()
    assert invoice.amount_refunded == D("10.00")
    # It learned the ids, so the next refund of that charge finds it directly.
    assert invoice.payment_intent_id == "pi_3QmOnThLyPaYmEnT00002"
    assert invoice.charge_id == "ch_3QmOnThLyChArGe000002"
    assert refund_event(post_stripe_event, amount_refunded=2500).content == (
        b"refunded"
    )
    invoice.refresh_from_db()
    assert invoice.amount_refunded == D("25.00")


def test_a_refund_that_cannot_be_named_yet_is_retried_not_lost(
    post_stripe_event, monthly, subscription_handler
):
    """Two months of the same amount with no ids yet (or none recorded): which
    one is refunded is not known, so the event is not recorded and Stripe
    sends it again; once the fee task has named the charge, it is booked."""
    from payments.models import ProcessedEvent

    first = month("in_1QmOnThLyInVoIcE0000002")
    second = month("in_1QmOnThLyInVoIcE0000003")
    response = refund_event(post_stripe_event)
    assert response.status_code == 503
    assert not ProcessedEvent.objects.exists()
    assert subscription_handler.calls == []

    second.payment_intent_id = "pi_3QmOnThLyPaYmEnT00002"  # the fee task ran
    second.save()
    retried = post_stripe_event(response.stripe_event)  # Stripe's retry
    assert retried.status_code == 200 and retried.content == b"refunded"
    [(_name, outcome)] = subscription_handler.calls
    assert outcome.invoice_id == second.invoice_id
    first.refresh_from_db()
    assert first.amount_refunded == 0


def test_a_refund_before_its_months_invoice_arrived_is_retried(
    post_stripe_event, monthly, subscription_handler
):
    response = refund_event(post_stripe_event)
    assert response.status_code == 503
    month("in_1QmOnThLyInVoIcE0000002")  # invoice.paid arrives
    assert post_stripe_event(response.stripe_event).content == b"refunded"


def test_a_refund_of_someone_elses_customer_is_acknowledged(
    post_stripe_event, monthly, subscription_handler
):
    response = refund_event(post_stripe_event, customer="cus_NotOurs0000001")
    assert response.status_code == 200 and response.content == b"ignored"


def test_a_one_time_payment_is_found_by_its_metadata_when_its_intent_is_not_known(
    post_stripe_event, recording_handler
):
    """Paid, but our record did not learn its payment intent: the metadata we
    gave the payment names the checkout."""
    record = payment("stripe", payment_intent_id="")
    response = post_stripe_event(
        "charge_refunded_partial",
        kind=TEST_KIND,
        reference=record.reference,
        payment_intent="pi_3QoNeTiMe000000000001",
        amount=4000,
        amount_refunded=1500,
    )
    assert response.content == b"refunded"
    [(_name, outcome)] = recording_handler.calls
    assert outcome.reference == record.reference
    record.refresh_from_db()
    assert record.amount_refunded == D("15.00")
    assert record.payment_intent_id == "pi_3QoNeTiMe000000000001"
