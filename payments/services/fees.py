"""
The processor's fee, learned after the payment.

Stripe reports its fee on the charge's balance transaction, which may not exist
yet when the payment is reported and takes a request to read. So the webhook
never asks: it records the payment with `fee=None`, a task (`checkout_fee_fetch`
below, queued by `payments.services.dispatch`) fetches the fee after commit,
and `manage.py payments_fetch_fees` retries those still missing. When the fee
is found it is stored on our `CheckoutSession` and handed to the handler as a
`fee_known` outcome, once.

A monthly charge (an invoice) is paid by a payment intent the invoice event
does not name: the task reads it off the invoice's `payments` (included only
when expanded), stores it and its charge on our `InvoicePayment` (so that a
refund of that charge finds the gift), then reads the fee as above and
dispatches `fee_known` with `invoice_id` set. Two short requests rather than
one expansion six levels deep, past the four levels Stripe allows.
"""

import logging
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import F
from django.tasks import task

from payments import gateways
from payments.models import CheckoutSession, InvoicePayment
from payments.registry import CheckoutOutcome
from payments.selectors import fee_pending, invoice_fee_pending
from payments.services.recording import checkout_outcome_record
from payments.validation import clean_amount, clean_currency, clean_expandable_id

logger = logging.getLogger(__name__)

# Expansion that brings the processing fee along with a PaymentIntent.
FEE_EXPAND = "latest_charge.balance_transaction"


def fee_from_intent(intent: Any) -> Decimal | None:
    """The processing fee from a PaymentIntent with its charge's balance expanded."""
    if not isinstance(intent, dict):
        return None
    charge = intent.get("latest_charge")
    balance = charge.get("balance_transaction") if isinstance(charge, dict) else None
    if not isinstance(balance, dict):
        return None
    if clean_currency(balance.get("currency")) != settings.CURRENCY.lower():
        return None  # settled in another currency: not comparable
    return clean_amount(balance.get("fee"))


def payment_fee_fetch(*, payment_intent_id: str) -> Decimal | None:
    """
    Ask Stripe what it kept (None: not known yet, or Stripe did not answer).
    Never raises: the caller retries later.
    """
    if not payment_intent_id or not gateways.stripe_enabled():
        return None
    try:
        intent = gateways.retrieve_payment_intent(
            payment_intent_id, expand=[FEE_EXPAND]
        )
    except gateways.GatewayError as error:
        logger.warning("Could not read the fee of %s: %s", payment_intent_id, error)
        return None
    return fee_from_intent(intent)


def _fee_known(
    record: CheckoutSession | InvoicePayment, fee: Decimal, **payment: Any
) -> None:
    """Record the fee of a payment (`payment` says which, and what it took) and
    tell its handler (`fee_known`), once: a fee already known is not told again."""
    checkout_outcome_record(
        CheckoutOutcome(
            action="fee_known",
            kind=record.kind,
            reference=record.reference,
            fee=fee,
            livemode=record.livemode,
            **payment,
        )
    )


def checkout_fee_update(*, session_id: str) -> str:
    """
    Fetch the fee of one checkout and, when found, record it and dispatch
    `fee_known`. Safe to run any number of times, concurrently too: the fee is
    stored (and the handler told) only by the first run that finds it.

    Returns what happened ("recorded", "pending", "not needed"), for logs and
    the management command. Runs outside any transaction: it waits on Stripe.
    """
    record = fee_pending().filter(session_id=session_id).first()
    if record is None:
        return "not needed"
    CheckoutSession.objects.filter(pk=record.pk).update(
        fee_attempts=F("fee_attempts") + 1
    )
    fee = payment_fee_fetch(payment_intent_id=record.payment_intent_id)
    if fee is None:
        logger.info("The fee of %s is not known yet.", session_id)
        return "pending"
    _fee_known(
        record,
        fee,
        session_id=record.session_id,
        payment_intent_id=record.payment_intent_id,
        amount_total=record.amount_received,
        amount_expected=record.amount_total,
        currency=record.currency_received or record.currency,
    )
    return "recorded"


