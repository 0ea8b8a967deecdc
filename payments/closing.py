"""
Closing a payment page that must no longer take money: the shop replaced the
order it was for, or the buyer came back through the cancel link. Stripe then
refuses to take a payment on it, so one cart can never be paid twice.
"""

import logging

from django.db import transaction
from django.utils import timezone

from payments import gateways
from payments.models import CheckoutSession
from payments.validation import clean_id

logger = logging.getLogger(__name__)


def checkout_close(*, session_id: str) -> bool:
    """Close the session if it is still open; True when it is closed now (by
    this call or before). Never raises: a page that could not be closed is
    logged, and a payment made on it anyway arrives as a late payment, which
    the app that opened it already handles (it takes the stock again or asks
    staff to refund). Call it outside any transaction: it may wait on Stripe."""
    session_id = clean_id(session_id, prefix="cs_")
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
        try:
            answer = gateways.expire_checkout_session(session_id)
        except gateways.GatewayError as error:
            logger.warning("Could not close checkout %s: %s", session_id, error)
            return False
        if answer.get("status") != "expired":
            logger.warning(
                "Checkout %s is %s at Stripe, not expired.",
                session_id,
                answer.get("status"),
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
