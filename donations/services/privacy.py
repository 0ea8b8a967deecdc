"""
A donor's personal details: a copy on request, erasure on request, and erasure
of gifts that were never paid after the retention period.

What erasure keeps, and why: a gift is an accounting and tax record. Its
amount, what was added for the fee, the processor's fee, refunds, dates,
status, receipt number and Stripe ids stay, so the Home fund and the year's
receipts do not move. What goes is what names or reaches a person: the
donor's name and email, the honoree's name and email, and staff notes. An
erased gift leaves the donor wall. Nothing is sent: receipts already sent are
not reissued, and the donor's email becomes an undeliverable address.

A monthly gift that is still charging must be canceled first (at the payment
processor, by the donor's manage link or by staff): erasure never cancels
anything itself, so it never moves money.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from core.privacy import (
    ERASED,
    ERASED_DOMAIN,
    ERASED_SESSION_EMAIL,
    isoformat_or_none,
    normalized_email,
)
from donations.errors import GiftsStillActive
from donations.models import Donation, Donor, RecurringGift
from donations.services.gifts import DONATION_KIND
from donations.services.monthly import RECURRING_KIND
from payments.services.privacy import checkout_sessions_erase_email

# Monthly gifts that may still charge the donor's card.
CHARGING_STATUSES = (RecurringGift.Status.ACTIVE, RecurringGift.Status.PAST_DUE)
# A pending gift's payment page may stay open this long (Stripe's longest).
PAYMENT_PAGE_LIFETIME = timedelta(hours=24)
# Gifts whose money never arrived.
UNPAID_STATUSES = (Donation.Status.PENDING, Donation.Status.FAILED)


@dataclass(frozen=True, kw_only=True)
class DonorErased:
    found: int  # donors with this email: 0 or 1
    donations: int
    monthly_gifts: int
    receipt_numbers: tuple[str, ...]


def erased_email(donor_pk: int) -> str:
    return f"erased-donor-{donor_pk}@{ERASED_DOMAIN}"


def donor_of(*, email: str) -> Donor | None:
    """The donor with this email address (any case), if any."""
    return (
        Donor.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower=normalized_email(email).lower())
        .first()
    )


def donor_export(*, email: str) -> dict[str, Any] | None:
    """Everything donations hold about this email, as plain data for JSON;
    None when there is no such donor."""
    donor = donor_of(email=email)
    if donor is None:
        return None
    return {
        "name": donor.name,
        "email": donor.email,
        "first_gift": isoformat_or_none(donor.created_at),
        "gifts": [
            {
                "date": isoformat_or_none(gift.date or gift.created_at),
                "amount": str(gift.amount),
                "added_to_cover_the_fee": str(gift.fee_covered),
                "frequency": str(gift.get_frequency_display()),
                "paid_by": str(gift.get_method_display()),
                "status": str(gift.get_status_display()),
                "refunded": str(gift.amount_refunded),
                "receipt_number": gift.receipt_number or "",
                **_choices_data(gift),
            }
            for gift in donor.donations.order_by("created_at", "pk")
        ],
        "monthly_gifts": [
            {
                "started": isoformat_or_none(gift.created_at),
                "amount": str(gift.amount),
                "added_to_cover_the_fee": str(gift.fee_covered),
                "status": str(gift.get_status_display()),
                "canceled": isoformat_or_none(gift.cancelled_at),
                **_choices_data(gift),
            }
            for gift in donor.recurring_gifts.order_by("created_at", "pk")
        ],
        "annual_statements": [
            {"year": statement.year, "total": str(statement.total)}
            for statement in donor.statements.order_by("year")
        ],
    }


def _choices_data(gift: Donation | RecurringGift) -> dict[str, Any]:
    return {
        "dedication": str(gift.get_dedication_display()) if gift.dedication else "",
        "honoree": gift.dedication_name,
        "honoree_email": gift.dedication_notify_email,
        "anonymous": gift.is_anonymous,
        "on_the_donor_wall": gift.show_on_wall,
    }


def _choices_erased() -> dict[str, Any]:
    # The honoree's name goes; the kind of dedication ("in memory of") stays,
    # so the gift's receipt still reads as it was sent.
    return {"dedication_notify_email": "", "show_on_wall": False}


def gifts_still_charging(donor: Donor, *, now: datetime) -> list[RecurringGift]:
    """Monthly gifts that charge, or whose first payment page may still be open."""
    return list(
        donor.recurring_gifts.filter(
            Q(status__in=CHARGING_STATUSES)
            | Q(
                status=RecurringGift.Status.PENDING,
                created_at__gt=now - PAYMENT_PAGE_LIFETIME,
            )
        ).order_by("created_at", "pk")
    )


def _erase_gifts(donor: Donor) -> None:
    donations = donor.donations.all()
    gifts = donor.recurring_gifts.all()
    donations.exclude(dedication_name="").update(dedication_name=ERASED)
    donations.exclude(note="").update(note=ERASED)
    donations.update(**_choices_erased())
    gifts.exclude(dedication_name="").update(dedication_name=ERASED)
    gifts.update(**_choices_erased())
    checkout_sessions_erase_email(
        kind=DONATION_KIND,
        references=donations.values_list("reference", flat=True),
        placeholder=ERASED_SESSION_EMAIL,
    )
    checkout_sessions_erase_email(
        kind=RECURRING_KIND,
        references=gifts.values_list("reference", flat=True),
        placeholder=ERASED_SESSION_EMAIL,
    )


def donor_erase(*, email: str, now: datetime | None = None) -> DonorErased:
    """Erase a donor's personal details (see the module's docstring).

    Refuses with GiftsStillActive, changing nothing, while a monthly gift may
    still charge. A second call finds no donor with that email (it is erased)
    and changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        donor = donor_of(email=email)
        if donor is None:
            return DonorErased(
                found=0, donations=0, monthly_gifts=0, receipt_numbers=()
            )
        donor = Donor.objects.select_for_update().get(pk=donor.pk)
        charging = gifts_still_charging(donor, now=now)
        if charging:
            raise GiftsStillActive(charging)
        receipts = tuple(
            donor.donations.exclude(receipt_number=None)
            .order_by("created_at", "pk")
            .values_list("receipt_number", flat=True)
        )
        donations = donor.donations.count()
        _erase_gifts(donor)
        Donor.objects.filter(pk=donor.pk).update(
            email=erased_email(donor.pk), name=ERASED
        )
    return DonorErased(
        found=1,
        donations=donations,
        monthly_gifts=donor.recurring_gifts.count(),
        receipt_numbers=tuple(number for number in receipts if number),
    )


