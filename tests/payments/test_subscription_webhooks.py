"""
Monthly gifts through Stripe's signed webhook events: the checkout that starts
the subscription, each month's invoice, a failed charge, changes to the
subscription, its end, and refunds of one month's charge.
"""

import logging
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from payments.models import CheckoutSession, InvoicePayment, ProcessedEvent
from tests.payments.factories import CheckoutSessionFactory
from tests.payments.fixtures import stripe_event

pytestmark = pytest.mark.django_db

COMPLETED = "checkout_session_completed_subscription"
INVOICE_PAID = "invoice_paid"
INVOICE_FAILED = "invoice_payment_failed"
UPDATED = "customer_subscription_updated"
DELETED = "customer_subscription_deleted"
SESSION = stripe_event(COMPLETED)["data"]["object"]["id"]
SUBSCRIPTION = "sub_1QmOnThLyGiFt0000000001"
CUSTOMER = "cus_QmOnThLyDoNoR1"
INVOICE = "in_1QmOnThLyInVoIcE0000001"


@pytest.fixture
def monthly_record(db):
    """Our record of the monthly gift's checkout, as `checkout_open` leaves it."""
    return CheckoutSessionFactory(
        session_id=SESSION,
        payment_intent_id="",
        reference="MG-1001",
        amount_total=Decimal("25.00"),
        recurring_interval="month",
    )


@pytest.fixture
def started(post_stripe_event, monthly_record, subscription_handler):
    """The monthly gift's checkout completed: the subscription is ours."""
    assert post_stripe_event(COMPLETED).status_code == 200
    subscription_handler.calls.clear()
    return monthly_record


def _at(event: dict, created: int) -> dict:
    event["created"] = created
    return event


def test_a_monthly_gift_from_its_checkout_to_its_end(
    post_stripe_event, monthly_record, subscription_handler
):
    response = post_stripe_event(COMPLETED)
    assert response.content == b"paid"
    [(name, paid)] = subscription_handler.calls
    assert name == "paid"
    assert (paid.kind, paid.reference) == ("test", "MG-1001")
    assert (paid.subscription_id, paid.customer_id) == (SUBSCRIPTION, CUSTOMER)
    assert paid.amount_total == Decimal("25.00")
    assert paid.payment_intent_id == ""
    monthly_record.refresh_from_db()
    assert monthly_record.status == CheckoutSession.Status.PAID
    assert monthly_record.subscription_id == SUBSCRIPTION
    assert monthly_record.customer_id == CUSTOMER

    # The first month's invoice (every charge is an invoice_paid, the first too).
    first = stripe_event(INVOICE_PAID)
    assert post_stripe_event(first).content == b"invoice_paid"
    name, invoice = subscription_handler.calls[-1]
    assert name == "invoice_paid"
    assert (invoice.kind, invoice.reference) == ("test", "MG-1001")
    assert invoice.invoice_id == INVOICE
    assert (invoice.subscription_id, invoice.customer_id) == (SUBSCRIPTION, CUSTOMER)
    assert (invoice.amount_total, invoice.currency) == (Decimal("25.00"), "usd")
    assert invoice.session_id == SESSION
    assert invoice.occurred_at == datetime.fromtimestamp(first["created"], tz=UTC)
    assert invoice.current_period_end == datetime(2026, 2, 1, 0, 6, 30, tzinfo=UTC)
    assert invoice.fee is None
    recorded = InvoicePayment.objects.get()
    assert (recorded.invoice_id, recorded.amount) == (INVOICE, Decimal("25.00"))
    assert recorded.status == InvoicePayment.Status.PAID

    # A replayed event changes nothing.
    assert post_stripe_event(first).content == b"duplicate"
    assert subscription_handler.names == ["paid", "invoice_paid"]
    assert InvoicePayment.objects.count() == 1

    # The second month.
    second = stripe_event(INVOICE_PAID)
    second["data"]["object"]["id"] = "in_1QmOnThLyInVoIcE0000002"
    assert post_stripe_event(second).content == b"invoice_paid"
    assert subscription_handler.calls[-1][1].invoice_id == "in_1QmOnThLyInVoIcE0000002"
    assert InvoicePayment.objects.count() == 2

    # The third month's charge fails; Stripe marks the subscription past due.
    assert post_stripe_event(INVOICE_FAILED).content == b"invoice_failed"
    name, failed = subscription_handler.calls[-1]
    assert name == "invoice_failed"
    assert failed.amount_total == Decimal("25.00")
    assert (failed.invoice_id, failed.subscription_id) == (INVOICE, SUBSCRIPTION)
    assert failed.occurred_at is not None

    assert post_stripe_event(UPDATED).content == b"subscription_updated"
    name, updated = subscription_handler.calls[-1]
    assert name == "subscription_updated"
    assert updated.subscription_status == "past_due"
    assert updated.current_period_end == datetime(2026, 3, 4, tzinfo=UTC)
    assert updated.customer_id == CUSTOMER

    assert post_stripe_event(DELETED).content == b"subscription_cancelled"
    name, cancelled = subscription_handler.calls[-1]
    assert name == "subscription_cancelled"
    assert cancelled.subscription_status == "canceled"
    monthly_record.refresh_from_db()
    assert monthly_record.subscription_status == "canceled"
    assert subscription_handler.names == [
        "paid",
        "invoice_paid",
        "invoice_paid",
        "invoice_failed",
        "subscription_updated",
        "subscription_cancelled",
    ]


