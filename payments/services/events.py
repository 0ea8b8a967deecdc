"""
Reading Stripe's webhook events: what each one means for a checkout.

Each event type we handle maps, through `PLANNERS`, to a small function that
reads the event's object and returns the one `CheckoutOutcome` it means (or None
when it means nothing to do); that outcome is handed on to `checkout_dispatch`
as it is. Types not in the map are acknowledged and recorded.

Nothing here waits on the network: everything an event means is read from the
event and from our own records (a refund finds its checkout by payment intent
id in our `CheckoutSession` or `InvoicePayment` table). Monthly gifts' events
(invoices, subscriptions) are read in `payments.services.subscription_events`. The
processor's fee comes later, from a task (`payments.services.fees`). Every field read
is checked for its shape first (`payments.validation`); a signed event whose
object is not an object, or names an amount no payment can be (10**30 cents),
is recorded as "malformed" and nothing of it is used: the webhook refuses it
(400, so it shows as failed on Stripe's dashboard) and Stripe's retry is then a
duplicate, acknowledged, so the retries stop and a replay changes nothing.
"""

import logging
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.db import transaction

from payments.models import CheckoutSession, InvoicePayment, ProcessedEvent
from payments.registry import CheckoutOutcome
from payments.selectors import MONEY_ARRIVED, session_of_subscription
from payments.services import subscription_events
from payments.services.dispatch import checkout_dispatch
from payments.services.recording import payment_outcome
from payments.validation import (
    MAX_KIND_LENGTH,
    MAX_REFERENCE_LENGTH,
    EventInfo,
    Planner,
    clean_amount,
    clean_checkout_session_id,
    clean_currency,
    clean_expandable_id,
    clean_id,
    clean_metadata,
    clean_text,
    clean_timestamp,
    object_of,
    out_of_range_amount,
)

logger = logging.getLogger(__name__)


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
    obj: Mapping[str, Any],
    *,
    event_id: str,
    livemode: bool,
    occurred_at: datetime | None = None,
) -> CheckoutOutcome | None:
    """
    A Checkout Session reported paid: "paid" when it paid what we asked for,
    else "needs_review" (see `payment_outcome`). Also used by success pages.
    A monthly gift's session (mode "subscription") has no payment intent but
    names the subscription and customer it created.
    """
    session_id = clean_checkout_session_id(obj.get("id"))
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
        subscription_id=clean_expandable_id(obj.get("subscription"), prefix="sub_"),
        customer_id=clean_expandable_id(obj.get("customer"), prefix="cus_"),
        occurred_at=occurred_at,
    )


def _ended_session_outcome(
    obj: Mapping[str, Any], action: Literal["failed", "expired"], event: EventInfo
) -> CheckoutOutcome | None:
    session_id = clean_checkout_session_id(obj.get("id"))
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
        event_id=event.id,
        livemode=event.livemode,
        occurred_at=event.occurred_at,
    )


def _paid(obj: Mapping[str, Any], event: EventInfo) -> CheckoutOutcome | None:
    return paid_session_outcome(
        obj, event_id=event.id, livemode=event.livemode, occurred_at=event.occurred_at
    )


# ---------------------------------------------------------------------------
# The planners, one per event type
# ---------------------------------------------------------------------------
def _plan_session_completed(
    obj: dict[str, Any], event: EventInfo
) -> CheckoutOutcome | None:
    """
    "paid": the payment is through. "unpaid": a delayed payment method (a bank
    debit); our record waits in PROCESSING for async_payment_succeeded/failed.
    """
    payment_status = obj.get("payment_status")
    if payment_status == "paid":
        return _paid(obj, event)
    session_id = clean_checkout_session_id(obj.get("id"))
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
    obj: dict[str, Any], event: EventInfo
) -> CheckoutOutcome | None:
    return _paid(obj, event)


def _plan_async_failed(obj: dict[str, Any], event: EventInfo) -> CheckoutOutcome | None:
    return _ended_session_outcome(obj, "failed", event)


