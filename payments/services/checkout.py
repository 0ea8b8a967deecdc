"""
Opening a checkout, and asking how it went from a success page.

What a caller asks for travels as one `CheckoutRequest` (`payments.registry`).
The caller (the shop, donations) states the total it computed from its own
records; `checkout_open` refuses a request whose lines, shipping and tax do not
add up to it, so a rounding slip or a tampered figure can never reach a payment
page.

Two gateways sit behind it: Stripe Checkout when `STRIPE_SECRET_KEY` is set,
else the local test gateway (`payments.services.local_gateway`) when it is
allowed.
"""

import logging
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from core.money import to_minor_units
from payments import gateways
from payments.errors import PaymentError
from payments.models import CheckoutSession
from payments.registry import (
    CheckoutOutcome,
    CheckoutRedirect,
    CheckoutRequest,
    LineItem,
    get_checkout_handler,
)
from payments.services.dispatch import checkout_dispatch
from payments.services.events import paid_session_outcome
from payments.services.local_gateway import (
    local_checkout_confirm,
    local_gateway_enabled,
    local_session_new,
    unavailable_message,
)
from payments.services.stripe_checkout import Opened, stripe_session_create
from payments.validation import LOCAL_SESSION_PREFIX, clean_checkout_session_id

logger = logging.getLogger(__name__)

# Stripe accepts expires_at from 30 minutes to 24 hours after it creates the
# session, measured by its own clock a moment after ours: keep clear of both ends.
MIN_EXPIRES_IN = timedelta(minutes=30)
MAX_EXPIRES_IN = timedelta(hours=24)
_EXPIRY_MARGIN = timedelta(minutes=1)


# ---------------------------------------------------------------------------
# Checking the request
# ---------------------------------------------------------------------------
def _require_money(value: object, what: str, *, positive: bool) -> Decimal:
    if not isinstance(value, Decimal):
        raise TypeError(f"{what} must be a Decimal, not {type(value).__name__}.")
    if not value.is_finite() or value < 0 or (positive and value == 0):
        raise ValueError(f"{what} must be {'positive' if positive else '>= 0'}.")
    to_minor_units(value)  # refuses fractions of a cent
    return value


def _require_absolute_url(url: str, what: str) -> None:
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{what} must be an absolute http(s) URL, not {url!r}.")


def _validate(request: CheckoutRequest) -> None:
    """ValueError/TypeError for a request no gateway should see (a caller's bug)."""
    if not request.kind or len(request.kind) > 40:
        raise ValueError("kind must be 1 to 40 characters.")
    if not request.reference or len(request.reference) > 100:
        raise ValueError("reference must be 1 to 100 characters.")
    get_checkout_handler(request.kind)  # LookupError: nobody would hear how it ends
    if not request.line_items:
        raise ValueError("A checkout needs at least one line item.")
    for item in request.line_items:
        if not item.name:
            raise ValueError("Every line item needs a name.")
        _require_money(item.unit_amount, f"unit_amount of {item.name!r}", positive=True)
        if isinstance(item.quantity, bool) or not isinstance(item.quantity, int):
            raise TypeError(f"quantity of {item.name!r} must be an int.")
        if item.quantity < 1:
            raise ValueError(f"quantity of {item.name!r} must be at least 1.")
    _require_money(request.shipping_amount, "shipping_amount", positive=False)
    _require_money(request.tax_amount, "tax_amount", positive=False)
    _require_money(request.total, "total", positive=True)
    if request.computed_total != request.total:
        raise ValueError(
            f"Checkout {request.kind} {request.reference}: the lines, shipping and "
            f"tax add up to {request.computed_total}, not the stated {request.total}."
        )
    try:
        validate_email(request.customer_email)
    except ValidationError:
        raise ValueError(
            f"{request.customer_email!r} is not an email address."
        ) from None
    _require_absolute_url(request.success_url, "success_url")
    _require_absolute_url(request.cancel_url, "cancel_url")
    if not MIN_EXPIRES_IN <= request.expires_in <= MAX_EXPIRES_IN:
        raise ValueError("expires_in must be between 30 minutes and 24 hours.")
    if request.recurring_interval not in (None, "month"):
        raise ValueError("recurring_interval must be None or 'month'.")
    if request.recurring_interval and (
        request.shipping_amount
        or request.shipping_label
        or request.tax_amount
        or request.tax_label
    ):
        raise ValueError("A monthly checkout has no shipping or tax.")


