"""
Money coming in: open a checkout, learn how it ended, tell the app that opened it.

Two gateways sit behind one interface:

- **Stripe Checkout** when `STRIPE_SECRET_KEY` is set. Stripe reports outcomes by
  webhook (`stripe_event_process`) and the success page asks too
  (`checkout_confirm`), whichever comes first.
- **The local test gateway** when there is no key and `PAYMENTS_LOCAL_GATEWAY` is
  on (the default only with `DEBUG`): a test page on this site whose Pay, Decline
  and Cancel buttons report outcomes through `local_checkout_complete`.

Both report through one function, `checkout_dispatch`, which builds the
`CheckoutOutcome`, updates our `CheckoutSession` record and calls the handler
registered for the checkout's kind. So the local gateway exercises exactly the
fulfilment code a real Stripe payment does.
"""

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import from_minor_units, to_minor_units
from payments import gateways
from payments.exceptions import PaymentError
from payments.models import CheckoutSession, ProcessedEvent
from payments.registry import CheckoutOutcome, get_checkout_handler

logger = logging.getLogger(__name__)

Action = Literal["paid", "failed", "expired", "refunded"]
LocalAction = Literal["pay", "decline", "cancel"]

LOCAL_SESSION_PREFIX = "cs_local_"
# Stripe accepts expires_at from 30 minutes to 24 hours after it creates the
# session, measured by its own clock a moment after ours: keep clear of both ends.
MIN_EXPIRES_IN = timedelta(minutes=30)
MAX_EXPIRES_IN = timedelta(hours=24)
_EXPIRY_MARGIN = timedelta(minutes=1)
# Expansion that brings the processing fee along with a PaymentIntent.
_FEE_EXPAND = "latest_charge.balance_transaction"


def _unavailable() -> str:
    return _("Online payment is not available right now. Please try again later.")


def _failed() -> str:
    return _(
        "We could not start the payment. Nothing was charged. "
        "Please try again in a few minutes."
    )


@dataclass(frozen=True)
class LineItem:
    name: str
    unit_amount: Decimal  # dollars, > 0
    quantity: int  # >= 1
    description: str = ""


@dataclass(frozen=True)
class CheckoutRedirect:
    session_id: str
    url: str  # where to send the buyer: Stripe's hosted page or the local test page


# ---------------------------------------------------------------------------
# Which gateway
# ---------------------------------------------------------------------------
def stripe_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def local_gateway_enabled() -> bool:
    """The local test gateway runs only without Stripe keys and when allowed."""
    return not stripe_enabled() and bool(settings.PAYMENTS_LOCAL_GATEWAY)


# ---------------------------------------------------------------------------
# Opening a checkout
# ---------------------------------------------------------------------------
def _require_money(value: Any, what: str, *, positive: bool) -> Decimal:
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


def _validate(
    *,
    kind: str,
    reference: str,
    line_items: Sequence[LineItem],
    customer_email: str,
    success_url: str,
    cancel_url: str,
    shipping_amount: Decimal,
    tax_amount: Decimal,
    expires_in: timedelta,
) -> None:
    if not kind or len(kind) > 40:
        raise ValueError("kind must be 1 to 40 characters.")
    if not reference or len(reference) > 100:
        raise ValueError("reference must be 1 to 100 characters.")
    get_checkout_handler(kind)  # LookupError: nobody would hear how it ends
    if not line_items:
        raise ValueError("A checkout needs at least one line item.")
    for item in line_items:
        if not item.name:
            raise ValueError("Every line item needs a name.")
        _require_money(item.unit_amount, f"unit_amount of {item.name!r}", positive=True)
        if isinstance(item.quantity, bool) or not isinstance(item.quantity, int):
            raise TypeError(f"quantity of {item.name!r} must be an int.")
        if item.quantity < 1:
            raise ValueError(f"quantity of {item.name!r} must be at least 1.")
    _require_money(shipping_amount, "shipping_amount", positive=False)
    _require_money(tax_amount, "tax_amount", positive=False)
    try:
        validate_email(customer_email)
    except ValidationError:
        raise ValueError(f"{customer_email!r} is not an email address.") from None
    _require_absolute_url(success_url, "success_url")
    _require_absolute_url(cancel_url, "cancel_url")
    if not MIN_EXPIRES_IN <= expires_in <= MAX_EXPIRES_IN:
        raise ValueError("expires_in must be between 30 minutes and 24 hours.")


