"""
Reading the Stripe events of monthly gifts: invoices and subscriptions.

A monthly gift is a Stripe subscription opened by a Checkout Session in mode
"subscription" (see `payments.services.stripe_checkout`). Each month Stripe makes an
invoice and charges it; these planners turn its events into outcomes:

- `invoice.paid` -> "invoice_paid" (every charge, the first one included), or
  "needs_review" when it is not the amount and currency the gift was opened
  for; invoices of nothing (amount_paid 0) are skipped;
- `invoice.payment_failed` -> "invoice_failed" (Stripe retries the charge);
- `customer.subscription.updated` -> "subscription_updated";
- `customer.subscription.deleted` -> "subscription_cancelled".

Whose gift it is comes from our own record of the checkout that started the
subscription (by subscription id), else from the metadata we gave the
subscription; a subscription with neither is not ours (logged, acknowledged).
As in `payments.services.events`, every field is checked for its shape before use.
"""

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Literal

from django.db.models import Q

from payments.models import CheckoutSession
from payments.registry import Action, CheckoutOutcome
from payments.selectors import session_of_subscription
from payments.services.recording import payment_outcome
from payments.validation import (
    MAX_KIND_LENGTH,
    MAX_REFERENCE_LENGTH,
    EventInfo,
    Planner,
    clean_amount,
    clean_currency,
    clean_expandable_id,
    clean_id,
    clean_metadata,
    clean_minor_units,
    clean_text,
    clean_timestamp,
    clean_word,
    mapping_at,
)

logger = logging.getLogger(__name__)


def _identity(
    subscription_id: str, metadata: object
) -> tuple[CheckoutSession | None, str, str]:
    """
    (our checkout, kind, reference) of a subscription. Without our record of
    its id (its checkout's completion may arrive after its first invoice), the
    metadata names the gift, and the monthly checkout opened for it is the one
    whose amount the charge must match.
    """
    record = session_of_subscription(subscription_id)
    if record is not None:
        return record, record.kind, record.reference
    values = clean_metadata(metadata)
    kind = clean_text(values.get("kind"), max_length=MAX_KIND_LENGTH)
    reference = clean_text(values.get("reference"), max_length=MAX_REFERENCE_LENGTH)
    if not kind or not reference:
        return None, "", ""
    record = (
        CheckoutSession.objects.filter(kind=kind, reference=reference)
        .exclude(recurring_interval="")
        .filter(Q(subscription_id="") | Q(subscription_id=subscription_id))
        .order_by("-created_at", "-pk")
        .first()
    )
    return record, kind, reference


def _first_item(value: object) -> Mapping[str, Any]:
    """`value["data"][0]` of a list object, when it is an object; else {}."""
    data = value.get("data") if isinstance(value, Mapping) else None
    if isinstance(data, list) and data and isinstance(data[0], Mapping):
        return data[0]
    return {}


def _unknown(what: str, object_id: str, subscription_id: str) -> None:
    logger.warning(
        "%s %r of subscription %r matches no monthly gift of ours; ignored.",
        what,
        object_id,
        subscription_id,
    )


def _gift_outcome(
    action: Action,
    obj: Mapping[str, Any],
    event: EventInfo,
    *,
    record: CheckoutSession | None,
    kind: str,
    reference: str,
    subscription_id: str,
    **news: Any,
) -> CheckoutOutcome:
    """
    The outcome of an invoice's or a subscription's event that is not a payment
    (those go through `payment_outcome`): whose gift, which subscription and
    customer, the amount and currency the gift was opened for, the event; plus
    what this event says (`news`: the invoice, the new status...).
    """
    return CheckoutOutcome(
        action=action,
        kind=kind,
        reference=reference,
        session_id=record.session_id if record is not None else "",
        subscription_id=subscription_id,
        customer_id=clean_expandable_id(obj.get("customer"), prefix="cus_"),
        amount_expected=record.amount_total if record is not None else None,
        currency=clean_currency(obj.get("currency")),
        event_id=event.id,
        livemode=event.livemode,
        occurred_at=event.occurred_at,
        **news,
    )


