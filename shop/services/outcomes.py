"""
What happens when a payment outcome arrives for an order (`shop.handlers` maps
each `CheckoutOutcome` action to one of these).

- Fulfilment is idempotent: a guarded status change (pending -> paid) decides who
  sends the confirmation email, so the webhook and the success page may both call
  `order_mark_paid` and the buyer still gets one email. The email goes after the
  commit, and a failed send never undoes the payment.
- Money that is not what was asked for (`needs_review`) never makes an order paid:
  the order waits for staff with its stock still reserved.
- The processor's fee may arrive later (`fee_known`): until then the order's
  proceeds say "fee pending".
"""

import logging
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.pagecache import invalidate_public_pages_on_commit
from core.tasks import enqueue_on_commit
from payments.registry import CheckoutOutcome
from shop.errors import RefundRefused
from shop.models import Order, OrderEvent, PromoCode
from shop.services.actors import Actor, staff_member
from shop.services.emails import (
    notify_staff_of_order,
    send_order_confirmation,
)
from shop.services.placing import HOLD_AFTER_PAGE
from shop.services.promos import HOLDING_STATUSES
from shop.services.refunds import order_record_processor_refund
from shop.services.stock import (
    order_quantities,
    order_release_stock,
    return_stock,
    stock_take_again,
)

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------
# Fulfilment
# ---------------------------------------------------------------------------
def _flag(order: Order, note: str) -> None:
    """Log and mark the order for staff (admin filter "needs attention"); the
    caller holds the order's row lock, so appending the note is safe. The same
    note is never added twice (outcomes are repeated)."""
    current = Order.objects.values_list("attention_note", flat=True).get(pk=order.pk)
    if note in current:
        return
    logger.error("Order %s needs attention: %s", order.number, note)
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    Order.objects.filter(pk=order.pk).update(
        needs_attention=True,
        attention_note=(current + "\n" if current else "") + f"[{stamp}] {note}",
    )


class _Gone(Exception):
    """What a late payment paid for is no longer there; str() says what, for
    staff."""


def _take_back(order: Order) -> str:
    """Take again what an order had given back when its checkout ended: its
    stock (all lines or none) and its promo code's use. "" when all of it was
    taken, else what is gone (nothing is taken then): the stock sold to
    someone else, or the code's last use taken by another order. Lock order:
    the variants, then the code, as a checkout takes them."""
    quantities = order_quantities(order)
    try:
        with transaction.atomic():
            if not stock_take_again(quantities):
                raise _Gone("its stock is no longer there")
            if order.promo_code_id is not None:
                _take_promo_use_again(order, order.promo_code_id)
    except _Gone as gone:
        return str(gone)
    return ""


def _take_promo_use_again(order: Order, promo_id: int) -> None:
    """`_Gone` when the order's promo code has no use left for it: other orders
    took its uses while this one had given its own back."""
    promo = PromoCode.objects.select_for_update().get(pk=promo_id)
    others = Order.objects.filter(
        promo_code=promo, status__in=HOLDING_STATUSES
    ).exclude(pk=order.pk)
    if promo.max_uses is not None and others.count() >= promo.max_uses:
        raise _Gone(f"its promo code {promo.code} has been used up by other orders")
    if promo.max_uses_per_email is not None and (
        others.filter(email__iexact=order.email.strip()).count()
        >= promo.max_uses_per_email
    ):
        raise _Gone(f"its promo code {promo.code} was used again by the same buyer")


def _payment_fields(order: Order, outcome: CheckoutOutcome) -> dict[str, Any]:
    """What an outcome tells about the payment, keeping what the order knew."""
    return {
        "payment_intent_id": outcome.payment_intent_id or order.payment_intent_id,
        "payment_fee": order.payment_fee if outcome.fee is None else outcome.fee,
        "checkout_session_id": order.checkout_session_id or outcome.session_id,
        "amount_paid": (
            order.amount_paid if outcome.amount_total is None else outcome.amount_total
        ),
        "currency_paid": (outcome.currency or order.currency_paid)[:3].upper(),
    }


def _fill_in(order: Order, outcome: CheckoutOutcome) -> None:
    """A repeated outcome: only fill in what the first one did not know."""
    missing: dict[str, Any] = {}
    if not order.payment_intent_id and outcome.payment_intent_id:
        missing["payment_intent_id"] = outcome.payment_intent_id
    if order.payment_fee is None and outcome.fee is not None:
        missing["payment_fee"] = outcome.fee
    if order.amount_paid is None and outcome.amount_total is not None:
        missing["amount_paid"] = outcome.amount_total
    if not order.currency_paid and outcome.currency:
        missing["currency_paid"] = outcome.currency[:3].upper()
    if missing:
        Order.objects.filter(pk=order.pk).update(**missing)


