"""
The donations app's shared writes: donors, receipt numbers and gifts recorded
by staff. Online gifts are in `donations.services.outcomes` (one-time) and
`donations.services.monthly` (monthly gifts), which build on these.

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
from donations.models import Donation, Donor, ReceiptSequence

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


def check_amount(amount: Decimal) -> Decimal:
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
    amount = check_amount(gift.amount)
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
                lambda: send_receipt_after_commit(donation_id), robust=True
            )
    return donation


def send_receipt_after_commit(donation_id: int) -> None:
    """Queue the receipt and, for a dedicated gift, the note to the person named
    (background tasks; called once the gift's transaction has committed)."""
    from donations.tasks import send_dedication_notice, send_donation_receipt

    send_donation_receipt.enqueue(donation_id=donation_id)
    send_dedication_notice.enqueue(donation_id=donation_id)
