"""
Opening a Stripe Checkout Session: what is sent, and what is kept of the answer.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from core.money import to_minor_units
from payments import gateways
from payments.errors import PaymentError
from payments.registry import CheckoutRequest
from payments.validation import (
    clean_checkout_session_id,
    clean_expandable_id,
)

logger = logging.getLogger(__name__)


def failed_message() -> str:
    return _(
        "We could not start the payment. Nothing was charged. "
        "Please try again in a few minutes."
    )


def _stripe_line(
    name: str,
    amount: Decimal,
    quantity: int,
    description: str = "",
    interval: str | None = None,
) -> dict[str, Any]:
    product_data: dict[str, str] = {"name": name}
    if description:
        product_data["description"] = description
    price_data: dict[str, Any] = {
        "currency": settings.CURRENCY,
        "unit_amount": to_minor_units(amount),
        "product_data": product_data,
    }
    if interval:
        price_data["recurring"] = {"interval": interval}
    return {"price_data": price_data, "quantity": quantity}


def _stripe_params(request: CheckoutRequest, expires_at: datetime) -> dict[str, Any]:
    """
    The Checkout Session as Stripe wants it: amounts in cents, prices inline.

    Shipping goes in `shipping_options` (a fixed-amount rate), not as a product:
    Stripe then shows it as shipping and reports it apart (`shipping_cost`), as
    the order stores it. Sales tax is computed by the shop (no Stripe Tax) and
    sent as its own line item, so the buyer sees it on its own line.

    A monthly gift is a subscription: every line gets a monthly price (made
    inline, so no Price objects to keep in step), and the metadata goes on the
    subscription too, so that each invoice names whose gift it is. Shipping and
    tax were refused earlier for it.
    """
    metadata = {"kind": request.kind, "reference": request.reference}
    interval = request.recurring_interval
    items = [
        _stripe_line(
            item.name, item.unit_amount, item.quantity, item.description, interval
        )
        for item in request.line_items
    ]
    if request.tax_amount > 0:
        items.append(
            _stripe_line(request.tax_label or _("Sales tax"), request.tax_amount, 1)
        )
    params: dict[str, Any] = {
        "mode": "subscription" if interval else "payment",
        "line_items": items,
        "customer_email": request.customer_email,
        "client_reference_id": request.reference,
        "metadata": metadata,
        "success_url": request.success_url,
        "cancel_url": request.cancel_url,
        "expires_at": int(expires_at.timestamp()),
    }
    if interval:
        params["subscription_data"] = {"metadata": dict(metadata)}
        return params
    params["payment_intent_data"] = {"metadata": dict(metadata)}
    if request.shipping_amount > 0 or request.shipping_label:
        params["shipping_options"] = [
            {
                "shipping_rate_data": {
                    "type": "fixed_amount",
                    "display_name": request.shipping_label or _("Shipping"),
                    "fixed_amount": {
                        "amount": to_minor_units(request.shipping_amount),
                        "currency": settings.CURRENCY,
                    },
                }
            }
        ]
    return params


@dataclass(frozen=True, kw_only=True)
class Opened:
    session_id: str
    payment_intent_id: str
    url: str
    livemode: bool = False


def stripe_session_create(
    request: CheckoutRequest, *, idempotency_key: str, expires_at: datetime
) -> Opened:
    """Create the session at Stripe; `PaymentError` when it cannot be had."""
    try:
        session = gateways.create_checkout_session(
            _stripe_params(request, expires_at), idempotency_key=idempotency_key
        )
    except gateways.GatewayError as error:
        logger.error(
            "Stripe refused checkout %s %s (%s, HTTP %s): %s",
            request.kind,
            request.reference,
            error.code or "no code",
            error.status,
            error,
        )
        raise PaymentError(failed_message()) from error
    session_id = clean_checkout_session_id(session.get("id"))
    url = session.get("url")
    if not session_id or not isinstance(url, str) or not url:
        # Not the whole answer: it holds the buyer's email and address.
        logger.error(
            "Stripe answered checkout %s %s without id or url (id %r).",
            request.kind,
            request.reference,
            session.get("id"),
        )
        raise PaymentError(failed_message())
    if session.get("amount_total") != to_minor_units(request.total):
        logger.warning(
            "Stripe session %s totals %r cents, we asked for %s.",
            session_id,
            session.get("amount_total"),
            to_minor_units(request.total),
        )
    return Opened(
        session_id=session_id,
        payment_intent_id=clean_expandable_id(session.get("payment_intent")),
        url=url,
        livemode=session.get("livemode") is True,
    )
