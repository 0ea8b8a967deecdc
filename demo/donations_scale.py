"""
A year of gifts for the benchmark (`manage.py seed_catalog`): online gifts (with
the processor's fee) and checks, from a few hundred donors, each with its receipt
number, so the Home fund's page sums a realistic number of rows.

Fast (`bulk_create`) and idempotent: the gifts are topped up to the number the
months ask for, and receipt numbers come from each year's sequence as the
services take them, so later gifts continue the series.
"""

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from donations.models import Donation, Donor, ReceiptSequence

D = Decimal
CENT = D("0.01")
DONOR_DOMAIN = "@catalog.example.org"
GIFTS_PER_MONTH = 100
DONORS = 400
AMOUNTS = ["10", "25", "25", "35", "50", "50", "75", "100", "100", "250", "500"]
CHECKS = ["1000", "2500", "5000"]
FEE_RATE, FEE_FIXED = D("0.029"), D("0.30")


def seed_gifts(*, months: int) -> int:
    """Top the catalog's paid gifts up to `months` months' worth; returns how
    many were made."""
    if months < 0:
        raise ValueError("The number of months cannot be negative.")
    target = months * GIFTS_PER_MONTH
    with transaction.atomic():
        missing = (
            target
            - Donation.objects.filter(donor__email__endswith=DONOR_DOMAIN).count()
        )
        if missing <= 0:
            return 0
        donors = _donors()
        rng = random.Random(target)
        today = timezone.localdate()
        gifts = [
            _gift(rng, donor=rng.choice(donors), day=day)
            for day in sorted(
                today - dt.timedelta(days=rng.randrange(months * 30))
                for _ in range(missing)
            )
        ]
        _number_receipts(gifts)
        Donation.objects.bulk_create(gifts, batch_size=1000)
        for gift in gifts:
            gift.created_at = gift.paid_at or gift.created_at  # auto_now_add's
        Donation.objects.bulk_update(gifts, ["created_at"], batch_size=1000)
    return missing


def _donors() -> list[Donor]:
    emails = [f"donor{number:04d}{DONOR_DOMAIN}" for number in range(DONORS)]
    known = set(Donor.objects.filter(email__in=emails).values_list("email", flat=True))
    Donor.objects.bulk_create(
        [
            Donor(email=email, name=f"Donor {number:04d}")
            for number, email in enumerate(emails)
            if email not in known
        ]
    )
    return list(Donor.objects.filter(email__in=emails).order_by("pk"))


def _gift(rng: random.Random, *, donor: Donor, day: dt.date) -> Donation:
    check = rng.random() < 0.08
    amount = D(rng.choice(CHECKS if check else AMOUNTS))
    covered = (
        D("0") if check or rng.random() < 0.6 else (amount * FEE_RATE + FEE_FIXED)
    ).quantize(CENT)
    fee = D("0") if check else ((amount + covered) * FEE_RATE + FEE_FIXED)
    return Donation(
        donor=donor,
        source=Donation.Source.OFFLINE if check else Donation.Source.ONLINE,
        method=Donation.Method.CHECK if check else Donation.Method.CARD,
        check_number=str(rng.randrange(1000, 9999)) if check else "",
        status=Donation.Status.PAID,
        amount=amount,
        fee_covered=covered,
        processor_fee=fee.quantize(CENT),
        date=day,
        paid_at=timezone.make_aware(dt.datetime.combine(day, dt.time(12))),
        show_on_wall=rng.random() < 0.3,
        is_anonymous=rng.random() < 0.1,
        livemode=check,
    )


def _number_receipts(gifts: list[Donation]) -> None:
    """Each gift's receipt number, taken from its year's sequence in one step
    per year (as `receipt_number_next` would, one by one)."""
    per_year = Counter(gift.date.year for gift in gifts if gift.date)
    last: dict[int, int] = {}
    for year, count in per_year.items():
        ReceiptSequence.objects.get_or_create(year=year)
        sequence = ReceiptSequence.objects.select_for_update().get(year=year)
        last[year] = sequence.last_number
        sequence.last_number += count
        sequence.save(update_fields=["last_number"])
    for gift in gifts:
        if gift.date is not None:
            last[gift.date.year] += 1
            gift.receipt_number = f"R-{gift.date.year}-{last[gift.date.year]:06d}"
