"""
Monthly gifts: the promise (`RecurringGift`) and each month's charge (a
`Donation` per invoice, with its own receipt).

The gateway tells us, in any order and sometimes twice:
- the checkout completed ("paid"): the gift is active, we learn its
  subscription and customer ids;
- each invoice paid ("invoice_paid", the first one included): one gift per
  invoice (the invoice id is unique), numbered and receipted once;
- an invoice failed ("invoice_failed"): the gift is past due, the gateway retries;
- the subscription changed or ended ("subscription_updated" / "_cancelled"):
  an event older than the last one applied is ignored.

A donor manages the gift without an account, through a signed link in every
receipt (`manage_token`); staff can cancel on a donor's behalf.
"""

import logging
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.emails import email_send_templated
from core.links import absolute_url
from core.tasks import EmailNotSent, enqueue_on_commit, locked_for_send
from donations.fees import fee_to_cover
from donations.models import Donation, Frequency, RecurringGift
from donations.services.offline import (
    DonationError,
    check_amount,
    donation_assign_receipt_number,
    donor_get_or_create,
    send_receipt_after_commit,
)
from donations.services.outcomes import GiftChoice, payment_lines
from payments.checkout import CheckoutRequest, checkout_open
from payments.exceptions import PaymentError
from payments.registry import CheckoutOutcome
from payments.subscriptions import billing_portal_url, subscription_cancel

logger = logging.getLogger(__name__)

RECURRING_KIND = "recurring_gift"  # the payments registry's key for monthly gifts
_MANAGE_SALT = "donations.manage-monthly-gift"

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


# ---------------------------------------------------------------------------
# Starting a monthly gift
# ---------------------------------------------------------------------------
def recurring_gift_checkout(
    *, choice: GiftChoice, success_url: str, cancel_url: str
) -> str:
    """Create the pending monthly gift, open its payment page (a monthly
    subscription) and say where to send the donor."""
    amount = check_amount(choice.amount)
    if amount < settings.DONATION_MINIMUM:
        raise DonationError(
            f"The smallest gift we can take online is ${settings.DONATION_MINIMUM}."
        )
    fee_covered = fee_to_cover(amount) if choice.cover_fee else Decimal("0.00")
    with transaction.atomic():
        donor = donor_get_or_create(email=choice.email, name=choice.name)
        gift = RecurringGift.objects.create(
            donor=donor,
            amount=amount,
            fee_covered=fee_covered,
            dedication=choice.dedication,
            dedication_name=choice.dedication_name,
            dedication_notify_email=choice.dedication_notify_email,
            is_anonymous=choice.is_anonymous,
            show_on_wall=choice.show_on_wall,
        )
    request = CheckoutRequest(
        kind=RECURRING_KIND,
        reference=gift.reference,
        line_items=payment_lines(
            amount=gift.amount, fee_covered=gift.fee_covered, monthly=True
        ),
        customer_email=donor.email,
        success_url=success_url,
        cancel_url=cancel_url,
        total=gift.charged_amount,
        recurring_interval="month",
    )
    try:
        redirect = checkout_open(request)
    except PaymentError:
        RecurringGift.objects.filter(
            pk=gift.pk, status=RecurringGift.Status.PENDING
        ).update(status=RecurringGift.Status.CANCELLED, cancelled_at=timezone.now())
        raise
    RecurringGift.objects.filter(pk=gift.pk, checkout_session_id__isnull=True).update(
        checkout_session_id=redirect.session_id
    )
    return redirect.url


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


# ---------------------------------------------------------------------------
# What the gateway tells us
# ---------------------------------------------------------------------------
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
        donation_assign_receipt_number(donation=donation)
        donation_id = donation.pk
        transaction.on_commit(
            lambda: send_receipt_after_commit(donation_id), robust=True
        )
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
        _mark_ended(gift, status_changed_at=outcome.occurred_at or timezone.now())
        gift.refresh_from_db()
    return gift


