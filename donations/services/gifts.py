"""
One-time gifts made online, and what every online gift shares with a monthly
one (`donations.services.monthly`): the donor's cleaned choice (`GiftChoice`),
the checks of its amount, the lines of its payment page and the opening of that
page through `payments` (`gift_checkout_open`).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.money import CENT, ZERO
from donations.errors import DonationError
from donations.fees import fee_to_cover
from donations.models import Donation, Frequency, RecurringGift
from donations.services.donors import donor_get_or_create
from payments.errors import PaymentError
from payments.registry import CheckoutRequest, LineItem
from payments.services.checkout import checkout_open

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


def gift_fields(*, choice: GiftChoice) -> dict[str, object]:
    """What a new online gift (one-time or monthly) takes from the donor's
    choice: the checked amount, the fee cover computed here again from the
    settings (never taken from the browser), the donor and their choices. Call
    it inside the transaction that creates the gift."""
    amount = check_amount(choice.amount)
    if amount < settings.DONATION_MINIMUM:
        raise DonationError(
            f"The smallest gift we can take online is ${settings.DONATION_MINIMUM}."
        )
    fee_covered = fee_to_cover(amount) if choice.cover_fee else ZERO
    return {
        "donor": donor_get_or_create(email=choice.email, name=choice.name),
        "amount": amount,
        "fee_covered": fee_covered,
        "dedication": choice.dedication,
        "dedication_name": choice.dedication_name,
        "dedication_notify_email": choice.dedication_notify_email,
        "is_anonymous": choice.is_anonymous,
        "show_on_wall": choice.show_on_wall,
    }


def donation_create_pending(*, choice: GiftChoice) -> Donation:
    """A one-time gift waiting for its payment."""
    with transaction.atomic():
        return Donation.objects.create(
            frequency=Frequency.ONE_TIME, **gift_fields(choice=choice)
        )


def gift_checkout_open(
    *,
    gift: Donation | RecurringGift,
    kind: str,
    success_url: str,
    cancel_url: str,
) -> str:
    """Open the payment page of a pending gift (a monthly subscription for a
    `RecurringGift`) and say where to send the donor. When the page cannot be
    opened nothing was charged: a one-time gift is marked failed, a monthly one
    canceled, and `PaymentError` says so in words for the donor."""
    monthly = isinstance(gift, RecurringGift)
    request = CheckoutRequest(
        kind=kind,
        reference=gift.reference,
        line_items=payment_lines(
            amount=gift.amount, fee_covered=gift.fee_covered, monthly=monthly
        ),
        customer_email=gift.donor.email,
        success_url=success_url,
        cancel_url=cancel_url,
        total=gift.charged_amount,
        recurring_interval="month" if monthly else None,
    )
    try:
        redirect = checkout_open(request)
    except PaymentError:
        if isinstance(gift, RecurringGift):
            RecurringGift.objects.filter(
                pk=gift.pk, status=RecurringGift.Status.PENDING
            ).update(status=RecurringGift.Status.CANCELLED, cancelled_at=timezone.now())
        else:
            Donation.objects.filter(pk=gift.pk, status=Donation.Status.PENDING).update(
                status=Donation.Status.FAILED
            )
        raise
    type(gift).objects.filter(pk=gift.pk, checkout_session_id__isnull=True).update(
        checkout_session_id=redirect.session_id
    )
    return redirect.url


def donation_checkout(*, choice: GiftChoice, success_url: str, cancel_url: str) -> str:
    """Create the pending one-time gift, open its payment page, and say where
    to send the donor (see `gift_checkout_open`)."""
    donation = donation_create_pending(choice=choice)
    return gift_checkout_open(
        gift=donation,
        kind=DONATION_KIND,
        success_url=success_url,
        cancel_url=cancel_url,
    )
