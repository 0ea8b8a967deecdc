"""
Refunds an app asks for (the shop's staff refunding an order from the admin).

The money goes back through the gateway that took it:
- Stripe: the Refunds API, with the caller's idempotency key (a retried request
  refunds once) and the boundary's timeout. Stripe then sends `charge.refunded`,
  which reaches the app's `refunded` handler like a refund made in Stripe's
  dashboard; the app records each refund once (by the cumulative amount).
- The local test gateway (development, demo, tests): the refund is recorded on
  our `CheckoutSession` and the same "refunded" outcome is dispatched at once,
  as the webhook would.

Nothing here knows what was refunded (lines, stock): that is the app's.
"""

import hashlib
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core.money import from_minor_units, to_minor_units
from payments import gateways
from payments.errors import PaymentError
from payments.models import CheckoutSession
from payments.registry import CheckoutOutcome
from payments.selectors import MONEY_ARRIVED
from payments.services.dispatch import checkout_dispatch
from payments.validation import clean_id

logger = logging.getLogger(__name__)

Status = CheckoutSession.Status


@dataclass(frozen=True)
class RefundResult:
    refund_id: str  # "re_..." (Stripe) or "re_local_..." (local gateway)
    amount: Decimal
    status: str  # Stripe's: succeeded, pending, requires_action, failed, canceled


def _payment(*, session_id: str, payment_intent_id: str) -> CheckoutSession | None:
    records = CheckoutSession.objects.all()
    record = None
    if session_id:
        record = records.filter(session_id=session_id).first()
    if record is None and payment_intent_id:
        record = records.filter(payment_intent_id=payment_intent_id).first()
    return record


def _blocker(record: CheckoutSession | None, payment_intent_id: str = "") -> str:
    """Why this payment cannot be refunded from here ("" when it can)."""
    if record is None:
        return _("We have no record of this payment, so it cannot be refunded here.")
    if record.status not in MONEY_ARRIVED:
        return _("This payment was never taken, so it cannot be refunded.")
    if record.amount_refunded >= (record.amount_received or record.amount_total):
        return _("This payment is already refunded in full.")
    if record.gateway == CheckoutSession.Gateway.LOCAL:
        return ""  # refunded here, by the local test gateway
    if not clean_id(record.payment_intent_id or payment_intent_id, prefix="pi_"):
        return _("This payment has no payment intent to refund.")
    if not gateways.stripe_enabled():
        return _(
            "This payment was taken by Stripe, and this site has no Stripe key: "
            "refund it in Stripe's dashboard."
        )
    return ""


def refund_blocker(*, session_id: str = "", payment_intent_id: str = "") -> str:
    """Why the payment of a checkout (named by its session or its payment
    intent) cannot be refunded through `refund_create`, or "" when it can: for
    a form to say so before anyone fills it in. Asks no one (no network)."""
    record = _payment(session_id=session_id, payment_intent_id=payment_intent_id)
    return _blocker(record, payment_intent_id)


def refund_create(
    *,
    amount: Decimal,
    idempotency_key: str,
    session_id: str = "",
    payment_intent_id: str = "",
    metadata: dict[str, str] | None = None,
) -> RefundResult:
    """Refund `amount` of the payment of a checkout (named by its session or its
    payment intent). A payment taken by the local test gateway is refunded
    here, without the network, and told to the app at once; one taken by
    Stripe goes to its Refunds API. Raises `PaymentError` (a message for staff)
    when the gateway refuses or cannot be reached, or the amount is more than
    is left."""
    if not isinstance(amount, Decimal) or amount <= 0:
        raise ValueError(f"A refund needs a positive Decimal amount, not {amount!r}.")
    if not idempotency_key:
        raise ValueError("A refund needs an idempotency key.")
    record = _payment(session_id=session_id, payment_intent_id=payment_intent_id)
    blocker = _blocker(record, payment_intent_id)
    if record is None or blocker:
        raise PaymentError(blocker)
    if record.gateway == CheckoutSession.Gateway.LOCAL:
        return _local_refund(record, amount, idempotency_key)
    intent = record.payment_intent_id or payment_intent_id
    try:
        answer = gateways.create_refund(
            payment_intent_id=intent,
            amount_cents=to_minor_units(amount),
            idempotency_key=idempotency_key,
            metadata={
                "kind": record.kind,
                "reference": record.reference,
                **(metadata or {}),
            },
        )
    except gateways.GatewayError as error:
        logger.warning(
            "Stripe refused a refund of %s on %s: %s (%s)",
            amount,
            intent,
            error,
            error.code,
        )
        raise PaymentError(
            _("The payment processor refused the refund: %(reason)s")
            % {"reason": error}
        ) from error
    status = str(answer.get("status") or "")
    if status in ("failed", "canceled"):
        raise PaymentError(_("The payment processor could not make the refund."))
    cents = answer.get("amount")
    return RefundResult(
        refund_id=str(answer.get("id") or ""),
        amount=from_minor_units(cents) if isinstance(cents, int) else amount,
        status=status,
    )


def _local_refund(
    record: CheckoutSession, amount: Decimal, idempotency_key: str
) -> RefundResult:
    """The local gateway's refund: recorded on the session, then told to the app
    as Stripe's `charge.refunded` would (cumulative amount refunded)."""
    refund_id = "re_local_" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]
    with transaction.atomic():
        record = CheckoutSession.objects.select_for_update().get(pk=record.pk)
        if record.status not in MONEY_ARRIVED:
            raise PaymentError(
                _("This payment was never taken, so it cannot be refunded.")
            )
        charged = record.amount_received or record.amount_total
        refunded = record.amount_refunded + amount
        if refunded > charged:
            raise PaymentError(
                _("That is more than is left to refund of this payment.")
            )
        checkout_dispatch(
            CheckoutOutcome(
                action="refunded",
                kind=record.kind,
                reference=record.reference,
                session_id=record.session_id,
                payment_intent_id=record.payment_intent_id,
                amount_total=charged,
                amount_expected=record.amount_total,
                amount_refunded=refunded,
                currency=record.currency_received or record.currency,
            )
        )
    return RefundResult(refund_id=refund_id, amount=amount, status="succeeded")
