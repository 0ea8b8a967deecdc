"""
Reading Stripe's webhook events: what each one means for a checkout.

Each event type we handle maps, through `PLANNERS`, to a small function that
reads the event's object and returns the one `CheckoutOutcome` it means (or None
when it means nothing to do); that outcome is handed on to `checkout_dispatch`
as it is. Types not in the map are acknowledged and recorded.

Nothing here waits on the network: everything an event means is read from the
event and from our own records (a refund finds its checkout by payment intent
id in our `CheckoutSession` table). The processor's fee comes later, from a
task (`payments.fees`). Every field read is checked for its shape first
(`payments.validation`); a signed event whose object is not an object is
recorded as "malformed" and acknowledged, so that Stripe stops retrying it and
a replay changes nothing.
"""

import logging
from collections.abc import Callable, Mapping
from typing import Any, Literal

from django.db import transaction

from payments.dispatch import checkout_dispatch, payment_outcome
from payments.models import CheckoutSession, ProcessedEvent
from payments.registry import CheckoutOutcome
from payments.validation import (
    MAX_KIND_LENGTH,
    MAX_REFERENCE_LENGTH,
    clean_amount,
    clean_currency,
    clean_expandable_id,
    clean_id,
    clean_metadata,
    clean_minor_units,
    clean_text,
    object_of,
)

logger = logging.getLogger(__name__)

# (the event's object, the event id, livemode) -> the outcome it means, or None
Planner = Callable[[dict[str, Any], str, bool], CheckoutOutcome | None]


def _record_by_session(session_id: str) -> CheckoutSession | None:
    if not session_id:
        return None
    return CheckoutSession.objects.filter(session_id=session_id).first()


def _identity(
    obj: Mapping[str, Any], record: CheckoutSession | None
) -> tuple[str, str]:
    """
    Kind and reference: from our own record when we have one (it is what we
    asked for), else from the metadata we sent to Stripe ("", "" when absent).
    """
    if record is not None:
        return record.kind, record.reference
    metadata = clean_metadata(obj.get("metadata"))
    kind = clean_text(metadata.get("kind"), max_length=MAX_KIND_LENGTH)
    reference = clean_text(
        metadata.get("reference"), max_length=MAX_REFERENCE_LENGTH
    ) or clean_text(obj.get("client_reference_id"), max_length=MAX_REFERENCE_LENGTH)
    return kind, reference


def paid_session_outcome(
    obj: Mapping[str, Any], *, event_id: str, livemode: bool
) -> CheckoutOutcome | None:
    """
    A Checkout Session reported paid: "paid" when it paid what we asked for,
    else "needs_review" (see `payment_outcome`). Also used by success pages.
    """
    session_id = clean_id(obj.get("id"), prefix="cs_")
    record = _record_by_session(session_id)
    kind, reference = _identity(obj, record)
    if not session_id or not kind:
        logger.info("Paid session %r has no usable id or kind; ignored.", obj.get("id"))
        return None
    return payment_outcome(
        record=record,
        kind=kind,
        reference=reference,
        session_id=session_id,
        payment_intent_id=clean_expandable_id(obj.get("payment_intent"), prefix="pi_"),
        amount=obj.get("amount_total"),
        currency=obj.get("currency"),
        fee=None,  # fetched after commit by a task
        event_id=event_id,
        livemode=livemode,
    )


def _ended_session_outcome(
    obj: Mapping[str, Any],
    action: Literal["failed", "expired"],
    event_id: str,
    livemode: bool,
) -> CheckoutOutcome | None:
    session_id = clean_id(obj.get("id"), prefix="cs_")
    record = _record_by_session(session_id)
    kind, reference = _identity(obj, record)
    if not session_id or not kind:
        logger.info("Session %r has no usable id or kind; ignored.", obj.get("id"))
        return None
    return CheckoutOutcome(
        action=action,
        kind=kind,
        reference=reference,
        session_id=session_id,
        payment_intent_id=clean_expandable_id(obj.get("payment_intent"), prefix="pi_"),
        amount_expected=record.amount_total if record is not None else None,
        currency=clean_currency(obj.get("currency")),
        event_id=event_id,
        livemode=livemode,
    )