# ---------------------------------------------------------------------------
# Retention: gifts never paid
# ---------------------------------------------------------------------------
def _never_paid_donors(cutoff: datetime) -> QuerySet[Donor]:
    """Donors not yet erased, first seen before `cutoff`, whose every gift was
    never paid and started before `cutoff`, whose monthly gifts never charged,
    and who were never sent a statement."""
    paid = Donation.objects.exclude(status__in=UNPAID_STATUSES).values("donor_id")
    recent = Donation.objects.filter(created_at__gte=cutoff).values("donor_id")
    charged = RecurringGift.objects.filter(
        Q(created_at__gte=cutoff)
        | ~Q(status__in=[RecurringGift.Status.PENDING, RecurringGift.Status.CANCELLED])
        | Q(donations__isnull=False)
    ).values("donor_id")
    return (
        Donor.objects.filter(created_at__lt=cutoff)
        .exclude(email__endswith=f"@{ERASED_DOMAIN}")
        .exclude(pk__in=paid)
        .exclude(pk__in=recent)
        .exclude(pk__in=charged)
        .exclude(statements__isnull=False)
        .order_by("pk")
    )


def _has_details() -> Q:
    return (
        ~Q(dedication_name__in=["", ERASED])
        | ~Q(dedication_notify_email="")
        | Q(show_on_wall=True)
    )


def donations_forget_unpaid(
    *, now: datetime | None = None, days: int | None = None
) -> tuple[int, int]:
    """Erase the details of gifts never paid, started more than `days` ago
    (`DONATIONS_UNPAID_RETENTION_DAYS`): the honoree and staff notes of each
    such gift, and the donor's name and email when the donor never completed
    any gift. Returns (gifts, donors) this call changed: (0, 0) on a second run.
    """
    now = now or timezone.now()
    if days is None:
        days = settings.DONATIONS_UNPAID_RETENTION_DAYS
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError("The retention period must be a whole number of days >= 1.")
    cutoff = now - timedelta(days=days)
    with transaction.atomic():
        donation_ids = list(
            Donation.objects.filter(status__in=UNPAID_STATUSES, created_at__lt=cutoff)
            .filter(_has_details() | ~Q(note__in=["", ERASED]))
            .values_list("pk", flat=True)
        )
        donations = Donation.objects.filter(pk__in=donation_ids)
        donations.exclude(dedication_name="").update(dedication_name=ERASED)
        donations.exclude(note="").update(note=ERASED)
        donations.update(**_choices_erased())
        gift_ids = list(
            RecurringGift.objects.filter(
                status__in=[
                    RecurringGift.Status.PENDING,
                    RecurringGift.Status.CANCELLED,
                ],
                created_at__lt=cutoff,
                donations__isnull=True,
            )
            .filter(_has_details())
            .values_list("pk", flat=True)
        )
        gifts = RecurringGift.objects.filter(pk__in=gift_ids)
        gifts.exclude(dedication_name="").update(dedication_name=ERASED)
        gifts.update(**_choices_erased())
        donors = 0
        for donor in _never_paid_donors(cutoff):
            _erase_gifts(donor)
            Donor.objects.filter(pk=donor.pk).update(
                email=erased_email(donor.pk), name=ERASED
            )
            donors += 1
    return len(donation_ids) + len(gift_ids), donors
