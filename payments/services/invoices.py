"""
Our record of monthly charges (`InvoicePayment`) and of the subscriptions behind
them, as `checkout_outcome_record` applies outcomes of monthly gifts.

Each function runs inside the dispatch's transaction and answers whether the
handler should hear of the outcome (and `invoice_apply` also whether the
charge's fee is still to be fetched).
"""

import logging
from datetime import datetime

from payments.models import InvoicePayment
from payments.registry import CheckoutOutcome
from payments.selectors import session_of_subscription

logger = logging.getLogger(__name__)

CANCELED = "canceled"  # Stripe's spelling


def _is_newer(occurred_at: datetime | None, recorded_at: datetime | None) -> bool:
    return occurred_at is None or recorded_at is None or occurred_at >= recorded_at


def subscription_change_apply(outcome: CheckoutOutcome) -> bool:
    """
    subscription_updated / subscription_cancelled: keep the newest state on the
    checkout that started it. The handler always hears of it, with its
    `occurred_at`: it keeps its own record and may know better.
    """
    record = session_of_subscription(outcome.subscription_id, lock=True)
    if record is None:
        return True
    cancelled = outcome.action == "subscription_cancelled"
    if record.subscription_status == CANCELED and not cancelled:
        logger.info(
            "Subscription %s is canceled; not recording a later %r.",
            outcome.subscription_id,
            outcome.subscription_status,
        )
        return True
    if cancelled or _is_newer(outcome.occurred_at, record.subscription_changed_at):
        if cancelled:
            record.subscription_status = CANCELED
        elif outcome.subscription_status:
            record.subscription_status = outcome.subscription_status
        if outcome.current_period_end is not None:
            record.current_period_end = outcome.current_period_end
        if outcome.occurred_at is not None:
            record.subscription_changed_at = outcome.occurred_at
        record.save(
            update_fields=[
                "subscription_status",
                "current_period_end",
                "subscription_changed_at",
            ]
        )
    return True


def _invoice_paid_apply(outcome: CheckoutOutcome) -> tuple[bool, bool]:
    """invoice_paid / needs_review: record the charge once; told once.
    (whether the handler hears of it, whether its fee is to be fetched)"""
    if outcome.amount_total is None or outcome.amount_total <= 0:
        # Nothing to record (and nothing a fee could be fetched for).
        return True, False
    status = (
        InvoicePayment.Status.PAID
        if outcome.action == "invoice_paid"
        else InvoicePayment.Status.NEEDS_REVIEW
    )
    invoice, created = InvoicePayment.objects.get_or_create(
        invoice_id=outcome.invoice_id,
        defaults={
            "kind": outcome.kind,
            "reference": outcome.reference,
            "subscription_id": outcome.subscription_id,
            "customer_id": outcome.customer_id,
            "payment_intent_id": outcome.payment_intent_id,
            "status": status,
            "amount": outcome.amount_total,
            "currency": outcome.currency,
            "fee": outcome.fee,
            "livemode": outcome.livemode,
            "paid_at": outcome.occurred_at,
        },
    )
    if not created:
        logger.info(
            "Invoice %s is already recorded; nothing to do.", invoice.invoice_id
        )
        return False, False
    needs_fee = invoice.fee is None and not invoice.invoice_id.startswith("in_local_")
    return True, needs_fee


def invoice_apply(outcome: CheckoutOutcome) -> tuple[bool, bool]:
    """An outcome about one monthly charge (`outcome.invoice_id` set):
    (whether the handler hears of it, whether the charge's fee is to be fetched)."""
    if outcome.action in ("invoice_paid", "needs_review"):
        return _invoice_paid_apply(outcome)
    invoice = (
        InvoicePayment.objects.select_for_update()
        .filter(invoice_id=outcome.invoice_id)
        .first()
    )
    if outcome.action == "fee_known":
        if invoice is None or invoice.fee is not None or outcome.fee is None:
            return False, False
        invoice.fee = outcome.fee
        invoice.save(update_fields=["fee"])
        return True, False
    if outcome.action == "refunded" and invoice is not None:
        refunded = outcome.amount_refunded
        if refunded is not None and refunded > invoice.amount_refunded:
            invoice.amount_refunded = min(refunded, invoice.amount)
            if invoice.amount_refunded >= invoice.amount:
                invoice.status = InvoicePayment.Status.REFUNDED
            invoice.save(update_fields=["amount_refunded", "status"])
    return True, False