def _invoice_parts(obj: Mapping[str, Any]) -> tuple[str, str, Mapping[str, Any]]:
    """(invoice id, subscription id, the subscription details) of an invoice."""
    details = mapping_at(obj, "parent", "subscription_details")
    return (
        clean_id(obj.get("id"), prefix="in_"),
        clean_expandable_id(details.get("subscription"), prefix="sub_"),
        details,
    )


def _plan_invoice_paid(obj: dict[str, Any], event: EventInfo) -> CheckoutOutcome | None:
    invoice_id, subscription_id, details = _invoice_parts(obj)
    if not invoice_id or not subscription_id:
        logger.info("Invoice %r is not a subscription's; ignored.", obj.get("id"))
        return None
    if clean_minor_units(obj.get("amount_paid")) == 0:
        logger.info("Invoice %s charged nothing; nothing to do.", invoice_id)
        return None
    record, kind, reference = _identity(subscription_id, details.get("metadata"))
    if not kind:
        _unknown("Paid invoice", invoice_id, subscription_id)
        return None
    period = mapping_at(_first_item(obj.get("lines")), "period")
    outcome = payment_outcome(
        record=record,
        kind=kind,
        reference=reference,
        session_id=record.session_id if record is not None else "",
        payment_intent_id="",  # the fee task reads it off the invoice's payments
        amount=obj.get("amount_paid"),
        currency=obj.get("currency"),
        fee=None,  # fetched after commit by a task
        event_id=event.id,
        livemode=event.livemode,
        paid_action="invoice_paid",
        subscription_id=subscription_id,
        customer_id=clean_expandable_id(obj.get("customer"), prefix="cus_"),
        invoice_id=invoice_id,
        occurred_at=event.occurred_at,
    )
    # The period the charge paid for ends at the next charge.
    return replace(outcome, current_period_end=clean_timestamp(period.get("end")))


def _plan_invoice_failed(
    obj: dict[str, Any], event: EventInfo
) -> CheckoutOutcome | None:
    invoice_id, subscription_id, details = _invoice_parts(obj)
    if not invoice_id or not subscription_id:
        logger.info("Invoice %r is not a subscription's; ignored.", obj.get("id"))
        return None
    record, kind, reference = _identity(subscription_id, details.get("metadata"))
    if not kind:
        _unknown("Failed invoice", invoice_id, subscription_id)
        return None
    return _gift_outcome(
        "invoice_failed",
        obj,
        event,
        record=record,
        kind=kind,
        reference=reference,
        subscription_id=subscription_id,
        invoice_id=invoice_id,
        amount_total=clean_amount(obj.get("amount_due")),
    )


def _subscription_outcome(
    obj: dict[str, Any],
    event: EventInfo,
    action: Literal["subscription_updated", "subscription_cancelled"],
) -> CheckoutOutcome | None:
    subscription_id = clean_id(obj.get("id"), prefix="sub_")
    if not subscription_id:
        logger.info("Subscription %r has no usable id; ignored.", obj.get("id"))
        return None
    record, kind, reference = _identity(subscription_id, obj.get("metadata"))
    if not kind:
        _unknown("Change", event.id, subscription_id)
        return None
    item = _first_item(obj.get("items"))
    return _gift_outcome(
        action,
        obj,
        event,
        record=record,
        kind=kind,
        reference=reference,
        subscription_id=subscription_id,
        subscription_status=clean_word(obj.get("status")),
        current_period_end=clean_timestamp(item.get("current_period_end")),
    )


def _plan_subscription_updated(
    obj: dict[str, Any], event: EventInfo
) -> CheckoutOutcome | None:
    return _subscription_outcome(obj, event, "subscription_updated")


def _plan_subscription_deleted(
    obj: dict[str, Any], event: EventInfo
) -> CheckoutOutcome | None:
    return _subscription_outcome(obj, event, "subscription_cancelled")


PLANNERS: dict[str, Planner] = {
    "invoice.paid": _plan_invoice_paid,
    "invoice.payment_failed": _plan_invoice_failed,
    "customer.subscription.updated": _plan_subscription_updated,
    "customer.subscription.deleted": _plan_subscription_deleted,
}
