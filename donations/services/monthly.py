"""
Monthly gifts: the promise (`RecurringGift`), started online like a one-time
gift (`donations.services.gifts`), then charged each month (a `Donation` per
invoice, with its own receipt; what the gateway reports is applied by
`donations.services.outcomes`).

A donor manages the gift without an account, through a signed link in every
receipt (`manage_token`); staff can cancel on a donor's behalf. When a gift that
was giving ends, the donor gets one email (`send_monthly_gift_cancelled`).
"""

import logging

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.emails import email_send_for_record
from core.links import absolute_url
from core.tasks import email_task, enqueue_on_commit, locked_for_send
from donations.errors import DonationError
from donations.models import RecurringGift
from donations.services.gifts import GiftChoice, gift_checkout_open, gift_fields
from payments.services.subscriptions import billing_portal_url, subscription_cancel

logger = logging.getLogger(__name__)

RECURRING_KIND = "recurring_gift"  # the payments registry's key for monthly gifts
_MANAGE_SALT = "donations.manage-monthly-gift"


# ---------------------------------------------------------------------------
# Starting a monthly gift
# ---------------------------------------------------------------------------
def recurring_gift_checkout(
    *, choice: GiftChoice, success_url: str, cancel_url: str
) -> str:
    """Create the pending monthly gift, open its payment page (a monthly
    subscription) and say where to send the donor."""
    with transaction.atomic():
        gift = RecurringGift.objects.create(**gift_fields(choice=choice))
    return gift_checkout_open(
        gift=gift,
        kind=RECURRING_KIND,
        success_url=success_url,
        cancel_url=cancel_url,
    )


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
        changed = recurring_gift_mark_ended(gift)
    gift.refresh_from_db()
    return changed


# A gift that was charging (or trying to): its end is news to the donor. One
# that never got its first payment ends without an email.
GIVING = (RecurringGift.Status.ACTIVE, RecurringGift.Status.PAST_DUE)


def recurring_gift_mark_ended(gift: RecurringGift, **fields: object) -> bool:
    """Mark the gift cancelled, once (a guarded update), and when it was giving,
    queue the donor's email for after the commit. Inside a transaction; returns
    whether this call ended it."""
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
        if not email_send_for_record(
            template="monthly_gift_cancelled",
            subject=_("Your monthly gift to Redeeming Hope is canceled"),
            to=[gift.donor.email],
            context=context,
            record_id=gift.pk,
            failure="Could not send the cancellation of monthly gift %s",
            log=logger,
            raise_on_failure=raise_on_failure,
        ):
            return False
        RecurringGift.objects.filter(pk=gift.pk).update(
            cancellation_email_sent_at=timezone.now()
        )
    return True


@email_task
def send_monthly_gift_cancelled(gift_id: int) -> bool:
    return recurring_gift_send_cancelled(gift_id=gift_id, raise_on_failure=True)


def recurring_gift_card_change_url(*, gift: RecurringGift, return_url: str) -> str:
    """Where the donor changes their card (the gateway's billing portal)."""
    if not gift.customer_id or gift.status == RecurringGift.Status.CANCELLED:
        raise DonationError("This monthly gift has no card on file to change.")
    return billing_portal_url(customer_id=gift.customer_id, return_url=return_url)