def test_an_older_subscription_update_arriving_late_is_still_dispatched(
    post_stripe_event, started, subscription_handler
):
    newer = _at(stripe_event(UPDATED), 1_770_000_100)
    newer["data"]["object"]["status"] = "active"
    older = _at(stripe_event(UPDATED), 1_770_000_000)  # past_due
    assert post_stripe_event(newer).status_code == 200
    assert post_stripe_event(older).status_code == 200
    [(_, first), (_, second)] = subscription_handler.calls
    assert (first.subscription_status, second.subscription_status) == (
        "active",
        "past_due",
    )
    assert second.occurred_at < first.occurred_at  # the handler can ignore it
    started.refresh_from_db()
    assert started.subscription_status == "active"  # our record kept the newer


def test_a_late_update_does_not_revive_a_cancelled_subscription(
    post_stripe_event, started, subscription_handler
):
    post_stripe_event(_at(stripe_event(DELETED), 1_770_000_100))
    post_stripe_event(_at(stripe_event(UPDATED), 1_770_000_000))
    assert subscription_handler.names == [
        "subscription_cancelled",
        "subscription_updated",
    ]
    started.refresh_from_db()
    assert started.subscription_status == "canceled"


def test_an_invoice_for_another_amount_needs_review(
    post_stripe_event, started, subscription_handler
):
    response = post_stripe_event(INVOICE_PAID, amount_paid=2000)
    assert response.content == b"needs_review"
    [(name, outcome)] = subscription_handler.calls
    assert name == "needs_review"
    assert (outcome.invoice_id, outcome.subscription_id) == (INVOICE, SUBSCRIPTION)
    assert outcome.amount_total == Decimal("20.00")
    assert outcome.amount_expected == Decimal("25.00")
    assert InvoicePayment.objects.get().status == InvoicePayment.Status.NEEDS_REVIEW
    started.refresh_from_db()
    assert started.status == CheckoutSession.Status.PAID  # the start stays paid


def test_an_invoice_in_another_currency_needs_review(
    post_stripe_event, started, subscription_handler
):
    assert post_stripe_event(INVOICE_PAID, currency="eur").content == b"needs_review"
    assert subscription_handler.names == ["needs_review"]


def test_an_invoice_arriving_before_its_checkout_completes_is_matched_by_metadata(
    post_stripe_event, monthly_record, subscription_handler
):
    event = stripe_event(INVOICE_PAID)
    event["data"]["object"]["parent"]["subscription_details"]["metadata"] = {
        "kind": "test",
        "reference": "MG-1001",
    }
    assert post_stripe_event(event).content == b"invoice_paid"
    [(_, outcome)] = subscription_handler.calls
    assert outcome.amount_expected == Decimal("25.00")
    assert outcome.session_id == SESSION


@pytest.mark.parametrize("name", [INVOICE_PAID, INVOICE_FAILED, UPDATED, DELETED])
def test_events_of_a_subscription_we_do_not_know_are_acknowledged(
    post_stripe_event, subscription_handler, caplog, name
):
    event = stripe_event(name)
    obj = event["data"]["object"]
    obj["metadata"] = {}
    obj["parent"] = {
        "type": "subscription_details",
        "subscription_details": {"metadata": {}, "subscription": SUBSCRIPTION},
    }
    with caplog.at_level(logging.WARNING, logger="payments"):
        response = post_stripe_event(event)
    assert response.status_code == 200
    assert response.content == b"ignored"
    assert "matches no monthly gift of ours" in caplog.text
    assert subscription_handler.calls == []
    assert ProcessedEvent.objects.count() == 1