def order_mark_paid(*, order_number: str, outcome: CheckoutOutcome) -> Order:
    """The payment for an order arrived (webhook, success page or local gateway).

    Payments calls this only when the amount and currency asked for were paid
    (anything else arrives as `order_mark_needs_review`). Idempotent: only the
    call that moves the order from pending to paid records the payment and queues
    the confirmation email. A payment for an order whose checkout had already
    ended (its stock given back) is accepted only if all its stock, and its
    promo code's use, can be taken again; otherwise the order goes to "Payment
    needs review", flagged for staff to refund (the buyer paid for something
    we no longer have: never oversell, never count a one-use code twice).
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(number=order_number)
        payment = {
            **_payment_fields(order, outcome),
            "status": Order.Status.PAID,
            "paid_at": timezone.now(),
            "holder_key": "",
        }
        if order.status in (*Order.SALE_STATUSES, Order.Status.REFUNDED):
            _fill_in(order, outcome)
            order.refresh_from_db()
            return order

        if order.status == Order.Status.PENDING:
            changed = Order.objects.filter(
                pk=order.pk, status=Order.Status.PENDING
            ).update(**payment)
        elif order.status == Order.Status.NEEDS_REVIEW:
            # Its payment is already in front of staff; they decide.
            _fill_in(order, outcome)
            _flag(
                order,
                f"A matching payment (session {outcome.session_id}) arrived while "
                "an earlier one is under review: check both before accepting.",
            )
            order.refresh_from_db()
            return order
        elif order.stock_released_at is not None and not (gone := _take_back(order)):
            changed = Order.objects.filter(pk=order.pk, status=order.status).update(
                stock_released_at=None, **payment
            )
            logger.warning(
                "Order %s was paid after it had %s; its stock was reserved again.",
                order.number,
                order.status,
            )
        elif order.stock_released_at is not None:
            # Too late: what it paid for went to others. Never sold, so it takes
            # nothing (stock, code) and cannot be accepted; staff refund it.
            Order.objects.filter(pk=order.pk, status=order.status).update(
                **_payment_fields(order, outcome), status=Order.Status.NEEDS_REVIEW
            )
            _flag(
                order,
                f"Paid (session {outcome.session_id}) after the checkout had "
                f"{order.status}, and {gone}: refund the buyer. The order was "
                "not sold: nothing was taken from the stock or the promo code.",
            )
            order.refresh_from_db()
            return order
        else:
            _flag(
                order,
                f"Paid (session {outcome.session_id}) while the order was "
                f"{order.status}: check it, and refund the buyer if needed.",
            )
            order.refresh_from_db()
            return order

        if changed:
            _confirm_after_commit(order)
    order.refresh_from_db()
    return order


def _confirm_after_commit(order: Order, by: Actor = None) -> None:
    """The order has just become paid: its history says so, and the buyer's
    confirmation and the staff notice go out once the transaction commits."""
    order_id = order.pk
    event = OrderEvent.objects.create(
        order_id=order_id, status=Order.Status.PAID, created_by=staff_member(by)
    )
    enqueue_on_commit(send_order_confirmation, order_id=order_id)
    enqueue_on_commit(notify_staff_of_order, order_id=order_id, event_id=event.pk)


def order_mark_needs_review(*, order_number: str, outcome: CheckoutOutcome) -> Order:
    """Money arrived, but not the amount or currency asked for (or the gateway did
    not say how much). The order is never marked paid and no confirmation is
    sent: it waits for staff ("Payment needs review") with its stock reserved,
    and `shop_expire_orders` leaves it alone. Idempotent."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(number=order_number)
        paid = "an unknown amount"
        if outcome.amount_total is not None:
            paid = f"{outcome.amount_total} {outcome.currency.upper()}".strip()
        note = (
            f"Payment needs review: {paid} was paid (session {outcome.session_id}) "
            f"for an order total of {order.total} {settings.CURRENCY.upper()}. "
            "Accept it, or refund the buyer."
        )
        review = {
            **_payment_fields(order, outcome),
            "status": Order.Status.NEEDS_REVIEW,
            "holder_key": "",
        }
        if order.status == Order.Status.NEEDS_REVIEW:
            _fill_in(order, outcome)
        elif order.status == Order.Status.PENDING:
            Order.objects.filter(pk=order.pk, status=Order.Status.PENDING).update(
                **review
            )
            _flag(order, note)
        elif order.status in Order.RELEASED_STATUSES:
            gone = "" if order.stock_released_at is None else _take_back(order)
            if not gone:
                review["stock_released_at"] = None
            Order.objects.filter(pk=order.pk, status=order.status).update(**review)
            if gone:
                note += f" It cannot be accepted: {gone}."
            _flag(order, note)
        else:  # paid or refunded already: a second payment
            _flag(
                order, f"A second payment arrived for this {order.status} order. {note}"
            )
    order.refresh_from_db()
    return order


