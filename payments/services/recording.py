"""
Recording how a checkout ended and telling the app that opened it.

Every source of news (the Stripe webhook, a success page, the local test
gateway, the fee task) builds one `CheckoutOutcome` and hands it to
`checkout_dispatch` (`payments.services.dispatch`), which has it recorded here:
`checkout_outcome_record` updates our `CheckoutSession` record (for one month
of a monthly gift, our `InvoicePayment`: see `payments.services.invoices`) and
calls the handler method named after the outcome's action. Whether money that
arrived counts as paid is decided in one place, `payment_outcome`, for all
sources.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from payments.models import CheckoutSession
from payments.registry import Action, CheckoutOutcome, get_checkout_handler
from payments.selectors import MONEY_ARRIVED
from payments.services.invoices import invoice_apply, subscription_change_apply
from payments.validation import clean_amount, clean_currency

logger = logging.getLogger(__name__)

Status = CheckoutSession.Status


@dataclass(frozen=True, kw_only=True)
class FeeDue:
    """A payment whose processor fee is to be fetched once the transaction commits:
    a checkout (`session_id`) or one monthly charge (`invoice_id`)."""

    session_id: str = ""
    invoice_id: str = ""


def payment_outcome(
    *,
    record: CheckoutSession | None,
    kind: str,
    reference: str,
    session_id: str,
    payment_intent_id: str,
    amount: object,
    currency: object,
    fee: Decimal | None = None,
    event_id: str = "",
    livemode: bool = False,
    paid_action: Action = "paid",
    subscription_id: str = "",
    customer_id: str = "",
    invoice_id: str = "",
    occurred_at: datetime | None = None,
) -> CheckoutOutcome:
    """
    What a reported payment means: `paid_action` ("paid", or "invoice_paid" for
    one monthly charge) only when it is exactly what we asked.

    `amount` (minor units, as the gateway reported it) and `currency` must be an
    int and a currency code equal to what our `record` asked for; anything else
    (one cent short, another currency, a missing or non-integer amount) is
    "needs_review", which no handler may treat as paid. A payment for a session
    we have no record of is "needs_review" too: with nothing to compare it with,
    we cannot say it paid what was owed, and a person can, in a minute.
    """
    amount_total = clean_amount(amount)
    paid_currency = clean_currency(currency)
    expected = record.amount_total if record is not None else None
    matches = (
        record is not None
        and amount_total is not None
        and amount_total == record.amount_total
        and paid_currency == record.currency.lower()
    )
    if not matches:
        logger.error(
            "Checkout %s (%s %s) reports %s %s paid; we asked for %s: needs review.",
            invoice_id or session_id or payment_intent_id,
            kind,
            reference,
            amount if amount_total is None else amount_total,
            paid_currency or repr(currency),
            f"{expected} {record.currency}" if record is not None else "(no record)",
        )
    return CheckoutOutcome(
        action=paid_action if matches else "needs_review",
        kind=kind,
        reference=reference,
        session_id=session_id,
        payment_intent_id=payment_intent_id,
        amount_total=amount_total,
        amount_expected=expected,
        currency=paid_currency,
        fee=fee,
        event_id=event_id,
        livemode=livemode,
        subscription_id=subscription_id,
        customer_id=customer_id,
        invoice_id=invoice_id,
        occurred_at=occurred_at,
    )


def _other_session_in_flight(record: CheckoutSession, now: datetime) -> bool:
    """Is another session for the same checkout paid, processing or payable?"""
    return (
        CheckoutSession.objects.filter(kind=record.kind, reference=record.reference)
        .exclude(pk=record.pk)
        .filter(
            Q(status__in=[Status.PAID, Status.NEEDS_REVIEW, Status.PROCESSING])
            | Q(status=Status.OPEN, expires_at__gt=now)
        )
        .exists()
    )


def _record_for(outcome: CheckoutOutcome) -> CheckoutSession | None:
    records = CheckoutSession.objects.select_for_update()
    if outcome.session_id:
        return records.filter(session_id=outcome.session_id).first()
    if outcome.payment_intent_id:
        return records.filter(payment_intent_id=outcome.payment_intent_id).first()
    return None


def _apply_money_arrived(
    record: CheckoutSession, outcome: CheckoutOutcome, now: datetime
) -> tuple[list[str], bool]:
    """paid / needs_review: (fields changed, whether the handler hears of it)."""
    fields: list[str] = []
    target = Status.PAID if outcome.action == "paid" else Status.NEEDS_REVIEW
    if record.status in (Status.PAID, Status.REFUNDED) and target != record.status:
        # Never downgrade a payment we verified, nor resurrect a refunded one.
        logger.error(
            "Checkout %s is %s; not applying %r (received %s %s). Check it.",
            record.session_id,
            record.status,
            outcome.action,
            outcome.amount_total,
            outcome.currency,
        )
        return fields, False
    if record.status != target:
        record.status = target
        record.completed_at = now
        fields += ["status", "completed_at"]
    if outcome.amount_total is not None and record.amount_received is None:
        record.amount_received = outcome.amount_total
        fields.append("amount_received")
    if outcome.currency and not record.currency_received:
        record.currency_received = outcome.currency
        fields.append("currency_received")
    if outcome.payment_intent_id and not record.payment_intent_id:
        record.payment_intent_id = outcome.payment_intent_id
        fields.append("payment_intent_id")
    if outcome.fee is not None and record.fee is None:
        record.fee = outcome.fee
        fields.append("fee")
    if outcome.subscription_id and not record.subscription_id:
        record.subscription_id = outcome.subscription_id
        record.subscription_status = record.subscription_status or "active"
        fields += ["subscription_id", "subscription_status"]
    if outcome.customer_id and not record.customer_id:
        record.customer_id = outcome.customer_id
        fields.append("customer_id")
    if outcome.current_period_end is not None and record.current_period_end is None:
        record.current_period_end = outcome.current_period_end
        fields.append("current_period_end")
    return fields, True


def _apply_to_record(record: CheckoutSession | None, outcome: CheckoutOutcome) -> bool:
    """Update our record; False when the handler must not hear of it."""
    if record is None:
        # Only a fee needs a record (it is stored there); the rest is news the
        # handler can use on its own.
        return outcome.action != "fee_known"
    now = timezone.now()
    fields: list[str] = []
    action = outcome.action
    if action in ("paid", "needs_review"):
        fields, result = _apply_money_arrived(record, outcome, now)
    elif action in ("failed", "expired"):
        if record.status in MONEY_ARRIVED:
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
    elif action == "refunded":
        refunded = outcome.amount_refunded
        if refunded is not None and refunded > record.amount_refunded:
            record.amount_refunded = refunded
            fields.append("amount_refunded")
        fully = refunded is None or refunded >= (
            record.amount_received or record.amount_total
        )
        if fully and record.status != Status.REFUNDED:
            record.status = Status.REFUNDED
            fields.append("status")
        result = True
    else:  # fee_known: told once, when the fee is first learned
        result = record.fee is None and outcome.fee is not None
        if result:
            record.fee = outcome.fee
            fields.append("fee")
    if fields:
        record.save(update_fields=fields)
    return result


def _needs_fee(record: CheckoutSession) -> bool:
    """Money arrived at Stripe and we do not know its fee yet."""
    return (
        record.gateway == CheckoutSession.Gateway.STRIPE
        and record.status in MONEY_ARRIVED
        and record.fee is None
        and bool(record.payment_intent_id)
    )


def checkout_outcome_record(outcome: CheckoutOutcome) -> FeeDue | None:
    """
    Record `outcome` on our `CheckoutSession` and call the handler for its kind.

    Runs inside the caller's transaction when there is one (the webhook's holds
    the ProcessedEvent row), so a handler that raises undoes everything. An
    unknown kind is logged and skipped: nobody here can act on it, and retrying
    would not help; so is an action its handler has no method for (a handler
    that is not a `SubscriptionHandler` hears nothing of monthly charges). When
    money arrived at Stripe and its fee is not known yet, the answer names the
    payment (`FeeDue`), for the caller to have the fee fetched after commit:
    nothing here waits on the network.
    """
    fee_due = None
    with transaction.atomic():
        if outcome.action in ("subscription_updated", "subscription_cancelled"):
            tell = subscription_change_apply(outcome)
        elif outcome.action == "invoice_failed":
            tell = True  # nothing of ours changes; the gateway retries the charge
        elif outcome.invoice_id:  # invoice_paid, and needs_review, fee_known,
            tell, needs_fee = invoice_apply(outcome)  # refunded of a monthly charge
            if needs_fee:
                fee_due = FeeDue(invoice_id=outcome.invoice_id)
        else:
            record = _record_for(outcome)
            tell = _apply_to_record(record, outcome)
            money_arrived = outcome.action in ("paid", "needs_review")
            if record is not None and money_arrived and _needs_fee(record):
                fee_due = FeeDue(session_id=record.session_id)
        if not tell:
            return fee_due
        try:
            handler = get_checkout_handler(outcome.kind)
        except LookupError:
            logger.warning(
                "No checkout handler for kind %r (%s %s, %s); nothing to do.",
                outcome.kind,
                outcome.action,
                outcome.reference,
                outcome.session_id or outcome.payment_intent_id,
            )
            return fee_due
        method = getattr(handler, outcome.action, None)
        if method is None:
            # The shop's handler, say, has no subscription methods.
            logger.warning(
                "The handler of kind %r has no %r; %s %s skipped.",
                outcome.kind,
                outcome.action,
                outcome.reference,
                outcome.invoice_id or outcome.subscription_id or outcome.session_id,
            )
            return fee_due
        method(outcome)
    logger.info(
        "Checkout %s %s: %s %s.",
        outcome.invoice_id
        or outcome.session_id
        or outcome.subscription_id
        or outcome.payment_intent_id,
        outcome.action,
        outcome.kind,
        outcome.reference,
    )
    return fee_due