# ---------------------------------------------------------------------------
# The planners, one per event type
# ---------------------------------------------------------------------------
def _plan_session_completed(
    obj: dict[str, Any], event_id: str, livemode: bool
) -> CheckoutOutcome | None:
    """
    "paid": the payment is through. "unpaid": a delayed payment method (a bank
    debit); our record waits in PROCESSING for async_payment_succeeded/failed.
    """
    payment_status = obj.get("payment_status")
    if payment_status == "paid":
        return paid_session_outcome(obj, event_id=event_id, livemode=livemode)
    session_id = clean_id(obj.get("id"), prefix="cs_")
    if payment_status == "unpaid" and session_id:
        CheckoutSession.objects.filter(
            session_id=session_id, status=CheckoutSession.Status.OPEN
        ).update(
            status=CheckoutSession.Status.PROCESSING,
            payment_intent_id=clean_expandable_id(
                obj.get("payment_intent"), prefix="pi_"
            ),
        )
    logger.info("Session %s completed, payment %r.", session_id, payment_status)
    return None


def _plan_async_succeeded(
    obj: dict[str, Any], event_id: str, livemode: bool
) -> CheckoutOutcome | None:
    return paid_session_outcome(obj, event_id=event_id, livemode=livemode)


def _plan_async_failed(
    obj: dict[str, Any], event_id: str, livemode: bool
) -> CheckoutOutcome | None:
    return _ended_session_outcome(obj, "failed", event_id, livemode)


def _plan_session_expired(
    obj: dict[str, Any], event_id: str, livemode: bool
) -> CheckoutOutcome | None:
    return _ended_session_outcome(obj, "expired", event_id, livemode)


def _plan_charge_refunded(
    obj: dict[str, Any], event_id: str, livemode: bool
) -> CheckoutOutcome | None:
    """
    A full refund of a payment we took: found by its payment intent id in our
    own records (Stripe is not asked). Partial refunds and payments we have no
    record of are logged and acknowledged.
    """
    amount = clean_minor_units(obj.get("amount"))
    refunded = clean_minor_units(obj.get("amount_refunded"))
    payment_intent_id = clean_expandable_id(obj.get("payment_intent"), prefix="pi_")
    fully = obj.get("refunded") is True or (
        amount is not None and refunded is not None and refunded >= amount
    )
    if not fully:
        logger.info(
            "Partial refund of %s (%s of %s cents): recorded, nothing to do.",
            payment_intent_id or clean_id(obj.get("id")),
            refunded,
            amount,
        )
        return None
    record = (
        CheckoutSession.objects.filter(payment_intent_id=payment_intent_id).first()
        if payment_intent_id
        else None
    )
    if record is None:
        logger.warning(
            "Refund of %r (payment %r) matches no checkout of ours; ignored.",
            clean_id(obj.get("id")),
            payment_intent_id,
        )
        return None
    return CheckoutOutcome(
        action="refunded",
        kind=record.kind,
        reference=record.reference,
        session_id=record.session_id,
        payment_intent_id=payment_intent_id,
        amount_total=clean_amount(obj.get("amount_refunded")),
        amount_expected=record.amount_total,
        currency=clean_currency(obj.get("currency")),
        event_id=event_id,
        livemode=livemode,
    )


PLANNERS: dict[str, Planner] = {
    "checkout.session.completed": _plan_session_completed,
    "checkout.session.async_payment_succeeded": _plan_async_succeeded,
    "checkout.session.async_payment_failed": _plan_async_failed,
    "checkout.session.expired": _plan_session_expired,
    "charge.refunded": _plan_charge_refunded,
}
HANDLED_EVENTS = frozenset(PLANNERS)


def stripe_event_process(*, event: Mapping[str, Any]) -> str:
    """
    Handle one verified Stripe event exactly once; returns what happened
    ("duplicate", "unhandled", "malformed", "ignored", or the outcome's action),
    for the log and for tests.

    The event id is recorded in the same transaction as the dispatch: if a
    handler raises, neither is kept, the webhook answers 500 and Stripe retries.
    """
    event_id = str(event["id"])
    event_type = str(event["type"])
    if ProcessedEvent.objects.filter(event_id=event_id).exists():
        return "duplicate"
    obj = object_of(event)
    livemode = event.get("livemode") is True
    with transaction.atomic():
        _record, created = ProcessedEvent.objects.get_or_create(
            event_id=event_id,
            defaults={
                "type": event_type[:100],
                "object_id": clean_id(obj.get("id")) if obj is not None else "",
                "livemode": livemode,
            },
        )
        if not created:
            return "duplicate"
        planner = PLANNERS.get(event_type)
        if obj is None:
            logger.warning(
                "Stripe event %s (%s) has no object in data.object; recorded, "
                "nothing to do.",
                event_id,
                event_type,
            )
            result = "malformed"
        elif planner is None:
            result = "unhandled"
        else:
            outcome = planner(obj, event_id, livemode)
            result = "ignored" if outcome is None else outcome.action
            if outcome is not None:
                checkout_dispatch(outcome)
    logger.info("Stripe event %s (%s): %s.", event_id, event_type, result)
    return result