def _plan_session_expired(
    obj: dict[str, Any], event: EventInfo
) -> CheckoutOutcome | None:
    return _ended_session_outcome(obj, "expired", event)


class RefundNotYetMatched(Exception):
    """A refund of a customer of ours whose charge we cannot name yet (its
    month's invoice, or the ids that name it, are not recorded yet): the event
    is not recorded, the webhook answers 500 and Stripe sends it again later."""


def _checkout_of_charge(
    obj: Mapping[str, Any], payment_intent_id: str
) -> CheckoutSession | None:
    """Our one-time checkout a charge paid: by its payment intent, else by the
    kind and reference we put in its metadata (a record that does not know its
    payment intent yet learns it here)."""
    records = CheckoutSession.objects.all()
    if payment_intent_id:
        record = records.filter(payment_intent_id=payment_intent_id).first()
        if record is not None:
            return record
    kind, reference = _identity({"metadata": obj.get("metadata")}, None)
    if not kind or not reference:
        return None
    record = (
        records.filter(kind=kind, reference=reference, payment_intent_id="")
        .filter(recurring_interval="")
        .filter(status__in=MONEY_ARRIVED)
        .first()
    )
    if record is not None and payment_intent_id:
        CheckoutSession.objects.filter(pk=record.pk, payment_intent_id="").update(
            payment_intent_id=payment_intent_id
        )
        record.payment_intent_id = payment_intent_id
    return record


def _invoice_of_charge(
    obj: Mapping[str, Any], charge_id: str, payment_intent_id: str, amount: Decimal
) -> InvoicePayment | None:
    """The monthly charge (our `InvoicePayment`) a refunded charge paid: by its
    payment intent or charge id, which the fee task stores; before it has, the
    one charge of that customer and amount whose ids are not known yet, which
    learns them here. Raises `RefundNotYetMatched` for a customer of ours when
    neither finds it."""
    invoices = InvoicePayment.objects.all()
    invoice = (
        invoices.filter(payment_intent_id=payment_intent_id).first()
        if payment_intent_id
        else None
    ) or (invoices.filter(charge_id=charge_id).first() if charge_id else None)
    customer_id = clean_expandable_id(obj.get("customer"), prefix="cus_")
    if invoice is not None or not customer_id:
        return invoice
    unnamed = list(
        invoices.filter(
            customer_id=customer_id, amount=amount, payment_intent_id="", charge_id=""
        ).exclude(invoice_id__startswith="in_local_")[:2]
    )
    if len(unnamed) == 1:
        [invoice] = unnamed
        InvoicePayment.objects.filter(pk=invoice.pk, payment_intent_id="").update(
            payment_intent_id=payment_intent_id
        )
        InvoicePayment.objects.filter(pk=invoice.pk, charge_id="").update(
            charge_id=charge_id
        )
        return invoice
    ours = (
        invoices.filter(customer_id=customer_id).exists()
        or CheckoutSession.objects.filter(customer_id=customer_id).exists()
    )
    if ours:
        raise RefundNotYetMatched(
            f"Refund of {charge_id} (payment {payment_intent_id!r}) is of our "
            f"customer {customer_id}, but its charge is not recorded yet "
            f"({len(unnamed)} unnamed charges of that amount); Stripe will retry."
        )
    return None


