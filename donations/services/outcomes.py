"""
What a payment became, for gifts: the donations app's writes behind its
payment outcome handlers (`donations.handlers`), for one-time gifts (kind
"donation") and monthly gifts (kind "recurring_gift").

Each outcome service is idempotent: a guarded status change decides who numbers
the gift and sends its receipt, so the webhook and the thank-you page may both
report one payment. For a monthly gift the gateway tells us, in any order and
sometimes twice:
- the checkout completed ("paid"): the gift is active, we learn its
  subscription and customer ids;
- each invoice paid ("invoice_paid", the first one included): one gift per
  invoice (the invoice id is unique), numbered and receipted once;
- an invoice failed ("invoice_failed"): the gift is past due, the gateway retries;
- the subscription changed or ended ("subscription_updated" / "_cancelled"):
  an event older than the last one applied is ignored.
"""

import logging

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.pagecache import invalidate_public_pages_on_commit
from donations.models import Donation, Frequency, RecurringGift
from donations.services.gifts import DONATION_KIND
from donations.services.monthly import recurring_gift_mark_ended
from donations.services.receipts import donation_number_and_queue_receipt
from payments.registry import CheckoutOutcome

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------
# One-time gifts (and the fee and refunds of any gift's charge)
# ---------------------------------------------------------------------------
def _counts_as_paid(outcome: CheckoutOutcome) -> dict[str, object]:
    return {
        "payment_intent_id": outcome.payment_intent_id,
        "processor_fee": outcome.fee,
        "livemode": outcome.livemode,
    }


def donation_mark_paid(*, outcome: CheckoutOutcome) -> Donation:
    """A one-time gift's payment arrived (webhook, thank-you page or the local
    gateway). Idempotent: only the call that moves it from pending (or failed,
    for a payment that arrived late) to paid numbers it and sends the receipt."""
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(reference=outcome.reference)
        if donation.status in (
            Donation.Status.PAID,
            Donation.Status.REFUNDED,
            Donation.Status.PARTIALLY_REFUNDED,
        ):
            if donation.processor_fee is None and outcome.fee is not None:
                Donation.objects.filter(pk=donation.pk).update(
                    processor_fee=outcome.fee
                )
            return donation
        now = timezone.now()
        Donation.objects.filter(pk=donation.pk).update(
            status=Donation.Status.PAID,
            paid_at=now,
            date=timezone.localdate(now),
            checkout_session_id=donation.checkout_session_id
            or outcome.session_id
            or None,
            **_counts_as_paid(outcome),
        )
        donation.refresh_from_db()
        donation_number_and_queue_receipt(donation=donation)
    return donation


def donation_mark_failed(*, outcome: CheckoutOutcome) -> bool:
    """The payment was declined or the page abandoned: the gift never counted."""
    return bool(
        Donation.objects.filter(
            reference=outcome.reference, status=Donation.Status.PENDING
        ).update(status=Donation.Status.FAILED)
    )


def donation_mark_needs_review(*, outcome: CheckoutOutcome) -> bool:
    """Money arrived but not what was asked: staff decide; it does not count."""
    return bool(
        Donation.objects.filter(
            reference=outcome.reference,
            status__in=[Donation.Status.PENDING, Donation.Status.FAILED],
        ).update(
            status=Donation.Status.NEEDS_REVIEW,
            amount_received=outcome.amount_total,
            payment_intent_id=outcome.payment_intent_id,
            livemode=outcome.livemode,
        )
    )


def _charge_for(outcome: CheckoutOutcome) -> QuerySet[Donation]:
    """The gift a charge's outcome is about: a month's charge by its invoice,
    a one-time gift by its reference, else by the payment intent."""
    if outcome.invoice_id:
        return Donation.objects.filter(invoice_id=outcome.invoice_id)
    if outcome.kind == DONATION_KIND and outcome.reference:
        return Donation.objects.filter(reference=outcome.reference)
    if outcome.payment_intent_id:
        return Donation.objects.filter(payment_intent_id=outcome.payment_intent_id)
    return Donation.objects.none()


def donation_record_fee(*, outcome: CheckoutOutcome) -> bool:
    """The processor's fee, learned after the payment (once)."""
    if outcome.fee is None:
        return False
    charges = _charge_for(outcome)
    if outcome.payment_intent_id:
        charges.filter(payment_intent_id="").update(
            payment_intent_id=outcome.payment_intent_id
        )
    recorded = charges.filter(processor_fee__isnull=True).update(
        processor_fee=outcome.fee
    )
    if recorded:  # the fee comes off the gift in the fund's total
        invalidate_public_pages_on_commit()
    return bool(recorded)