def order_accept_reviewed_payment(*, order: Order, by: Actor = None) -> bool:
    """Staff checked a payment under review and accept it: the order is paid and
    its confirmation goes out. Only an order whose stock is still reserved can be
    accepted. Returns whether this call accepted it."""
    with transaction.atomic():
        changed = Order.objects.filter(
            pk=order.pk,
            status=Order.Status.NEEDS_REVIEW,
            stock_released_at__isnull=True,
        ).update(status=Order.Status.PAID, paid_at=timezone.now())
        if changed:
            _confirm_after_commit(order, by)
    order.refresh_from_db()
    return bool(changed)


def order_record_fee(*, order_number: str, fee: Decimal | None) -> bool:
    """The processor's fee of an earlier payment, learned afterwards. Fills the
    fee only while it is unknown (a repeated or late report changes nothing);
    returns whether this call recorded it."""
    if fee is None:
        return False
    with transaction.atomic():
        recorded = Order.objects.filter(
            number=order_number, payment_fee__isnull=True
        ).update(payment_fee=fee)
        if recorded:  # the fee lowers the proceeds the fund shows
            invalidate_public_pages_on_commit()
    return bool(recorded)


def order_mark_refunded(*, order_number: str, outcome: CheckoutOutcome) -> Order:
    """A refund reported by the processor (`charge.refunded`, full or partial).

    For a sale, each new refund is recorded once as an `OrderRefund`
    (`shop.services.refunds.order_record_processor_refund`): its goods and
    shipping leave the proceeds, and the order is "Refunded" once all of it is. An order
    refunded while its payment was under review was never sent: a full refund
    releases its stock, a partial one is left to staff. Stock of a sale is not
    put back automatically (staff restock what actually comes back)."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(number=order_number)
        refunded, charged = outcome.amount_refunded, outcome.amount_total
        if order.status in Order.SALE_STATUSES or (
            order.status == Order.Status.REFUNDED and order.refunds.exists()
        ):
            try:
                order_record_processor_refund(
                    order_number=order_number, outcome=outcome
                )
            except RefundRefused as error:  # more than the order was charged
                _flag(order, str(error))
        elif order.status == Order.Status.NEEDS_REVIEW:
            if refunded is not None and charged is not None and refunded < charged:
                _flag(
                    order,
                    f"A partial refund of {refunded} of {charged} was made at the "
                    "payment processor while the payment was under review: "
                    "settle it.",
                )
            else:
                Order.objects.filter(pk=order.pk).update(
                    status=Order.Status.REFUNDED,
                    stock_released_at=order.stock_released_at or timezone.now(),
                )
                if order.stock_released_at is None:
                    return_stock(order)
                OrderEvent.objects.create(order=order, status=Order.Status.REFUNDED)
        elif order.status != Order.Status.REFUNDED:
            _flag(order, f"A refund arrived while the order was {order.status}.")
    order.refresh_from_db()
    return order


# ---------------------------------------------------------------------------
# Payment pages that ended unpaid: the stock goes back
# ---------------------------------------------------------------------------
def order_mark_expired(*, order_number: str, now: datetime | None = None) -> bool:
    """The payment page ended unpaid. Once the page's time is up (the hold ends
    `HOLD_AFTER_PAGE` after it), that is a timeout and the order says
    "expired"; a page ended before then was closed on purpose (the local test
    gateway's Cancel button, a page closed at the processor), so the order
    says "cancelled"."""
    order = Order.objects.get(number=order_number)
    now = now or timezone.now()
    early = order.expires_at is not None and now < order.expires_at - HOLD_AFTER_PAGE
    status = Order.Status.CANCELLED if early else Order.Status.EXPIRED
    return order_release_stock(order=order, status=status)


def order_mark_failed(*, order_number: str) -> bool:
    order = Order.objects.get(number=order_number)
    return order_release_stock(order=order, status=Order.Status.FAILED)
