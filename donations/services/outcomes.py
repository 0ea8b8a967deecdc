"""
One-time gifts made online: the pending gift, its payment page (through
`payments`), and what the payment became. Each outcome service is idempotent:
a guarded status change decides who numbers the gift and sends its receipt, so
the webhook and the thank-you page may both report one payment.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.pagecache import invalidate_public_pages_on_commit
from donations.fees import fee_to_cover
from donations.models import Donation, Frequency
from donations.services.offline import (
    DonationError,
    check_amount,
    donation_assign_receipt_number,
    donor_get_or_create,
    send_receipt_after_commit,
)
from payments.checkout import CheckoutRequest, LineItem, checkout_open
from payments.exceptions import PaymentError
from payments.registry import CheckoutOutcome

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------
# Online gifts
# ---------------------------------------------------------------------------
DONATION_KIND = "donation"  # the payments registry's key for gifts


def payment_lines(
    *, amount: Decimal, fee_covered: Decimal, monthly: bool
) -> tuple[LineItem, ...]:
    gift = LineItem(
        name="Monthly gift to Redeeming Hope" if monthly else "Gift to Redeeming Hope",
        description="For building and running the Redeeming Hope home",
        unit_amount=amount,
        quantity=1,
    )
    if not fee_covered:
        return (gift,)
    fee = LineItem(
        name="Card processing fee, covered by you",
        description="So the home receives your whole gift",
        unit_amount=fee_covered,
        quantity=1,
    )
    return (gift, fee)


@dataclass(frozen=True, kw_only=True)
class GiftChoice:
    """What the donor asked for, cleaned."""

    frequency: str  # Frequency value
    amount: Decimal  # the gift, before any fee cover
    cover_fee: bool
    email: str
    name: str
    is_anonymous: bool
    show_on_wall: bool
    dedication: str  # Donation.Dedication value
    dedication_name: str
    dedication_notify_email: str


def donation_create_pending(*, choice: GiftChoice) -> Donation:
    """A one-time gift waiting for its payment. The amount charged is computed
    here again from the cleaned amount and the fee settings, never taken from
    the browser."""
    amount = check_amount(choice.amount)
    if amount < settings.DONATION_MINIMUM:
        raise DonationError(
            f"The smallest gift we can take online is ${settings.DONATION_MINIMUM}."
        )
    fee_covered = fee_to_cover(amount) if choice.cover_fee else Decimal("0.00")
    with transaction.atomic():
        donor = donor_get_or_create(email=choice.email, name=choice.name)
        return Donation.objects.create(
            donor=donor,
            frequency=Frequency.ONE_TIME,
            amount=amount,
            fee_covered=fee_covered,
            dedication=choice.dedication,
            dedication_name=choice.dedication_name,
            dedication_notify_email=choice.dedication_notify_email,
            is_anonymous=choice.is_anonymous,
            show_on_wall=choice.show_on_wall,
        )


def donation_checkout(*, choice: GiftChoice, success_url: str, cancel_url: str) -> str:
    """Create the pending gift, open its payment page, and say where to send the
    donor. When the payment page cannot be opened the gift is marked failed
    (nothing was charged) and `PaymentError` says so in words for the donor."""
    donation = donation_create_pending(choice=choice)
    request = CheckoutRequest(
        kind=DONATION_KIND,
        reference=donation.reference,
        line_items=payment_lines(
            amount=donation.amount, fee_covered=donation.fee_covered, monthly=False
        ),
        customer_email=donation.donor.email,
        success_url=success_url,
        cancel_url=cancel_url,
        total=donation.charged_amount,
    )
    try:
        redirect = checkout_open(request)
    except PaymentError:
        Donation.objects.filter(pk=donation.pk, status=Donation.Status.PENDING).update(
            status=Donation.Status.FAILED
        )
        raise
    Donation.objects.filter(pk=donation.pk, checkout_session_id__isnull=True).update(
        checkout_session_id=redirect.session_id
    )
    return redirect.url


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
        donation_assign_receipt_number(donation=donation)
        donation_id = donation.pk
        transaction.on_commit(
            lambda: send_receipt_after_commit(donation_id), robust=True
        )
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
