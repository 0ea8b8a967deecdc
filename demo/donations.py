"""
Demo content for gifts and the Home fund, so that a fresh `make run` shows a
goal with milestones, a progress bar that has moved, and a monthly breakdown
that is not empty. Idempotent: rows are keyed (the fund is one row, presets by
amount, gifts by reference), so a second run creates nothing.
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from donations.models import Donation, DonationPreset, Frequency, HomeFund, Milestone
from donations.services.donors import donor_get_or_create
from donations.services.receipts import donation_assign_receipt_number

FUND_DESCRIPTION = Path(__file__).resolve().parent / "content" / "donations-fund.md"

PRESETS = {
    Frequency.ONE_TIME: ("25", "50", "100", "250"),
    Frequency.MONTHLY: ("15", "30", "50", "100"),
}
MILESTONES = [
    ("Land purchased", "60000.00", "A quiet lot in Kentucky, close to services."),
    ("Construction begins", "150000.00", "Foundation, walls and a roof."),
    ("Doors open", "350000.00", "Furnished rooms and the first year of staff."),
]
# (reference, name, email, amount, fee, months ago, source, on the wall, anonymous)
GIFTS = [
    (
        "demo-gift-01",
        "Maria Alvarez",
        "maria@example.org",
        "250.00",
        "7.55",
        10,
        Donation.Source.ONLINE,
        True,
        False,
    ),
    (
        "demo-gift-02",
        "Hope Valley Fellowship",
        "office@example.org",
        "12500.00",
        "0.00",
        8,
        Donation.Source.OFFLINE,
        True,
        False,
    ),
    (
        "demo-gift-03",
        "James Carter",
        "james@example.org",
        "50.00",
        "1.75",
        6,
        Donation.Source.ONLINE,
        False,
        False,
    ),
    (
        "demo-gift-04",
        "A neighbor",
        "neighbor@example.org",
        "100.00",
        "3.20",
        4,
        Donation.Source.ONLINE,
        True,
        True,
    ),
    (
        "demo-gift-05",
        "The Brooks Family Foundation",
        "grants@example.org",
        "48000.00",
        "0.00",
        2,
        Donation.Source.OFFLINE,
        True,
        False,
    ),
    (
        "demo-gift-06",
        "Daniel Kim",
        "daniel@example.org",
        "35.00",
        "1.32",
        1,
        Donation.Source.ONLINE,
        True,
        False,
    ),
    (
        "demo-gift-07",
        "Maria Alvarez",
        "maria@example.org",
        "75.00",
        "2.48",
        0,
        Donation.Source.ONLINE,
        True,
        False,
    ),
]


def _months_ago(today: dt.date, months: int) -> dt.date:
    month = today.month - months
    year = today.year
    while month < 1:
        month += 12
        year -= 1
    return dt.date(year, month, min(today.day, 28))


def seed() -> int:
    """Create what is missing; returns how many rows were made."""
    created = 0
    fund = HomeFund.objects.order_by("pk").first()
    if fund is None:
        fund = HomeFund.objects.create(
            title="The Redeeming Hope home",
            goal_amount=Decimal("350000.00"),
            target_date=dt.date(timezone.localdate().year + 2, 12, 31),
            description=FUND_DESCRIPTION.read_text(encoding="utf-8"),
        )
        created += 1
        for title, amount, description in MILESTONES:
            Milestone.objects.create(
                fund=fund, title=title, amount=Decimal(amount), description=description
            )
            created += 1
    for frequency, amounts in PRESETS.items():
        for order, amount in enumerate(amounts):
            _, made = DonationPreset.objects.get_or_create(
                frequency=frequency,
                amount=Decimal(amount),
                defaults={"display_order": order},
            )
            created += made
    today = timezone.localdate()
    for reference, name, email, amount, fee, months, source, wall, anonymous in GIFTS:
        if Donation.objects.filter(reference=reference).exists():
            continue
        day = _months_ago(today, months)
        offline = source == Donation.Source.OFFLINE
        donation = Donation.objects.create(
            reference=reference,
            donor=donor_get_or_create(email=email, name=name),
            source=source,
            method=Donation.Method.CHECK if offline else Donation.Method.CARD,
            check_number="2045" if offline else "",
            status=Donation.Status.PAID,
            amount=Decimal(amount),
            processor_fee=Decimal(fee),
            date=day,
            paid_at=timezone.make_aware(dt.datetime.combine(day, dt.time(12))),
            show_on_wall=wall,
            is_anonymous=anonymous,
            livemode=offline,  # online demo gifts went through the test gateway
        )
        donation_assign_receipt_number(donation=donation)
        created += 1
    return created