# ---------------------------------------------------------------------------
# Monthly charges
# ---------------------------------------------------------------------------
def invoice_payment_ids(invoice: Any) -> tuple[str, str]:
    """(payment intent id, charge id) that paid an invoice with `payments`."""
    payments = invoice.get("payments") if isinstance(invoice, dict) else None
    data = payments.get("data") if isinstance(payments, dict) else None
    entries = [entry for entry in data or [] if isinstance(entry, dict)]
    entries.sort(key=lambda entry: entry.get("status") != "paid")  # paid first
    for entry in entries:
        payment = entry.get("payment")
        if not isinstance(payment, dict):
            continue
        intent_id = clean_expandable_id(payment.get("payment_intent"), prefix="pi_")
        charge_id = clean_expandable_id(payment.get("charge"), prefix="ch_")
        if intent_id or charge_id:
            return intent_id, charge_id
    return "", ""


def _invoice_intent_id(record: InvoicePayment) -> str:
    """The payment intent of an invoice, asked of Stripe once and kept."""
    if record.payment_intent_id:
        return record.payment_intent_id
    try:
        invoice = gateways.retrieve_invoice(record.invoice_id, expand=["payments"])
    except gateways.GatewayError as error:
        logger.warning("Could not read invoice %s: %s", record.invoice_id, error)
        return ""
    intent_id, charge_id = invoice_payment_ids(invoice)
    if intent_id or charge_id:
        InvoicePayment.objects.filter(pk=record.pk, payment_intent_id="").update(
            payment_intent_id=intent_id, charge_id=charge_id or record.charge_id
        )
    return intent_id


def invoice_fee_update(*, invoice_id: str) -> str:
    """
    `checkout_fee_update` for one monthly charge: fetch its fee and, when
    found, record it and dispatch `fee_known` (with `invoice_id` and
    `payment_intent_id` set), once. Returns "recorded", "pending" or
    "not needed". Runs outside any transaction: it waits on Stripe.
    """
    record = invoice_fee_pending().filter(invoice_id=invoice_id).first()
    if record is None:
        return "not needed"
    InvoicePayment.objects.filter(pk=record.pk).update(
        fee_attempts=F("fee_attempts") + 1
    )
    if not gateways.stripe_enabled():
        return "pending"
    intent_id = _invoice_intent_id(record)
    if not intent_id:
        logger.info("Invoice %s names no payment intent yet.", invoice_id)
        return "pending"
    try:
        intent = gateways.retrieve_payment_intent(intent_id, expand=[FEE_EXPAND])
    except gateways.GatewayError as error:
        logger.warning("Could not read the fee of %s: %s", intent_id, error)
        return "pending"
    charge_id = clean_expandable_id(intent.get("latest_charge"), prefix="ch_")
    if charge_id:
        InvoicePayment.objects.filter(pk=record.pk, charge_id="").update(
            charge_id=charge_id
        )
    fee = fee_from_intent(intent)
    if fee is None:
        logger.info("The fee of invoice %s is not known yet.", invoice_id)
        return "pending"
    _fee_known(
        record,
        fee,
        payment_intent_id=intent_id,
        invoice_id=record.invoice_id,
        subscription_id=record.subscription_id,
        customer_id=record.customer_id,
        amount_total=record.amount,
        currency=record.currency,
    )
    return "recorded"


# ---------------------------------------------------------------------------
# The tasks (run by the worker, off the request)
# ---------------------------------------------------------------------------
@task()
def checkout_fee_fetch(session_id: str) -> str:
    """Learn the processor's fee of a paid checkout (`checkout_fee_update`)."""
    return checkout_fee_update(session_id=session_id)


@task()
def invoice_fee_fetch(invoice_id: str) -> str:
    """Learn the processor's fee of one paid monthly charge (an invoice)."""
    return invoice_fee_update(invoice_id=invoice_id)


def fee_fetch_enqueue(*, session_id: str = "", invoice_id: str = "") -> None:
    """
    Queue the fee lookup of a checkout or of one monthly charge (an invoice); a
    failure here is logged and left to the cron job (`payments_fetch_fees`).
    """
    try:
        if invoice_id:
            invoice_fee_fetch.enqueue(invoice_id=invoice_id)
        else:
            checkout_fee_fetch.enqueue(session_id=session_id)
    except Exception:
        logger.exception(
            "Could not queue the fee lookup of %s; `payments_fetch_fees` will.",
            invoice_id or session_id,
        )
