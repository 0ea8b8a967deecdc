"""
Every write the donations app makes: donors, gifts recorded by staff, receipt
numbers, and (through `payments`) online gifts and what their payment became.

Why it is shaped like this:
- A donor is one row per email address, found without regard to case, so a
  supporter who types "Ann@Example.org" one month and "ann@example.org" the next
  gets one annual statement.
- Receipt numbers are consecutive within a year (R-2026-000123) and never
  reused: the year's counter row is locked while a number is taken, in the
  same transaction that stores it on the gift.
- Fulfilment is idempotent: a guarded status change (pending -> paid) decides
  who sends the receipt, so the webhook and the thank-you page may both report
  the same payment and the donor still gets one receipt. The email goes after
  the commit, and a failed send never undoes the gift.
"""

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from core.money import CENT
from donations.fees import fee_to_cover
from donations.models import Donation, Donor, Frequency, ReceiptSequence
from payments.checkout import CheckoutRequest, LineItem, checkout_open
from payments.exceptions import PaymentError
from payments.registry import CheckoutOutcome

logger = logging.getLogger(__name__)


class DonationError(Exception):
    """A gift the site refuses; str() is safe to show to the donor."""


def donor_get_or_create(*, email: str, name: str = "") -> Donor:
    """The donor with this email (any case), created when new. A name given now
    fills in a donor who had none; it never overwrites one staff corrected."""
    email = email.strip()
    if not email:
        raise ValueError("A donor needs an email address.")
    name = name.strip()
    for _attempt in range(2):
        donor = (
            Donor.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower=email.lower())
            .first()
        )
        if donor is not None:
            if name and not donor.name:
                Donor.objects.filter(pk=donor.pk, name="").update(name=name)
                donor.name = name
            return donor
        try:
            with transaction.atomic():
                return Donor.objects.create(email=email, name=name)
        except IntegrityError:
            # Another request created the same donor a moment ago: read theirs.
            continue
    raise RuntimeError(f"Could not find or create the donor {email!r}.")


def receipt_number_next(*, year: int) -> str:
    """The next receipt number of `year`, e.g. R-2026-000123. Call it inside the
    transaction that stores the number, so that a rollback gives it back."""
    if not 2000 <= year <= 9999:
        raise ValueError(f"{year} is not a receipt year.")
    with transaction.atomic():
        ReceiptSequence.objects.get_or_create(year=year)
        sequence = ReceiptSequence.objects.select_for_update().get(year=year)
        sequence.last_number += 1
        sequence.save(update_fields=["last_number"])
    return f"R-{year}-{sequence.last_number:06d}"


def _receipt_year(donation: Donation) -> int:
    if donation.date is not None:
        return donation.date.year
    return timezone.localdate().year


def donation_assign_receipt_number(*, donation: Donation) -> str:
    """Give a paid gift its receipt number (once)."""
    with transaction.atomic():
        current = (
            Donation.objects.select_for_update()
            .values_list("receipt_number", flat=True)
            .get(pk=donation.pk)
        )
        if current:
            donation.receipt_number = current
            return current
        number = receipt_number_next(year=_receipt_year(donation))
        Donation.objects.filter(pk=donation.pk).update(receipt_number=number)
    donation.receipt_number = number
    return number


@dataclass(frozen=True, kw_only=True)
class OfflineGift:
    """A cash or check gift as staff record it."""

    email: str
    name: str
    amount: Decimal
    date: dt.date
    method: str  # Donation.Method.CASH or CHECK
    check_number: str = ""
    send_receipt: bool = True
    note: str = ""


def _check_amount(amount: Decimal) -> Decimal:
    if isinstance(amount, bool) or not isinstance(amount, Decimal):
        raise TypeError(f"Money must be a Decimal, not {type(amount).__name__}.")
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise DonationError("Enter an amount in dollars and cents.")
    if amount <= 0:
        raise DonationError("A gift must be more than $0.")
    if amount > settings.DONATION_MAXIMUM:
        raise DonationError(
            f"A gift over ${settings.DONATION_MAXIMUM:,.2f} must be arranged "
            "with the office."
        )
    return amount


def validate_offline_gift(*, gift: OfflineGift) -> Decimal:
    """The checks a cash or check gift must pass; returns its amount."""
    amount = _check_amount(gift.amount)
    if gift.method not in (Donation.Method.CASH, Donation.Method.CHECK):
        raise DonationError("An offline gift is paid in cash or by check.")
    if gift.date > timezone.localdate():
        raise DonationError("The date of a gift cannot be in the future.")
    return amount


def donation_record_offline(*, gift: OfflineGift) -> Donation:
    """A cash or check gift staff received: counted toward the fund like an
    online gift (no processor fee), with a receipt number and, when asked, a
    receipt sent after the commit."""
    amount = validate_offline_gift(gift=gift)
    with transaction.atomic():
        donor = donor_get_or_create(email=gift.email, name=gift.name)
        donation = Donation.objects.create(
            donor=donor,
            source=Donation.Source.OFFLINE,
            method=gift.method,
            check_number=gift.check_number.strip()
            if gift.method == Donation.Method.CHECK
            else "",
            status=Donation.Status.PAID,
            amount=amount,
            processor_fee=Decimal("0.00"),
            date=gift.date,
            paid_at=timezone.now(),
            send_receipt=gift.send_receipt,
            livemode=True,
            note=gift.note,
        )
        donation_assign_receipt_number(donation=donation)
        if gift.send_receipt:
            donation_id = donation.pk
            transaction.on_commit(
                lambda: _send_receipt_after_commit(donation_id), robust=True
            )
    return donation


# ---------------------------------------------------------------------------
# Online gifts
# ---------------------------------------------------------------------------
DONATION_KIND = "donation"  # the payments registry's key for gifts


def _payment_lines(
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
    amount = _check_amount(choice.amount)
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
        line_items=_payment_lines(
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
            lambda: _send_receipt_after_commit(donation_id), robust=True
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


def donation_record_fee(*, outcome: CheckoutOutcome) -> bool:
    """The processor's fee, learned after the payment (once)."""
    if outcome.fee is None:
        return False
    return bool(
        Donation.objects.filter(
            reference=outcome.reference, processor_fee__isnull=True
        ).update(processor_fee=outcome.fee)
    )


def donation_mark_refunded(*, outcome: CheckoutOutcome) -> Donation:
    """A refund of a gift: it leaves the fund's total (in full, or the part
    refunded). `outcome.amount_total` is the total refunded so far when the
    gateway says so; otherwise the whole charge."""
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(reference=outcome.reference)
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
        refunded = outcome.amount_total if outcome.amount_total is not None else charged
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


def _send_receipt_after_commit(donation_id: int) -> None:
    from donations.receipts import donation_send_receipt

    donation_send_receipt(donation_id=donation_id)