def _plan_charge_refunded(
    obj: dict[str, Any], event: EventInfo
) -> CheckoutOutcome | None:
    """
    A refund, full or partial, of a payment we took: found in our own records,
    a one-time checkout (by payment intent id, else by the metadata we gave
    the payment) or a monthly charge (by payment intent or charge id, else by
    customer and amount while the fee task has not stored those ids yet);
    Stripe is not asked. `amount_total` is what the charge took and
    `amount_refunded` what is refunded of it so far (Stripe reports it
    cumulatively, so a later partial refund carries the earlier ones too).
    A refund of a customer of ours whose charge we cannot name yet is left for
    Stripe to send again (`RefundNotYetMatched`); payments we have no record of
    are logged and acknowledged.
    """
    charge_id = clean_id(obj.get("id"), prefix="ch_")
    payment_intent_id = clean_expandable_id(obj.get("payment_intent"), prefix="pi_")
    amount = clean_amount(obj.get("amount"))
    refunded = clean_amount(obj.get("amount_refunded"))
    if refunded is None and obj.get("refunded") is True:
        refunded = amount
    if amount is None or refunded is None or not 0 < refunded <= amount:
        logger.warning(
            "Refund of %r (payment %r) reports %r of %r cents; ignored.",
            charge_id,
            payment_intent_id,
            obj.get("amount_refunded"),
            obj.get("amount"),
        )
        return None
    record = _checkout_of_charge(obj, payment_intent_id)
    common: dict[str, Any] = {
        "action": "refunded",
        "amount_total": amount,
        "amount_refunded": refunded,
        "currency": clean_currency(obj.get("currency")),
        "event_id": event.id,
        "livemode": event.livemode,
        "occurred_at": event.occurred_at,
    }
    if record is not None:
        return CheckoutOutcome(
            kind=record.kind,
            reference=record.reference,
            session_id=record.session_id,
            payment_intent_id=payment_intent_id or record.payment_intent_id,
            subscription_id=record.subscription_id,
            customer_id=record.customer_id,
            amount_expected=record.amount_total,
            **common,
        )
    invoice = _invoice_of_charge(obj, charge_id, payment_intent_id, amount)
    if invoice is None:
        logger.warning(
            "Refund of %r (payment %r) matches no checkout of ours; ignored.",
            charge_id,
            payment_intent_id,
        )
        return None
    session = session_of_subscription(invoice.subscription_id)
    return CheckoutOutcome(
        kind=invoice.kind,
        reference=invoice.reference,
        session_id=session.session_id if session is not None else "",
        payment_intent_id=payment_intent_id or invoice.payment_intent_id,
        invoice_id=invoice.invoice_id,
        subscription_id=invoice.subscription_id,
        customer_id=invoice.customer_id,
        amount_expected=invoice.amount,
        **common,
    )


PLANNERS: dict[str, Planner] = {
    "checkout.session.completed": _plan_session_completed,
    "checkout.session.async_payment_succeeded": _plan_async_succeeded,
    "checkout.session.async_payment_failed": _plan_async_failed,
    "checkout.session.expired": _plan_session_expired,
    "charge.refunded": _plan_charge_refunded,
    **subscription_events.PLANNERS,
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
        absurd = out_of_range_amount(obj) if obj is not None else ""
        if obj is None:
            logger.warning(
                "Stripe event %s (%s) has no object in data.object; recorded, "
                "nothing to do.",
                event_id,
                event_type,
            )
            result = "malformed"
        elif absurd:
            logger.error(
                "Stripe event %s (%s) reports %r cents as %s; recorded as "
                "malformed, nothing done. Check it on Stripe's dashboard.",
                event_id,
                event_type,
                obj.get(absurd),
                absurd,
            )
            result = "malformed"
        elif planner is None:
            result = "unhandled"
        else:
            info = EventInfo(
                id=event_id,
                livemode=livemode,
                occurred_at=clean_timestamp(event.get("created")),
            )
            outcome = planner(obj, info)
            result = "ignored" if outcome is None else outcome.action
            if outcome is not None:
                checkout_dispatch(outcome)
    logger.info("Stripe event %s (%s): %s.", event_id, event_type, result)
    return result


def stripe_event_record_unreadable(*, event_id: str, event_type: str) -> str:
    """
    A signed event too deeply nested to read: recorded by its id when it has
    one, so that Stripe's retry is a duplicate ("duplicate"); "malformed"
    otherwise. Nothing else is done with it.
    """
    logger.error(
        "Stripe event %s (%s) is nested too deeply to read; %s.",
        event_id or "without an id",
        event_type or "no type",
        "recorded, nothing done" if event_id else "refused",
    )
    if not event_id:
        return "malformed"
    _record, created = ProcessedEvent.objects.get_or_create(
        event_id=event_id, defaults={"type": event_type or "unreadable"}
    )
    return "malformed" if created else "duplicate"