def _expires_at(now, expires_in: timedelta):
    expires_at = now + expires_in
    expires_at = max(expires_at, now + MIN_EXPIRES_IN + _EXPIRY_MARGIN)
    expires_at = min(expires_at, now + MAX_EXPIRES_IN - _EXPIRY_MARGIN)
    return expires_at.replace(microsecond=0)


def _stripe_params(
    *,
    kind: str,
    reference: str,
    line_items: Sequence[LineItem],
    customer_email: str,
    success_url: str,
    cancel_url: str,
    shipping_amount: Decimal,
    shipping_label: str,
    tax_amount: Decimal,
    tax_label: str,
    expires_at,
) -> dict[str, Any]:
    """
    The Checkout Session as Stripe wants it: amounts in cents, prices inline.

    Shipping goes in `shipping_options` (a fixed-amount rate), not as a product:
    Stripe then shows it as shipping and reports it apart (`shipping_cost`), as
    the order stores it. Sales tax is computed by the shop (no Stripe Tax) and
    sent as its own line item, so the buyer sees it on its own line.
    """
    currency = settings.CURRENCY
    metadata = {"kind": kind, "reference": reference}

    def line(name: str, amount: Decimal, quantity: int, description: str = ""):
        product_data: dict[str, str] = {"name": name}
        if description:
            product_data["description"] = description
        return {
            "price_data": {
                "currency": currency,
                "unit_amount": to_minor_units(amount),
                "product_data": product_data,
            },
            "quantity": quantity,
        }

    items = [
        line(item.name, item.unit_amount, item.quantity, item.description)
        for item in line_items
    ]
    if tax_amount > 0:
        items.append(line(tax_label or _("Sales tax"), tax_amount, 1))
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": items,
        "customer_email": customer_email,
        "client_reference_id": reference,
        "metadata": metadata,
        "payment_intent_data": {"metadata": dict(metadata)},
        "success_url": success_url,
        "cancel_url": cancel_url,
        "expires_at": int(expires_at.timestamp()),
    }
    if shipping_amount > 0 or shipping_label:
        params["shipping_options"] = [
            {
                "shipping_rate_data": {
                    "type": "fixed_amount",
                    "display_name": shipping_label or _("Shipping"),
                    "fixed_amount": {
                        "amount": to_minor_units(shipping_amount),
                        "currency": currency,
                    },
                }
            }
        ]
    return params