def donation_mark_refunded(*, outcome: CheckoutOutcome) -> Donation:
    """A refund of a gift, whole or in part: the refunded part leaves the
    fund's total. `outcome.amount_refunded` is what the gateway has refunded of
    the charge so far (a repeated or late event never lowers it); without it,
    the whole charge. Raises `Donation.DoesNotExist` for a charge not ours."""
    with transaction.atomic():
        donation = _charge_for(outcome).select_for_update().get()
        if donation.status not in (
            Donation.Status.PAID,
            Donation.Status.PARTIALLY_REFUNDED,
            Donation.Status.REFUNDED,
        ):
            logger.error(
                "A refund arrived for gift %s, which is %s.",
                donation.pk,
                donation.status,
            )
            return donation
        charged = donation.charged_amount
        refunded = (
            outcome.amount_refunded if outcome.amount_refunded is not None else charged
        )
        refunded = min(max(refunded, donation.amount_refunded), charged)
        status = (
            Donation.Status.REFUNDED
            if refunded >= charged
            else Donation.Status.PARTIALLY_REFUNDED
        )
        Donation.objects.filter(pk=donation.pk).update(
            amount_refunded=refunded, status=status
        )
        donation.refresh_from_db()
    return donation


# ---------------------------------------------------------------------------
# Monthly gifts
# ---------------------------------------------------------------------------
# Stripe's subscription statuses -> ours.
STATUS_FROM_GATEWAY = {
    "active": RecurringGift.Status.ACTIVE,
    "trialing": RecurringGift.Status.ACTIVE,
    "past_due": RecurringGift.Status.PAST_DUE,
    "unpaid": RecurringGift.Status.PAST_DUE,
    "canceled": RecurringGift.Status.CANCELLED,
    "incomplete_expired": RecurringGift.Status.CANCELLED,
    "incomplete": RecurringGift.Status.PENDING,
}


def _gift_for(outcome: CheckoutOutcome) -> RecurringGift | None:
    gifts = RecurringGift.objects.select_for_update()
    gift = gifts.filter(reference=outcome.reference).first()
    if gift is None and outcome.subscription_id:
        gift = gifts.filter(subscription_id=outcome.subscription_id).first()
    if gift is None:
        logger.error(
            "A %s for monthly gift %r (%s) names no gift of ours.",
            outcome.action,
            outcome.reference,
            outcome.subscription_id or outcome.session_id,
        )
    return gift


def _is_stale(gift: RecurringGift, outcome: CheckoutOutcome) -> bool:
    return (
        outcome.occurred_at is not None
        and gift.status_changed_at is not None
        and outcome.occurred_at < gift.status_changed_at
    )


def _ids(gift: RecurringGift, outcome: CheckoutOutcome) -> dict[str, object]:
    fields: dict[str, object] = {}
    if outcome.subscription_id and not gift.subscription_id:
        fields["subscription_id"] = outcome.subscription_id
    if outcome.customer_id and not gift.customer_id:
        fields["customer_id"] = outcome.customer_id
    if outcome.current_period_end is not None:
        fields["next_charge_date"] = timezone.localdate(outcome.current_period_end)
    return fields


def recurring_gift_activate(*, outcome: CheckoutOutcome) -> RecurringGift | None:
    """The checkout completed: the gift is active (once)."""
    with transaction.atomic():
        gift = _gift_for(outcome)
        if gift is None:
            return None
        fields = _ids(gift, outcome)
        fields["livemode"] = outcome.livemode
        if gift.status == RecurringGift.Status.PENDING:
            fields["status"] = RecurringGift.Status.ACTIVE
        RecurringGift.objects.filter(pk=gift.pk).update(**fields)
        gift.refresh_from_db()
    return gift


def recurring_gift_end_unpaid(*, outcome: CheckoutOutcome) -> bool:
    """The first payment never happened (declined, abandoned): nothing to run."""
    return bool(
        RecurringGift.objects.filter(
            reference=outcome.reference, status=RecurringGift.Status.PENDING
        ).update(status=RecurringGift.Status.CANCELLED, cancelled_at=timezone.now())
    )


def _choices(gift: RecurringGift) -> dict[str, object]:
    """The donor's dedication and wall choices, copied onto each month's gift
    (the dedication email goes with the first one only)."""
    first = not gift.donations.filter(status=Donation.Status.PAID).exists()
    return {
        "dedication": gift.dedication,
        "dedication_name": gift.dedication_name,
        "dedication_notify_email": gift.dedication_notify_email if first else "",
        "is_anonymous": gift.is_anonymous,
        "show_on_wall": gift.show_on_wall,
    }