def test_an_invoice_of_nothing_is_skipped(
    post_stripe_event, started, subscription_handler
):
    assert post_stripe_event(INVOICE_PAID, amount_paid=0).content == b"ignored"
    assert subscription_handler.calls == []
    assert not InvoicePayment.objects.exists()


def test_a_handler_without_subscription_methods_is_skipped(
    post_stripe_event, monthly_record, recording_handler, caplog
):
    """The shop's handler, for one, has no invoice_paid."""
    monthly_record.subscription_id = SUBSCRIPTION
    monthly_record.status = CheckoutSession.Status.PAID
    monthly_record.save()
    with caplog.at_level(logging.WARNING, logger="payments"):
        assert post_stripe_event(INVOICE_PAID).status_code == 200
        assert post_stripe_event(UPDATED).status_code == 200
    assert recording_handler.calls == []
    assert "has no 'invoice_paid'" in caplog.text
    assert InvoicePayment.objects.count() == 1


def test_a_partial_refund_of_one_months_charge(
    post_stripe_event, started, subscription_handler
):
    InvoicePayment.objects.create(
        kind="test",
        reference="MG-1001",
        invoice_id=INVOICE,
        subscription_id=SUBSCRIPTION,
        customer_id=CUSTOMER,
        payment_intent_id="pi_3QmOnThLyPaYmEnT00001",
        charge_id="ch_3QmOnThLyChArGe000001",
        amount=Decimal("25.00"),
        currency="usd",
    )
    response = post_stripe_event(
        "charge_refunded_partial",
        id="ch_3QmOnThLyChArGe000001",
        payment_intent="pi_3QmOnThLyPaYmEnT00001",
        amount=2500,
        amount_captured=2500,
        amount_refunded=1000,
    )
    assert response.content == b"refunded"
    [(name, outcome)] = subscription_handler.calls
    assert name == "refunded"
    assert (outcome.kind, outcome.reference) == ("test", "MG-1001")
    assert (outcome.invoice_id, outcome.subscription_id) == (INVOICE, SUBSCRIPTION)
    assert outcome.amount_total == Decimal("25.00")  # what the charge took
    assert outcome.amount_refunded == Decimal("10.00")  # refunded of it so far
    assert outcome.session_id == SESSION
    invoice = InvoicePayment.objects.get()
    assert invoice.amount_refunded == Decimal("10.00")
    assert invoice.status == InvoicePayment.Status.PAID

    # Found by charge id too, when the payment intent is not known.
    response = post_stripe_event(
        "charge_refunded_full",
        id="ch_3QmOnThLyChArGe000001",
        payment_intent=None,
        amount=2500,
        amount_refunded=2500,
    )
    assert response.content == b"refunded"
    assert subscription_handler.calls[-1][1].amount_refunded == Decimal("25.00")
    invoice.refresh_from_db()
    assert invoice.status == InvoicePayment.Status.REFUNDED
    started.refresh_from_db()
    assert started.status == CheckoutSession.Status.PAID  # other months stand


@pytest.mark.parametrize(
    "name,overrides",
    [
        (INVOICE_PAID, {"parent": "sub_x"}),
        (INVOICE_PAID, {"parent": {"subscription_details": {"subscription": 12}}}),
        (INVOICE_PAID, {"amount_paid": "2500"}),
        (INVOICE_PAID, {"amount_paid": 25.0}),
        (INVOICE_PAID, {"customer": {"id": "cus_\x00"}, "lines": "junk"}),
        (INVOICE_PAID, {"id": "in_\x00abc"}),
        (INVOICE_FAILED, {"amount_due": None, "currency": 12}),
        (UPDATED, {"items": {"data": ["x"]}, "status": "PAST DUE\x00"}),
        (UPDATED, {"items": {"data": [{"current_period_end": 10**15}]}}),
        (DELETED, {"id": None}),
    ],
)
def test_junk_in_a_monthly_gifts_event_is_never_a_500(
    post_stripe_event, started, subscription_handler, name, overrides
):
    response = post_stripe_event(name, **overrides)
    assert response.status_code == 200
    assert (
        ProcessedEvent.objects.filter(
            type__in=[
                "invoice.paid",
                "invoice.payment_failed",
                "customer.subscription.updated",
                "customer.subscription.deleted",
            ]
        ).count()
        == 1
    )
    for _name, outcome in subscription_handler.calls:
        assert "\x00" not in outcome.customer_id + outcome.subscription_status
        assert outcome.action != "invoice_paid" or outcome.amount_total
