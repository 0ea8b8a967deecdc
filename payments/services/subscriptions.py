"""
Monthly gifts after they start: the billing portal and cancelling.

Stripe's customer portal lets a donor change the card of a monthly gift, see
its charges and cancel it; `billing_portal_url` opens a session of it for one
customer. `subscription_cancel` ends a monthly gift now (no further charge).
With the local test gateway both are played locally: a test page that changes
nothing, and a "subscription_cancelled" dispatched at once. The next month of
a local gift is `local_subscription_charge` (also `manage.py
payments_local_renew`).

What follows a cancel (the subscription's status) reaches the handler as a
`subscription_cancelled` outcome, from Stripe's `customer.subscription.deleted`
event or from the local gateway; nothing here tells it directly.
"""

import logging
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from payments import gateways
from payments.errors import PaymentError
from payments.local_portal import local_billing_portal_url
from payments.models import CheckoutSession
from payments.services.invoices import CANCELED
from payments.services.local_gateway import (
    local_gateway_enabled,
    local_subscription_cancel,
    local_subscription_charge,
    unavailable_message,
)
from payments.validation import clean_id

__all__ = ["billing_portal_url", "local_subscription_charge", "subscription_cancel"]

logger = logging.getLogger(__name__)


def portal_failed_message() -> str:
    return _(
        "We could not open the page to manage your monthly gift. Nothing was "
        "changed. Please try again in a few minutes."
    )


def cancel_failed_message() -> str:
    return _(
        "We could not cancel the monthly gift just now. Please try again in a few "
        "minutes, or contact us and we will cancel it for you."
    )


def billing_portal_url(*, customer_id: str, return_url: str) -> str:
    """
    Where to send a donor to manage their monthly gifts: a Stripe customer
    portal session that comes back to `return_url` (absolute; on this site),
    or the local test gateway's stand-in page. `PaymentError` (safe to show)
    when the gateway fails or there is none; ValueError for a malformed id or URL.
    """
    if not clean_id(customer_id, prefix="cus_"):
        raise ValueError(f"{customer_id!r} is not a customer id.")
    parts = urlsplit(return_url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"return_url must be an absolute http(s) URL: {return_url!r}")
    if gateways.stripe_enabled():
        try:
            return gateways.create_billing_portal_session(
                customer_id=customer_id, return_url=return_url
            )
        except gateways.GatewayError as error:
            logger.error(
                "Stripe refused a portal session for %s (%s, HTTP %s): %s",
                customer_id,
                error.code or "no code",
                error.status,
                error,
            )
            raise PaymentError(portal_failed_message()) from error
    if local_gateway_enabled():
        return local_billing_portal_url(customer_id=customer_id, return_url=return_url)
    raise PaymentError(unavailable_message())


def subscription_cancel(*, subscription_id: str) -> None:
    """
    Cancel a monthly gift now. Idempotent: a subscription already cancelled is
    fine. `PaymentError` (safe to show) when the gateway fails or there is none,
    or the local gateway has no such subscription; ValueError for a malformed id.
    """
    if not clean_id(subscription_id, prefix="sub_"):
        raise ValueError(f"{subscription_id!r} is not a subscription id.")
    if gateways.stripe_enabled():
        _stripe_cancel(subscription_id)
    elif local_gateway_enabled():
        try:
            local_subscription_cancel(subscription_id=subscription_id)
        except CheckoutSession.DoesNotExist:
            logger.error("No local subscription %s to cancel.", subscription_id)
            raise PaymentError(cancel_failed_message()) from None
    else:
        raise PaymentError(unavailable_message())


def _stripe_cancel(subscription_id: str) -> None:
    try:
        gateways.cancel_subscription(subscription_id)
        return
    except gateways.GatewayError as error:
        failure = error
    # Cancelling twice is refused by Stripe; if it is cancelled, all is well.
    try:
        status = gateways.retrieve_subscription(subscription_id).get("status")
    except gateways.GatewayError:
        status = None
    if status == CANCELED:
        logger.info("Subscription %s was already canceled.", subscription_id)
        return
    logger.error(
        "Stripe refused to cancel %s (%s, HTTP %s): %s",
        subscription_id,
        failure.code or "no code",
        failure.status,
        failure,
    )
    raise PaymentError(cancel_failed_message()) from failure
