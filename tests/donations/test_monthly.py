"""A monthly gift's life, as payments reports it: started, charged every month
(each charge its own gift and receipt, once), a failed charge, status changes
that arrive out of order, cancellation, refunds and fees."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from donations.handlers import recurring_gift_handler
from donations.models import Donation, RecurringGift
from payments.registry import CheckoutOutcome
from tests.donations.factories import DonorFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _gift(**overrides: Any) -> RecurringGift:
    values = {
        "donor": DonorFactory(email="ann@example.org", name="Ann Lee"),
        "amount": Decimal("30.00"),
        "fee_covered": Decimal("1.24"),
        "dedication": "honor",
        "dedication_name": "Mom",
        "show_on_wall": True,
    }
    values.update(overrides)
    return RecurringGift.objects.create(**values)


def _outcome(gift: RecurringGift, action: str, **overrides: Any) -> CheckoutOutcome:
    values: dict[str, Any] = {
        "action": action,
        "kind": "recurring_gift",
        "reference": gift.reference,
        "session_id": "cs_test_monthly",
        "subscription_id": "sub_test_1",
        "customer_id": "cus_test_1",
        "amount_total": gift.charged_amount,
        "amount_expected": gift.charged_amount,
        "currency": "usd",
        "livemode": True,
        "occurred_at": NOW,
    }
    values.update(overrides)
    return CheckoutOutcome(**values)


def _pay(gift: RecurringGift, invoice: str, **overrides: Any) -> None:
    recurring_gift_handler.invoice_paid(
        _outcome(gift, "invoice_paid", invoice_id=invoice, **overrides)
    )


@pytest.fixture
def active(django_capture_on_commit_callbacks) -> RecurringGift:
    gift = _gift()
    with django_capture_on_commit_callbacks(execute=True):
        recurring_gift_handler.paid(_outcome(gift, "paid"))
        _pay(gift, "in_1", current_period_end=NOW + dt.timedelta(days=30))
    gift.refresh_from_db()
    return gift


def test_a_started_gift_is_active_with_its_first_charge_receipted(active):
    assert active.status == RecurringGift.Status.ACTIVE
    assert active.subscription_id == "sub_test_1"
    assert active.customer_id == "cus_test_1"
    assert active.next_charge_date == timezone.localdate(NOW + dt.timedelta(days=30))
    charge = Donation.objects.get(invoice_id="in_1")
    assert charge.status == Donation.Status.PAID
    assert charge.charged_amount == Decimal("31.24")
    assert charge.frequency == "monthly" and charge.recurring_gift == active
    assert charge.dedication == "honor" and charge.dedication_name == "Mom"
    assert charge.show_on_wall
    assert charge.receipt_number
    assert len(mail.outbox) == 1
    assert "/donate/monthly/" in mail.outbox[0].body  # the manage link


def test_every_month_is_its_own_gift_and_receipt_once(
    active, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _pay(active, "in_2")
        _pay(active, "in_2")  # the same invoice again: nothing new
    charges = Donation.objects.filter(recurring_gift=active, status="paid")
    assert charges.count() == 2
    numbers = set(charges.values_list("receipt_number", flat=True))
    assert len(numbers) == 2
    assert len(mail.outbox) == 2


def test_charges_may_arrive_before_the_checkout_completes(
    django_capture_on_commit_callbacks,
):
    gift = _gift()
    with django_capture_on_commit_callbacks(execute=True):
        _pay(gift, "in_first")
        recurring_gift_handler.paid(_outcome(gift, "paid"))
    gift.refresh_from_db()
    assert gift.status == RecurringGift.Status.ACTIVE
    assert Donation.objects.filter(recurring_gift=gift).count() == 1


def test_a_failed_charge_makes_the_gift_past_due_and_never_counts(active):
    recurring_gift_handler.invoice_failed(
        _outcome(active, "invoice_failed", invoice_id="in_2", amount_total=None)
    )
    active.refresh_from_db()
    assert active.status == RecurringGift.Status.PAST_DUE
    failed = Donation.objects.get(invoice_id="in_2")
    assert failed.status == Donation.Status.FAILED and not failed.receipt_number
    # The retry succeeds: the same invoice becomes a paid, receipted gift.
    _pay(active, "in_2")
    failed.refresh_from_db()
    active.refresh_from_db()
    assert failed.status == Donation.Status.PAID and failed.receipt_number
    assert active.status == RecurringGift.Status.ACTIVE


def test_an_older_status_arriving_late_changes_nothing(active):
    newer = NOW + dt.timedelta(minutes=5)
    recurring_gift_handler.subscription_updated(
        _outcome(
            active,
            "subscription_updated",
            subscription_status="past_due",
            occurred_at=newer,
        )
    )
    recurring_gift_handler.subscription_updated(
        _outcome(
            active,
            "subscription_updated",
            subscription_status="active",
            occurred_at=NOW,
        )
    )
    active.refresh_from_db()
    assert active.status == RecurringGift.Status.PAST_DUE


def test_cancelled_stays_cancelled(active):
    recurring_gift_handler.subscription_cancelled(
        _outcome(active, "subscription_cancelled", subscription_status="canceled")
    )
    recurring_gift_handler.subscription_cancelled(
        _outcome(active, "subscription_cancelled", subscription_status="canceled")
    )
    recurring_gift_handler.subscription_updated(
        _outcome(
            active,
            "subscription_updated",
            subscription_status="active",
            occurred_at=NOW + dt.timedelta(hours=1),
        )
    )
    active.refresh_from_db()
    assert active.status == RecurringGift.Status.CANCELLED
    assert active.cancelled_at is not None and active.next_charge_date is None


def test_an_unknown_subscription_changes_nothing():
    gift = _gift()
    stranger = _outcome(
        gift,
        "invoice_paid",
        reference="nobody",
        subscription_id="sub_unknown",
        invoice_id="in_x",
    )
    recurring_gift_handler.invoice_paid(stranger)
    assert not Donation.objects.exists()


def test_a_wrong_amount_needs_review_and_is_not_counted(active):
    recurring_gift_handler.needs_review(
        _outcome(
            active, "needs_review", invoice_id="in_2", amount_total=Decimal("0.01")
        )
    )
    charge = Donation.objects.get(invoice_id="in_2")
    assert charge.status == Donation.Status.NEEDS_REVIEW
    assert charge.amount_received == Decimal("0.01")
    assert not charge.receipt_number


def test_the_fee_and_a_partial_refund_of_a_month(active):
    recurring_gift_handler.fee_known(
        _outcome(
            active,
            "fee_known",
            invoice_id="in_1",
            fee=Decimal("1.21"),
            payment_intent_id="pi_1",
        )
    )
    charge = Donation.objects.get(invoice_id="in_1")
    assert charge.processor_fee == Decimal("1.21")
    assert charge.payment_intent_id == "pi_1"
    recurring_gift_handler.refunded(
        _outcome(
            active,
            "refunded",
            invoice_id="",
            payment_intent_id="pi_1",
            amount_total=Decimal("31.24"),
            amount_refunded=Decimal("10.00"),
        )
    )
    charge.refresh_from_db()
    assert charge.status == Donation.Status.PARTIALLY_REFUNDED
    assert charge.amount_refunded == Decimal("10.00")
    # A late, smaller figure never lowers it; the rest refunded makes it whole.
    for refunded in ("5.00", "31.24", "31.24"):
        recurring_gift_handler.refunded(
            _outcome(
                active,
                "refunded",
                payment_intent_id="pi_1",
                amount_refunded=Decimal(refunded),
            )
        )
    charge.refresh_from_db()
    assert charge.status == Donation.Status.REFUNDED
    assert charge.amount_refunded == Decimal("31.24")


def test_a_checkout_that_never_paid_ends_the_pending_gift():
    gift = _gift()
    recurring_gift_handler.failed(_outcome(gift, "failed"))
    gift.refresh_from_db()
    assert gift.status == RecurringGift.Status.CANCELLED