def _reusable_session(
    *, kind: str, reference: str, gateway: str, amount_total: Decimal, now
) -> CheckoutSession | None:
    return (
        CheckoutSession.objects.filter(
            kind=kind,
            reference=reference,
            gateway=gateway,
            amount_total=amount_total,
            status=CheckoutSession.Status.OPEN,
            expires_at__gt=now,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def checkout_create(
    *,
    kind: str,
    reference: str,
    line_items: Sequence[LineItem],
    customer_email: str,
    success_url: str,
    cancel_url: str,
    shipping_amount: Decimal = Decimal("0"),
    shipping_label: str = "",
    tax_amount: Decimal = Decimal("0"),
    tax_label: str = "",
    expires_in: timedelta = timedelta(minutes=30),
) -> CheckoutRedirect:
    """
    Open a Checkout Session (Stripe when `STRIPE_SECRET_KEY` is set, else the local
    test gateway when it is allowed) and say where to send the buyer.

    Idempotent: while a session for the same kind, reference and amount is still
    open, it is returned again instead of opening a second one (a buyer who comes
    back and presses "Pay" twice can never pay twice). A new session gets the
    idempotency key `<kind>-<reference>-<cents>-<n>`, where n counts the earlier
    sessions for that reference and amount: a retried request reuses Stripe's
    answer, a changed amount or a new attempt after an expiry never does.

    `success_url` must be absolute and may contain the literal
    "{CHECKOUT_SESSION_ID}". Invalid arguments raise ValueError/TypeError (a bug
    in the caller); a gateway failure, or no gateway at all, raises
    `PaymentError`, whose text is safe to show to the buyer. Never call this
    inside a transaction that holds row locks: it waits on the network.
    """
    _validate(
        kind=kind,
        reference=reference,
        line_items=line_items,
        customer_email=customer_email,
        success_url=success_url,
        cancel_url=cancel_url,
        shipping_amount=shipping_amount,
        tax_amount=tax_amount,
        expires_in=expires_in,
    )
    if stripe_enabled():
        gateway = CheckoutSession.Gateway.STRIPE
    elif local_gateway_enabled():
        gateway = CheckoutSession.Gateway.LOCAL
    else:
        logger.error(
            "Checkout %s %s refused: no payment gateway (set STRIPE_SECRET_KEY, or "
            "PAYMENTS_LOCAL_GATEWAY for development).",
            kind,
            reference,
        )
        raise PaymentError(_unavailable())

    subtotal = sum(
        (item.unit_amount * item.quantity for item in line_items), Decimal("0")
    )
    amount_total = subtotal + shipping_amount + tax_amount
    now = timezone.now()
    existing = _reusable_session(
        kind=kind,
        reference=reference,
        gateway=gateway,
        amount_total=amount_total,
        now=now,
    )
    if existing is not None:
        return CheckoutRedirect(session_id=existing.session_id, url=existing.url)

    attempt = CheckoutSession.objects.filter(
        kind=kind, reference=reference, amount_total=amount_total
    ).count()
    idempotency_key = (
        f"checkout-{kind}-{reference}-{to_minor_units(amount_total)}-{attempt}"
    )
    expires_at = _expires_at(now, expires_in)
    livemode = False
    if gateway == CheckoutSession.Gateway.STRIPE:
        params = _stripe_params(
            kind=kind,
            reference=reference,
            line_items=line_items,
            customer_email=customer_email,
            success_url=success_url,
            cancel_url=cancel_url,
            shipping_amount=shipping_amount,
            shipping_label=shipping_label,
            tax_amount=tax_amount,
            tax_label=tax_label,
            expires_at=expires_at,
        )
        try:
            session = gateways.create_checkout_session(
                params, idempotency_key=idempotency_key
            )
        except gateways.GatewayError as error:
            if error.code == "idempotency_error":
                # The same key with other parameters: a concurrent request for the
                # same checkout got there first. Its session is what we want.
                existing = _reusable_session(
                    kind=kind,
                    reference=reference,
                    gateway=gateway,
                    amount_total=amount_total,
                    now=now,
                )
                if existing is not None:
                    return CheckoutRedirect(
                        session_id=existing.session_id, url=existing.url
                    )
            logger.error(
                "Stripe refused checkout %s %s (%s, HTTP %s): %s",
                kind,
                reference,
                error.code or "no code",
                error.status,
                error,
            )
            raise PaymentError(_failed()) from error
        session_id = session.get("id") or ""
        url = session.get("url") or ""
        if not session_id.startswith("cs_") or not url:
            logger.error("Stripe answered a checkout without id or url: %r", session)
            raise PaymentError(_failed())
        payment_intent_id = session.get("payment_intent") or ""
        if not isinstance(payment_intent_id, str):
            payment_intent_id = payment_intent_id.get("id", "")
        livemode = bool(session.get("livemode"))
        if session.get("amount_total") not in (None, to_minor_units(amount_total)):
            logger.warning(
                "Stripe session %s totals %s cents, we asked for %s.",
                session_id,
                session.get("amount_total"),
                to_minor_units(amount_total),
            )
    else:
        token = secrets.token_hex(16)
        session_id = f"{LOCAL_SESSION_PREFIX}{token}"
        payment_intent_id = f"pi_local_{token}"
        url = urljoin(
            success_url, reverse("payments:local-checkout", args=[session_id])
        )

    with transaction.atomic():
        record, _created = CheckoutSession.objects.get_or_create(
            session_id=session_id,
            defaults={
                "kind": kind,
                "reference": reference,
                "payment_intent_id": payment_intent_id,
                "gateway": gateway,
                "livemode": livemode,
                "currency": settings.CURRENCY,
                "amount_total": amount_total,
                "shipping_amount": shipping_amount,
                "shipping_label": shipping_label,
                "tax_amount": tax_amount,
                "tax_label": tax_label,
                "line_items": [
                    {
                        "name": item.name,
                        "description": item.description,
                        "unit_amount": str(item.unit_amount),
                        "quantity": item.quantity,
                    }
                    for item in line_items
                ],
                "customer_email": customer_email,
                "url": url,
                "success_url": success_url,
                "cancel_url": cancel_url,
                "idempotency_key": idempotency_key,
                "expires_at": expires_at,
            },
        )
    logger.info(
        "Checkout %s opened for %s %s (%s).", session_id, kind, reference, gateway
    )
    return CheckoutRedirect(session_id=record.session_id, url=record.url)


# ---------------------------------------------------------------------------
# Learning how it ended: one dispatch for every source
# ---------------------------------------------------------------------------
def _other_session_in_flight(record: CheckoutSession, now) -> bool:
    """Is another session for the same checkout paid, processing or payable?"""
    return (
        CheckoutSession.objects.filter(kind=record.kind, reference=record.reference)
        .exclude(pk=record.pk)
        .filter(
            Q(
                status__in=[
                    CheckoutSession.Status.PAID,
                    CheckoutSession.Status.PROCESSING,
                ]
            )
            | Q(status=CheckoutSession.Status.OPEN, expires_at__gt=now)
        )
        .exists()
    )


def _record_for(session_id: str, payment_intent_id: str) -> CheckoutSession | None:
    records = CheckoutSession.objects.select_for_update()
    if session_id:
        return records.filter(session_id=session_id).first()
    if payment_intent_id:
        return records.filter(payment_intent_id=payment_intent_id).first()
    return None


def _apply_to_record(
    record: CheckoutSession | None, action: Action, outcome: CheckoutOutcome
) -> bool:
    """Update our record; False when the handler must not hear of it."""
    if record is None:
        return True
    now = timezone.now()
    Status = CheckoutSession.Status
    fields: list[str] = []
    if action == "paid":
        if record.status in (
            Status.OPEN,
            Status.PROCESSING,
            Status.FAILED,
            Status.EXPIRED,
        ):
            record.status = Status.PAID
            record.completed_at = now
            fields += ["status", "completed_at"]
        if outcome.payment_intent_id and not record.payment_intent_id:
            record.payment_intent_id = outcome.payment_intent_id
            fields.append("payment_intent_id")
        if outcome.fee is not None and record.fee is None:
            record.fee = outcome.fee
            fields.append("fee")
        result = True
    elif action in ("failed", "expired"):
        if record.status in (Status.PAID, Status.REFUNDED):
            logger.warning(
                "Checkout %s is %s; ignoring a late %r.",
                record.session_id,
                record.status,
                action,
            )
            return False
        record.status = Status.FAILED if action == "failed" else Status.EXPIRED
        record.completed_at = record.completed_at or now
        fields += ["status", "completed_at"]
        # A buyer who let one session lapse and opened another: the first one's
        # expiry must not cancel the checkout the second is paying for.
        result = not _other_session_in_flight(record, now)
        if not result:
            logger.info(
                "Checkout %s %s: another session for %s %s is in flight; "
                "not telling the handler.",
                record.session_id,
                action,
                record.kind,
                record.reference,
            )
    else:  # refunded
        if record.status != Status.REFUNDED:
            record.status = Status.REFUNDED
            fields.append("status")
        result = True
    if fields:
        record.save(update_fields=fields)
    return result


def checkout_dispatch(
    *,
    action: Action,
    kind: str,
    reference: str,
    session_id: str,
    payment_intent_id: str = "",
    amount_total: Decimal | None = None,
    fee: Decimal | None = None,
    event_id: str = "",
    livemode: bool = False,
) -> CheckoutOutcome:
    """
    Build the outcome, update our record, call the handler registered for `kind`.

    The webhook, the success page and the local test gateway all come through
    here. Run inside the caller's transaction (the webhook's holds the
    ProcessedEvent row), so a handler that raises undoes everything. An unknown
    kind is logged and skipped: nobody here can act on it, and retrying would
    not help.
    """
    outcome = CheckoutOutcome(
        action=action,
        kind=kind,
        reference=reference,
        session_id=session_id,
        payment_intent_id=payment_intent_id,
        amount_total=amount_total,
        fee=fee,
        event_id=event_id,
        livemode=livemode,
    )
    with transaction.atomic():
        record = _record_for(session_id, payment_intent_id)
        if not _apply_to_record(record, action, outcome):
            return outcome
        try:
            handler = get_checkout_handler(kind)
        except LookupError:
            logger.warning(
                "No checkout handler for kind %r (%s %s, %s); nothing to do.",
                kind,
                action,
                reference,
                session_id or payment_intent_id,
            )
            return outcome
        getattr(handler, action)(outcome)
    logger.info("Checkout %s %s: %s %s.", session_id, action, kind, reference)
    return outcome


def _fee_from_intent(intent: Any) -> Decimal | None:
    """The processing fee from a PaymentIntent with its charge's balance expanded."""
    if not isinstance(intent, dict):
        return None
    charge = intent.get("latest_charge")
    balance = charge.get("balance_transaction") if isinstance(charge, dict) else None
    if not isinstance(balance, dict) or not isinstance(balance.get("fee"), int):
        return None
    if (balance.get("currency") or "").lower() != settings.CURRENCY.lower():
        return None  # settled in another currency: not comparable
    return from_minor_units(balance["fee"])


def payment_fee(*, payment_intent_id: str) -> Decimal | None:
    """
    Ask Stripe what it kept. Never raises: a missing fee only makes the proceeds
    slightly less exact, whereas losing the payment event would lose an order.
    """
    if not payment_intent_id or not stripe_enabled():
        return None
    try:
        intent = gateways.retrieve_payment_intent(
            payment_intent_id, expand=[_FEE_EXPAND]
        )
        return _fee_from_intent(intent)
    except Exception:
        logger.warning(
            "Could not read the fee of %s; passing fee=None.",
            payment_intent_id,
            exc_info=True,
        )
        return None


def _intent_id(value: Any) -> str:
    if isinstance(value, dict):
        return value.get("id") or ""
    return value or ""


def _kind_and_reference(obj: dict[str, Any], record: CheckoutSession | None):
    metadata = obj.get("metadata") or {}
    kind = metadata.get("kind") or (record.kind if record else "")
    reference = (
        metadata.get("reference")
        or obj.get("client_reference_id")
        or (record.reference if record else "")
    )
    return kind, reference


def _amount(obj: dict[str, Any], key: str) -> Decimal | None:
    value = obj.get(key)
    return from_minor_units(value) if isinstance(value, int) else None


# ---------------------------------------------------------------------------
# Stripe webhook events
# ---------------------------------------------------------------------------
SESSION_EVENTS: dict[str, Action] = {
    "checkout.session.completed": "paid",
    "checkout.session.async_payment_succeeded": "paid",
    "checkout.session.async_payment_failed": "failed",
    "checkout.session.expired": "expired",
}
HANDLED_EVENTS = frozenset([*SESSION_EVENTS, "charge.refunded"])


def _plan(event: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
    """
    Decide what an event means, before any transaction is opened: this is where
    Stripe may be asked for the fee or for a refunded payment's metadata, and no
    row may stay locked while we wait on the network.

    Returns (result, dispatch keyword arguments or None).
    """
    event_type = event["type"]
    obj = (event.get("data") or {}).get("object") or {}
    livemode = bool(event.get("livemode"))
    if event_type in SESSION_EVENTS:
        action = SESSION_EVENTS[event_type]
        session_id = obj.get("id") or ""
        record = CheckoutSession.objects.filter(session_id=session_id).first()
        payment_status = obj.get("payment_status")
        if event_type == "checkout.session.completed" and payment_status != "paid":
            # "unpaid": a delayed payment method; async_payment_* will follow.
            return f"completed, payment {payment_status}", None
        kind, reference = _kind_and_reference(obj, record)
        if not kind:
            logger.info(
                "Stripe %s for %s has no kind; ignored.", event_type, session_id
            )
            return "no kind", None
        payment_intent_id = _intent_id(obj.get("payment_intent"))
        fee = None
        if action == "paid":
            fee = payment_fee(payment_intent_id=payment_intent_id)
        return action, {
            "action": action,
            "kind": kind,
            "reference": reference,
            "session_id": session_id,
            "payment_intent_id": payment_intent_id,
            "amount_total": _amount(obj, "amount_total"),
            "fee": fee,
            "event_id": event["id"],
            "livemode": livemode,
        }
    if event_type == "charge.refunded":
        amount = obj.get("amount")
        refunded = obj.get("amount_refunded")
        fully = obj.get("refunded") is True or (
            isinstance(amount, int) and isinstance(refunded, int) and refunded >= amount
        )
        payment_intent_id = _intent_id(obj.get("payment_intent"))
        if not fully:
            logger.info(
                "Partial refund of %s (%s of %s cents): recorded, nothing to do.",
                payment_intent_id or obj.get("id"),
                refunded,
                amount,
            )
            return "partial refund", None
        record = (
            CheckoutSession.objects.filter(payment_intent_id=payment_intent_id).first()
            if payment_intent_id
            else None
        )
        kind, reference = _kind_and_reference(obj, record)
        if not kind and payment_intent_id:
            # Charges do not carry the PaymentIntent's metadata; ask for it. If
            # Stripe cannot answer, the event fails (500) and Stripe retries it.
            intent = gateways.retrieve_payment_intent(payment_intent_id)
            kind, reference = _kind_and_reference(intent, None)
        if not kind:
            logger.info("Refund of %s has no kind; ignored.", obj.get("id"))
            return "no kind", None
        return "refunded", {
            "action": "refunded",
            "kind": kind,
            "reference": reference,
            "session_id": record.session_id if record else "",
            "payment_intent_id": payment_intent_id,
            "amount_total": _amount(obj, "amount"),
            "fee": None,
            "event_id": event["id"],
            "livemode": livemode,
        }
    return "unhandled", None


def _mark_processing(session_id: str, payment_intent_id: str) -> None:
    CheckoutSession.objects.filter(
        session_id=session_id, status=CheckoutSession.Status.OPEN
    ).update(
        status=CheckoutSession.Status.PROCESSING,
        payment_intent_id=payment_intent_id,
    )


def stripe_event_process(*, event: dict[str, Any]) -> str:
    """
    Handle one verified Stripe event exactly once; returns what happened
    ("duplicate", "unhandled", "paid", ...), for the log and for tests.

    The event id is recorded in the same transaction as the dispatch: if a
    handler raises, neither is kept, the webhook answers 500 and Stripe retries.
    """
    event_id = event["id"]
    if ProcessedEvent.objects.filter(event_id=event_id).exists():
        return "duplicate"
    result, dispatch = _plan(event)
    obj = (event.get("data") or {}).get("object") or {}
    with transaction.atomic():
        _record, created = ProcessedEvent.objects.get_or_create(
            event_id=event_id,
            defaults={
                "type": event["type"][:100],
                "object_id": str(obj.get("id") or "")[:255],
                "livemode": bool(event.get("livemode")),
            },
        )
        if not created:
            return "duplicate"
        if dispatch is not None:
            checkout_dispatch(**dispatch)
        elif (
            event["type"] == "checkout.session.completed"
            and obj.get("payment_status") == "unpaid"
            and obj.get("id")
        ):
            _mark_processing(obj["id"], _intent_id(obj.get("payment_intent")))
    logger.info("Stripe event %s (%s): %s.", event_id, event["type"], result)
    return result


# ---------------------------------------------------------------------------
# Success pages
# ---------------------------------------------------------------------------
def checkout_confirm(*, session_id: str) -> CheckoutOutcome | None:
    """
    For success pages: ask the gateway whether the session is paid. When it is,
    dispatch `handler.paid(outcome)` and return the outcome; otherwise return
    None (the webhook will follow). Only the id comes from the browser; the
    answer comes from Stripe or from our own record of the local gateway.
    """
    if not isinstance(session_id, str) or not session_id or len(session_id) > 255:
        return None
    if session_id.startswith(LOCAL_SESSION_PREFIX):
        if not local_gateway_enabled():
            return None
        record = CheckoutSession.objects.filter(
            session_id=session_id, gateway=CheckoutSession.Gateway.LOCAL
        ).first()
        if record is None or record.status != CheckoutSession.Status.PAID:
            return None
        return checkout_dispatch(
            action="paid",
            kind=record.kind,
            reference=record.reference,
            session_id=record.session_id,
            payment_intent_id=record.payment_intent_id,
            amount_total=record.amount_total,
            fee=Decimal("0"),
        )
    if not stripe_enabled() or not session_id.startswith("cs_"):
        return None
    try:
        session = gateways.retrieve_checkout_session(
            session_id, expand=[f"payment_intent.{_FEE_EXPAND}"]
        )
    except gateways.GatewayError as error:
        logger.warning("Could not confirm checkout %s: %s", session_id, error)
        return None
    if session.get("payment_status") != "paid":
        return None
    record = CheckoutSession.objects.filter(session_id=session_id).first()
    kind, reference = _kind_and_reference(session, record)
    if not kind:
        logger.warning("Checkout %s has no kind in its metadata.", session_id)
        return None
    intent = session.get("payment_intent")
    return checkout_dispatch(
        action="paid",
        kind=kind,
        reference=reference,
        session_id=session.get("id") or session_id,
        payment_intent_id=_intent_id(intent),
        amount_total=_amount(session, "amount_total"),
        fee=_fee_from_intent(intent),
        livemode=bool(session.get("livemode")),
    )


# ---------------------------------------------------------------------------
# The local test gateway
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class LocalCheckoutResult:
    session: CheckoutSession
    applied: bool  # False: the session was no longer open (expired, completed)

    @property
    def redirect_url(self) -> str:
        if self.session.status == CheckoutSession.Status.PAID:
            return self.session.success_url.replace(
                "{CHECKOUT_SESSION_ID}", self.session.session_id
            )
        return self.session.cancel_url


def local_checkout_is_expired(session: CheckoutSession) -> bool:
    return (
        session.status == CheckoutSession.Status.EXPIRED
        or session.status == CheckoutSession.Status.OPEN
        and session.expires_at <= timezone.now()
    )


def local_checkout_complete(
    *, session_id: str, action: LocalAction
) -> LocalCheckoutResult:
    """
    The buyer pressed Pay, Decline or Cancel on the local test page.

    Goes through `checkout_dispatch` exactly as a Stripe webhook would: Pay ->
    paid (fee 0), Decline -> failed, Cancel -> expired. Pay on a session already
    paid changes nothing and reports success again (a double click pays once);
    anything else on a session that is no longer open is refused. A session past
    its expiry is expired here, as Stripe would have done.

    Raises `PaymentError` when the local gateway is not enabled and
    `CheckoutSession.DoesNotExist` for an unknown id.
    """
    if not local_gateway_enabled():
        raise PaymentError(_unavailable())
    if action not in ("pay", "decline", "cancel"):
        raise ValueError(f"Unknown local checkout action {action!r}.")
    Status = CheckoutSession.Status
    with transaction.atomic():
        session = CheckoutSession.objects.select_for_update().get(
            session_id=session_id, gateway=CheckoutSession.Gateway.LOCAL
        )
        if session.status == Status.OPEN and local_checkout_is_expired(session):
            dispatch_action: Action = "expired"
            applied = False
        elif session.status == Status.PAID and action == "pay":
            return LocalCheckoutResult(session=session, applied=True)
        elif session.status != Status.OPEN:
            return LocalCheckoutResult(session=session, applied=False)
        else:
            dispatch_action = {"pay": "paid", "decline": "failed", "cancel": "expired"}[
                action
            ]
            applied = True
        checkout_dispatch(
            action=dispatch_action,
            kind=session.kind,
            reference=session.reference,
            session_id=session.session_id,
            payment_intent_id=session.payment_intent_id,
            amount_total=session.amount_total,
            fee=Decimal("0") if dispatch_action == "paid" else None,
        )
        session.refresh_from_db()
    return LocalCheckoutResult(session=session, applied=applied)