# ---------------------------------------------------------------------------
# The donor's (or staff's) own actions
# ---------------------------------------------------------------------------
def manage_token(gift: RecurringGift) -> str:
    """The same token in every receipt of a gift (signed, not timestamped)."""
    return signing.Signer(salt=_MANAGE_SALT).sign_object(gift.pk)


def manage_url(gift: RecurringGift) -> str:
    return absolute_url(reverse("donations:manage", args=[manage_token(gift)]))


def gift_from_manage_token(token: str) -> RecurringGift | None:
    """The gift a signed link names; None for a forged or tampered link."""
    try:
        pk = signing.Signer(salt=_MANAGE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(pk, int):
        return None
    return RecurringGift.objects.select_related("donor").filter(pk=pk).first()


def recurring_gift_cancel(*, gift: RecurringGift) -> bool:
    """Stop a monthly gift at the gateway and here, and email the donor that it
    ended (after the commit). Cancelling twice changes nothing and sends one
    email; returns whether this call cancelled it."""
    if gift.status == RecurringGift.Status.CANCELLED:
        return False
    if gift.subscription_id:
        subscription_cancel(subscription_id=gift.subscription_id)
    with transaction.atomic():
        changed = _mark_ended(gift)
    gift.refresh_from_db()
    return changed


# A gift that was charging (or trying to): its end is news to the donor. One
# that never got its first payment ends without an email.
GIVING = (RecurringGift.Status.ACTIVE, RecurringGift.Status.PAST_DUE)


def _mark_ended(gift: RecurringGift, **fields: object) -> bool:
    """Mark the gift cancelled, once (a guarded update), and when it was giving,
    queue the donor's email for after the commit. Inside a transaction; returns
    whether this call ended it."""
    from donations.tasks import send_monthly_gift_cancelled  # tasks imports us

    changed = (
        RecurringGift.objects.filter(pk=gift.pk)
        .exclude(status=RecurringGift.Status.CANCELLED)
        .update(
            status=RecurringGift.Status.CANCELLED,
            cancelled_at=timezone.now(),
            next_charge_date=None,
            **fields,
        )
    )
    if changed and gift.status in GIVING:
        enqueue_on_commit(send_monthly_gift_cancelled, gift_id=gift.pk)
    return bool(changed)


def recurring_gift_send_cancelled(
    *, gift_id: int, raise_on_failure: bool = False
) -> bool:
    """Email the donor that their monthly gift ended (once: the gift's
    `cancellation_email_sent_at`, checked under a row lock). Returns whether it
    was sent; a failure is logged and leaves the mark empty."""
    with locked_for_send():
        gift = (
            RecurringGift.objects.select_for_update(of=("self",))
            .select_related("donor")
            .get(pk=gift_id)
        )
        if (
            gift.status != RecurringGift.Status.CANCELLED
            or gift.cancellation_email_sent_at is not None
            or not gift.donor.email
        ):
            return False
        context = {
            "gift": gift,
            "donor": gift.donor,
            "donate_url": absolute_url(reverse("donations:donate")),
        }
        try:
            email_send_templated(
                template="monthly_gift_cancelled",
                subject=_("Your monthly gift to Redeeming Hope is canceled"),
                to=[gift.donor.email],
                context=context,
            )
        except Exception as error:
            logger.exception(
                "Could not send the cancellation of monthly gift %s", gift.pk
            )
            if raise_on_failure:
                raise EmailNotSent(gift.pk) from error
            return False
        RecurringGift.objects.filter(pk=gift.pk).update(
            cancellation_email_sent_at=timezone.now()
        )
    return True


def recurring_gift_card_change_url(*, gift: RecurringGift, return_url: str) -> str:
    """Where the donor changes their card (the gateway's billing portal)."""
    if not gift.customer_id or gift.status == RecurringGift.Status.CANCELLED:
        raise DonationError("This monthly gift has no card on file to change.")
    return billing_portal_url(customer_id=gift.customer_id, return_url=return_url)