def recurring_gift_charge_paid(*, outcome: CheckoutOutcome) -> Donation | None:
    """One month's charge went through: one gift per invoice, numbered and
    receipted once, however often the gateway says so."""
    if not outcome.invoice_id:
        raise ValueError("A paid charge of a monthly gift needs its invoice id.")
    with transaction.atomic():
        gift = _gift_for(outcome)
        if gift is None:
            return None
        existing = Donation.objects.filter(invoice_id=outcome.invoice_id).first()
        if existing is not None and existing.status != Donation.Status.FAILED:
            return existing
        now = timezone.now()
        values = {
            "donor_id": gift.donor_id,
            "recurring_gift": gift,
            "frequency": Frequency.MONTHLY,
            "status": Donation.Status.PAID,
            "amount": gift.amount,
            "fee_covered": gift.fee_covered,
            "processor_fee": outcome.fee,
            "payment_intent_id": outcome.payment_intent_id,
            "livemode": outcome.livemode,
            "date": timezone.localdate(outcome.occurred_at or now),
            "paid_at": now,
            **_choices(gift),
        }
        if existing is not None:  # a charge that failed, then went through
            Donation.objects.filter(pk=existing.pk).update(**values)
            donation = Donation.objects.get(pk=existing.pk)
        else:
            try:
                with transaction.atomic():
                    donation = Donation.objects.create(
                        invoice_id=outcome.invoice_id, **values
                    )
            except IntegrityError:
                return Donation.objects.get(invoice_id=outcome.invoice_id)
        fields = _ids(gift, outcome)
        if gift.status in (RecurringGift.Status.PENDING, RecurringGift.Status.PAST_DUE):
            fields["status"] = RecurringGift.Status.ACTIVE
        if fields:
            RecurringGift.objects.filter(pk=gift.pk).update(**fields)
        donation_number_and_queue_receipt(donation=donation)
    return donation


def recurring_gift_charge_needs_review(*, outcome: CheckoutOutcome) -> Donation | None:
    """Money arrived for a monthly gift, but not what was asked: kept for staff
    to decide, never counted or receipted."""
    with transaction.atomic():
        gift = _gift_for(outcome)
        if gift is None:
            return None
        key = (
            {"invoice_id": outcome.invoice_id}
            if outcome.invoice_id
            else {"checkout_session_id": outcome.session_id or None}
        )
        donation, _created = Donation.objects.get_or_create(
            **key,
            defaults={
                "donor_id": gift.donor_id,
                "recurring_gift": gift,
                "frequency": Frequency.MONTHLY,
                "status": Donation.Status.NEEDS_REVIEW,
                "amount": gift.amount,
                "fee_covered": gift.fee_covered,
                "amount_received": outcome.amount_total,
                "payment_intent_id": outcome.payment_intent_id,
                "livemode": outcome.livemode,
            },
        )
    logger.error(
        "Monthly gift %s: paid %s %s but %s was asked; needs review.",
        gift.pk,
        outcome.amount_total,
        outcome.currency,
        outcome.amount_expected,
    )
    return donation


def recurring_gift_charge_failed(*, outcome: CheckoutOutcome) -> RecurringGift | None:
    """A month's charge failed: the gift is past due (the gateway retries), and
    the failed charge is kept for staff to see. It never counts."""
    with transaction.atomic():
        gift = _gift_for(outcome)
        if gift is None:
            return None
        if outcome.invoice_id and gift.status != RecurringGift.Status.CANCELLED:
            Donation.objects.get_or_create(
                invoice_id=outcome.invoice_id,
                defaults={
                    "donor_id": gift.donor_id,
                    "recurring_gift": gift,
                    "frequency": Frequency.MONTHLY,
                    "status": Donation.Status.FAILED,
                    "amount": gift.amount,
                    "fee_covered": gift.fee_covered,
                    "livemode": outcome.livemode,
                },
            )
        if gift.status == RecurringGift.Status.ACTIVE:
            RecurringGift.objects.filter(pk=gift.pk).update(
                status=RecurringGift.Status.PAST_DUE
            )
        gift.refresh_from_db()
    return gift


def recurring_gift_update(*, outcome: CheckoutOutcome) -> RecurringGift | None:
    """The subscription's status or next charge changed. An event older than
    the last one applied changes nothing; a cancelled gift stays cancelled."""
    with transaction.atomic():
        gift = _gift_for(outcome)
        if gift is None or _is_stale(gift, outcome):
            return gift
        fields = _ids(gift, outcome)
        status = STATUS_FROM_GATEWAY.get(outcome.subscription_status)
        if status is not None and gift.status != RecurringGift.Status.CANCELLED:
            fields["status"] = status
            if status == RecurringGift.Status.CANCELLED:
                fields["cancelled_at"] = timezone.now()
        if outcome.occurred_at is not None:
            fields["status_changed_at"] = outcome.occurred_at
        if fields:
            RecurringGift.objects.filter(pk=gift.pk).update(**fields)
        gift.refresh_from_db()
    return gift


def recurring_gift_mark_cancelled(*, outcome: CheckoutOutcome) -> RecurringGift | None:
    """The subscription ended (the donor, staff or the gateway cancelled it)."""
    with transaction.atomic():
        gift = _gift_for(outcome)
        if gift is None:
            return None
        recurring_gift_mark_ended(
            gift, status_changed_at=outcome.occurred_at or timezone.now()
        )
        gift.refresh_from_db()
    return gift