def _expires_at(now: datetime, expires_in: timedelta) -> datetime:
    expires_at = now + expires_in
    expires_at = max(expires_at, now + MIN_EXPIRES_IN + _EXPIRY_MARGIN)
    expires_at = min(expires_at, now + MAX_EXPIRES_IN - _EXPIRY_MARGIN)
    return expires_at.replace(microsecond=0)


# ---------------------------------------------------------------------------
# Opening
# ---------------------------------------------------------------------------
def _reusable_session(
    request: CheckoutRequest, *, gateway: str, now: datetime
) -> CheckoutSession | None:
    return (
        CheckoutSession.objects.filter(
            kind=request.kind,
            reference=request.reference,
            gateway=gateway,
            amount_total=request.total,
            recurring_interval=request.recurring_interval or "",
            status=CheckoutSession.Status.OPEN,
            expires_at__gt=now,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def checkout_open(request: CheckoutRequest) -> CheckoutRedirect:
    """
    Open a Checkout Session for `request` and say where to send the buyer.

    Idempotent: while a session for the same kind, reference and amount is still
    open, it is returned again instead of opening a second one (a buyer who
    comes back and presses "Pay" twice can never pay twice). A new Stripe
    session gets the idempotency key `checkout-<kind>-<reference>-<cents>-<n>`
    (`...-<cents>-month-<n>` for a monthly gift),
    where n counts the earlier sessions for that reference and amount: a retried
    request reuses Stripe's answer, a changed amount or a new attempt after an
    expiry never does.

    Invalid requests raise ValueError/TypeError (a bug in the caller); a gateway
    failure, or no gateway at all, raises `PaymentError`, whose text is safe to
    show to the buyer. Never call this inside a transaction that holds row
    locks: it waits on the network.
    """
    _validate(request)
    if gateways.stripe_enabled():
        gateway = CheckoutSession.Gateway.STRIPE
    elif local_gateway_enabled():
        gateway = CheckoutSession.Gateway.LOCAL
    else:
        logger.error(
            "Checkout %s %s refused: no payment gateway (set STRIPE_SECRET_KEY, or "
            "PAYMENTS_LOCAL_GATEWAY for development).",
            request.kind,
            request.reference,
        )
        raise PaymentError(unavailable_message())

    now = timezone.now()
    existing = _reusable_session(request, gateway=gateway, now=now)
    if existing is not None:
        return _redirect(existing)
    attempt = CheckoutSession.objects.filter(
        kind=request.kind, reference=request.reference, amount_total=request.total
    ).count()
    cents = to_minor_units(request.total)
    interval = f"-{request.recurring_interval}" if request.recurring_interval else ""
    idempotency_key = (
        f"checkout-{request.kind}-{request.reference}-{cents}{interval}-{attempt}"
    )
    expires_at = _expires_at(now, request.expires_in)
    if gateway == CheckoutSession.Gateway.STRIPE:
        try:
            opened = stripe_session_create(
                request, idempotency_key=idempotency_key, expires_at=expires_at
            )
        except PaymentError as error:
            cause = error.__cause__
            if isinstance(cause, gateways.GatewayError) and (
                cause.code == "idempotency_error"
            ):
                # The same key with other parameters: a concurrent request for
                # the same checkout got there first. Its session is what we want.
                existing = _reusable_session(request, gateway=gateway, now=now)
                if existing is not None:
                    return _redirect(existing)
            raise
    else:
        local = local_session_new(base_url=request.success_url)
        opened = Opened(
            session_id=local.session_id,
            payment_intent_id=local.payment_intent_id,
            url=local.url,
        )
    record = _record_opened(
        request,
        opened,
        gateway=gateway,
        idempotency_key=idempotency_key,
        expires_at=expires_at,
    )
    logger.info(
        "Checkout %s opened for %s %s (%s).",
        record.session_id,
        request.kind,
        request.reference,
        gateway,
    )
    return _redirect(record)


def _redirect(record: CheckoutSession) -> CheckoutRedirect:
    return CheckoutRedirect(
        session_id=record.session_id, url=record.url, expires_at=record.expires_at
    )


def _record_opened(
    request: CheckoutRequest,
    opened: Opened,
    *,
    gateway: str,
    idempotency_key: str,
    expires_at: datetime,
) -> CheckoutSession:
    with transaction.atomic():
        record, _created = CheckoutSession.objects.get_or_create(
            session_id=opened.session_id,
            defaults={
                "kind": request.kind,
                "reference": request.reference,
                "payment_intent_id": opened.payment_intent_id,
                "gateway": gateway,
                "livemode": opened.livemode,
                "currency": settings.CURRENCY,
                "amount_total": request.total,
                "recurring_interval": request.recurring_interval or "",
                "shipping_amount": request.shipping_amount,
                "shipping_label": request.shipping_label,
                "tax_amount": request.tax_amount,
                "tax_label": request.tax_label,
                "line_items": [_line_snapshot(item) for item in request.line_items],
                "customer_email": request.customer_email,
                "url": opened.url,
                "success_url": request.success_url,
                "cancel_url": request.cancel_url,
                "idempotency_key": idempotency_key,
                "expires_at": expires_at,
            },
        )
    return record


def _line_snapshot(item: LineItem) -> dict[str, Any]:
    return {
        "name": item.name,
        "description": item.description,
        "unit_amount": str(item.unit_amount),
        "quantity": item.quantity,
    }


# ---------------------------------------------------------------------------
# Success pages
# ---------------------------------------------------------------------------
# A success page asks Stripe about one session at most this often.
CONFIRM_INTERVAL = timedelta(seconds=15)


def checkout_confirm(*, session_id: str) -> CheckoutOutcome | None:
    """
    For success pages: ask the gateway whether the session was paid, and when it
    was, dispatch what that payment means (paid, or needs_review when it is not
    the amount we asked for) and return it; otherwise return None (the webhook
    will follow). Only the id comes from the browser, and a malformed one is
    None; the answer comes from Stripe or from our own record of the local
    gateway. The fee is not asked for here: a task fetches it
    (`payments.services.fees`).

    Anyone can load a success page, as often as they like, so Stripe is asked
    only about a session we opened that is still open or processing by our own
    record (one already paid, refunded or expired is known: nothing to ask),
    and at most once per session every `CONFIRM_INTERVAL` however often the
    page is loaded (the webhook brings the news anyway). With the cache down,
    Stripe is not asked at all. The call a visitor waits on has short timeouts
    (`payments.gateways`).
    """
    if not isinstance(session_id, str):
        return None
    if session_id.startswith(LOCAL_SESSION_PREFIX):
        return local_checkout_confirm(session_id=session_id)
    session_id = clean_checkout_session_id(session_id)
    if not session_id or not gateways.stripe_enabled():
        return None
    if not _confirm_allowed(session_id):
        return None
    try:
        session = gateways.retrieve_checkout_session(session_id)
    except gateways.GatewayError as error:
        logger.warning("Could not confirm checkout %s: %s", session_id, error)
        return None
    if session.get("payment_status") != "paid":
        return None
    if clean_checkout_session_id(session.get("id")) not in ("", session_id):
        logger.error(
            "Stripe answered %s for checkout %s.", session.get("id"), session_id
        )
        return None
    outcome = paid_session_outcome(
        {**session, "id": session_id},
        event_id="",
        livemode=session.get("livemode") is True,
    )
    return None if outcome is None else checkout_dispatch(outcome)


def _confirm_allowed(session_id: str) -> bool:
    """Is asking Stripe about this session worth it, and not done a moment ago?"""
    awaited = CheckoutSession.objects.filter(
        session_id=session_id,
        gateway=CheckoutSession.Gateway.STRIPE,
        status__in=[CheckoutSession.Status.OPEN, CheckoutSession.Status.PROCESSING],
    ).exists()
    if not awaited:
        return False
    # `add` is atomic: of many loads at once, one asks.
    return cache.add(
        f"payments:confirm:{session_id}",
        True,
        timeout=int(CONFIRM_INTERVAL.total_seconds()),
    )
