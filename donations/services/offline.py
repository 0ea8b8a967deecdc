"""
Gifts recorded by staff: cash and checks the office received. They count toward
the fund like an online gift (no processor fee), get a receipt number at once
and, when staff ask, a receipt emailed after the commit.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.money import ZERO
from donations.errors import DonationError
from donations.models import Donation
from donations.services.donors import donor_get_or_create
from donations.services.gifts import check_amount
from donations.services.receipts import donation_number_and_queue_receipt


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
            processor_fee=ZERO,
            date=gift.date,
            paid_at=timezone.now(),
            send_receipt=gift.send_receipt,
            livemode=True,
            note=gift.note,
        )
        donation_number_and_queue_receipt(donation=donation, send=gift.send_receipt)
    return donation
