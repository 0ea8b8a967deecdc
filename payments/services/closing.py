"""
Closing a payment page that must no longer take money: the shop replaced the
order it was for, the buyer came back through the cancel link, or the order's
hold on its stock is over. Stripe then refuses to take a payment on it, so one
cart can never be paid twice, and what the page held is given back only once
no payment can come through it any more (`checkout_end`).
"""

import logging

from django.db import transaction
from django.utils import timezone

from payments import gateways
from payments.models import CheckoutSession
from payments.validation import clean_checkout_session_id

logger = logging.getLogger(__name__)


def checkout_close(*, session_id: str) -> bool:
    """Close the session if it is still open; True when it is closed now (by
    this call or before). Never raises: a page that could not be closed is
    logged, and a payment made on it anyway arrives as a late payment, which
    the app that opened it already handles (it takes the stock again or asks
    staff to refund). Call it outside any transaction: it may wait on Stripe."""
    session_id = clean_checkout_session_id(session_id)
    if not session_id:
        return False
    record = CheckoutSession.objects.filter(session_id=session_id).first()
    if record is None:
        return False
    if record.status != CheckoutSession.Status.OPEN:
        return record.status == CheckoutSession.Status.EXPIRED
    if record.gateway == CheckoutSession.Gateway.STRIPE:
        if not gateways.stripe_enabled():
            return False
        status = _expire_at_stripe(session_id)
        if status != "expired":
            if status:
                logger.warning(
                    "Checkout %s is %s at Stripe, not expired.", session_id, status
                )
            return False
    with transaction.atomic():
        closed = CheckoutSession.objects.filter(
            pk=record.pk, status=CheckoutSession.Status.OPEN
        ).update(
            status=CheckoutSession.Status.EXPIRED,
            completed_at=timezone.now(),
        )
    if closed:
        logger.info(
            "Checkout %s closed (%s %s).", session_id, record.kind, record.reference
        )
    return True


def _expire_at_stripe(session_id: str) -> str:
    """Ask Stripe to expire the session; its status at Stripe afterwards
    ("expired", "complete", "open"), or "" when Stripe could not be asked.
    Stripe refuses to expire a session that is no longer open (it expired by
    itself and the webhook has not come, or it was just paid): then its
    status is asked for, so an expired page counts as closed and a paid one
    never does."""
    try:
        return str(gateways.expire_checkout_session(session_id).get("status") or "")
    except gateways.GatewayError as error:
        logger.warning("Could not close checkout %s: %s", session_id, error)
    try:
        return str(gateways.retrieve_checkout_session(session_id).get("status") or "")
    except gateways.GatewayError as error:
        logger.warning("Could not look up checkout %s: %s", session_id, error)
        return ""


def checkout_end(*, session_id: str) -> bool:
    """Before giving back what a payment page held: close the page if it is
    still open, and say whether no payment can come through it any more.

    True when the page is closed (now or before), its payment failed, or it is
    not a page of ours (an empty or unknown id: nothing can be paid there).
    False while it may still take money (it could not be closed: Stripe is out
    of reach) or has taken it (paid, or a bank payment still processing: the
    outcome is on its way), so the caller keeps holding and tries again later.
    Never raises; call it outside any transaction."""
    cleaned = clean_checkout_session_id(session_id)
    record = None
    if cleaned:
        record = CheckoutSession.objects.filter(session_id=cleaned).first()
    if record is None:
        return True
    ended = (CheckoutSession.Status.EXPIRED, CheckoutSession.Status.FAILED)
    if record.status in ended:
        return True
    if record.status != CheckoutSession.Status.OPEN:
        return False  # paid, processing, under review or refunded: money came
    return checkout_close(session_id=cleaned)
