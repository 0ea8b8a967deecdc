"""
Refunds of orders: staff refund a whole order, or chosen lines and quantities,
from the admin; refunds made at the payment processor arrive as "refunded"
outcomes (`charge.refunded`). Either way each refund is one `OrderRefund`,
recorded exactly once, and its goods and shipping leave the proceeds
(`Order.objects.with_proceeds()`).

Why it is shaped like this:
- The refund is written down (pending) under the order's row lock before the
  processor is asked, with what it covers and the total refunded once it counts
  (`cumulative_amount`). So two staff clicking at once cannot refund more than
  was paid (the second sees the first), and the processor's `charge.refunded`
  for it, which reports that same cumulative amount, is recognized and not
  recorded a second time. The processor is never called inside a transaction.
- A refund made at the processor (its dashboard) has no lines: its amount is
  split between goods, shipping and tax in the order's proportions.
- When the refunds reach what was charged, the order is "Refunded" and leaves
  the sales; a partial refund keeps its fulfilment status.
- Stock goes back only when staff say the items came back, line by line.
- The processor's report of more refunded than the order was charged is not
  booked (`RefundRefused`): split by the order's proportions it would become
  sales tax the order never had; a person compares the two.
"""

import logging
import uuid
from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from core.money import ZERO, format_money, round_money
from core.tasks import enqueue_on_commit
from payments.errors import PaymentError
from payments.registry import CheckoutOutcome
from payments.services.refunds import refund_create
from shop.errors import RefundRefused
from shop.models import (
    Order,
    OrderEvent,
    OrderRefund,
    OrderRefundLine,
)
from shop.selectors.refunds import (
    ACTIVE_REFUND_STATUSES,
    refund_plan,
    refund_refusal,
    refunded_parts,
)
from shop.services.actors import Actor, staff_member
from shop.services.emails import send_order_refund_email
from shop.services.stock import refund_restock

logger = logging.getLogger(__name__)


def order_refund(
    *,
    order: Order,
    quantities: Mapping[int, int] | None = None,
    shipping: bool = False,
    restock: bool | Collection[int] = False,
    reason: str = "",
    expected_amount: Decimal | None = None,
    refunded_before: Decimal | None = None,
    by: Actor = None,
) -> OrderRefund:
    """Refund a whole order (`quantities` None) or chosen lines (and, with
    `shipping`, the shipping), through the processor that took the payment.
    `restock`: the ids of the refunded lines whose items go back in stock (True:
    all of them). `expected_amount` and `refunded_before`: the amount staff
    confirmed and the order's refunds they saw then; a refund that would now
    give back another amount, or come after other refunds (the order changed
    meanwhile), is refused.
    Raises `RefundRefused` (nothing refunded) when there is nothing left to
    refund, it would be more than was paid, another refund of the order is
    still under way, or the processor refuses."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        refusal = refund_refusal(locked)
        if refusal:
            raise RefundRefused(refusal)
        plan = refund_plan(order=locked, quantities=quantities, shipping=shipping)
        _goods, _shipping, _tax, cumulative = refunded_parts(locked)
        if plan.amount <= 0:
            raise RefundRefused(_("There is nothing left to refund on this order."))
        if cumulative + plan.amount > locked.amount_charged:
            raise RefundRefused(_("That is more than was paid for this order."))
        if refunded_before is not None and cumulative != refunded_before:
            raise RefundRefused(
                _(
                    "The order's refunds changed since this refund was reviewed. "
                    "Nothing was refunded: review it again."
                )
            )
        if expected_amount is not None and plan.amount != expected_amount:
            raise RefundRefused(
                _(
                    "This refund would now be %(amount)s, not the %(expected)s you "
                    "confirmed: the order changed meanwhile. Nothing was refunded."
                )
                % {
                    "amount": format_money(plan.amount),
                    "expected": format_money(expected_amount),
                }
            )
        restocked = set(plan.quantities) if restock is True else set(restock or ())
        if not restocked <= set(plan.quantities):
            raise RefundRefused(_("Only items being refunded can go back in stock."))
        costs = dict(locked.lines.values_list("pk", "unit_cost"))
        refund = OrderRefund.objects.create(
            order=locked,
            source=OrderRefund.Source.STAFF,
            amount=plan.amount,
            goods_amount=plan.goods,
            shipping_amount=plan.shipping,
            tax_amount=plan.tax,
            cumulative_amount=cumulative + plan.amount,
            restock=bool(restocked),
            restocked_cost=sum(
                (costs[pk] * plan.quantities[pk] for pk in restocked), ZERO
            ),
            idempotency_key=f"order-refund-{uuid.uuid4()}",
            reason=reason.strip(),
            created_by=staff_member(by),
        )
        OrderRefundLine.objects.bulk_create(
            OrderRefundLine(
                refund=refund, line_id=pk, quantity=q, restock=pk in restocked
            )
            for pk, q in plan.quantities.items()
        )

    # Outside any transaction: the processor may take seconds.
    try:
        result = refund_create(
            amount=refund.amount,
            idempotency_key=refund.idempotency_key,
            session_id=locked.checkout_session_id,
            payment_intent_id=locked.payment_intent_id,
            metadata={"order_refund": str(refund.pk)},
        )
    except PaymentError as error:
        OrderRefund.objects.filter(
            pk=refund.pk, status=OrderRefund.Status.PENDING
        ).update(status=OrderRefund.Status.FAILED, error=str(error))
        raise RefundRefused(str(error)) from error

    with transaction.atomic():
        _complete(refund.pk, gateway_refund_id=result.refund_id)
    refund.refresh_from_db()
    order.refresh_from_db()
    return refund


def _complete(refund_id: int, *, gateway_refund_id: str = "") -> bool:
    """A refund went through: count it, put its items back when asked, write the
    order's history, mark the order refunded when nothing is left, and email
    the buyer after the commit. Only the call that completes it does this."""
    refund = OrderRefund.objects.select_related("order").get(pk=refund_id)
    order = Order.objects.select_for_update().get(pk=refund.order_id)
    updates: dict[str, Any] = {"status": OrderRefund.Status.SUCCEEDED}
    if gateway_refund_id:
        updates["gateway_refund_id"] = gateway_refund_id
    if not OrderRefund.objects.filter(
        pk=refund.pk, status=OrderRefund.Status.PENDING
    ).update(**updates):
        # Completed already (its `charge.refunded` came first): keep the id.
        if gateway_refund_id:
            OrderRefund.objects.filter(pk=refund.pk, gateway_refund_id="").update(
                gateway_refund_id=gateway_refund_id
            )
        return False
    refund_restock(refund)
    _after_refund(order, refund)
    return True


def _after_refund(order: Order, refund: OrderRefund) -> None:
    refunded = (
        OrderRefund.objects.filter(
            order=order, status=OrderRefund.Status.SUCCEEDED
        ).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    complete = refunded >= order.amount_charged
    if complete:
        Order.objects.filter(pk=order.pk, status__in=Order.SALE_STATUSES).update(
            status=Order.Status.REFUNDED
        )
    amount = format_money(refund.amount)
    OrderEvent.objects.create(
        order=order,
        status=Order.Status.REFUNDED,
        created_by=refund.created_by,
        note=(
            _("%(amount)s refunded: the whole order.")
            if complete
            else _("%(amount)s refunded: part of the order.")
        )
        % {"amount": amount},
    )
    enqueue_on_commit(send_order_refund_email, refund_id=refund.pk)


def order_record_processor_refund(
    *, order_number: str, outcome: CheckoutOutcome
) -> OrderRefund | None:
    """A "refunded" outcome (`charge.refunded`): the processor says how much of
    the payment is refunded in all. What is new is recorded as one refund of
    goods, shipping and tax in the order's proportions; a report we already
    know (our own refund coming back, a repeated or older event) changes
    nothing, but completes a staff refund still pending for that amount.
    Returns the refund recorded or completed, if any. Raises `RefundRefused`
    (nothing recorded) when the processor reports more refunded than the order
    was charged: that is not this order's money to book (never as sales tax),
    and a person must look. Refunds of orders that are not sales (under review,
    unpaid) are for `shop.services.outcomes`."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(number=order_number)
        charged = order.amount_charged
        cumulative = (
            outcome.amount_refunded if outcome.amount_refunded is not None else charged
        )
        known = (
            OrderRefund.objects.filter(
                order=order, status__in=ACTIVE_REFUND_STATUSES
            ).aggregate(top=Max("cumulative_amount"))["top"]
            or ZERO
        )
        ours = OrderRefund.objects.filter(
            order=order,
            status=OrderRefund.Status.PENDING,
            cumulative_amount=cumulative,
        ).first()
        if ours is not None:
            # A staff refund still marked pending (its answer was lost, or
            # has not been read yet): the processor says it went through.
            _complete(ours.pk)
            ours.refresh_from_db()
            return ours
        if cumulative <= known:
            return None
        if cumulative > charged:
            raise RefundRefused(
                f"The payment processor reports {format_money(cumulative)} "
                f"refunded in all, more than the {format_money(charged)} this "
                f"order was charged ({format_money(max(charged - known, ZERO))} "
                "was left to refund): nothing was booked. Compare the payment "
                "at the processor with this order."
            )
        new = cumulative - known
        goods_done, shipping_done, tax_done, _c = refunded_parts(order)
        if cumulative == charged:
            # All of it: whatever is left of each part.
            goods = max(order.subtotal - order.discount_amount - goods_done, ZERO)
            shipping = max(order.shipping_amount - shipping_done, ZERO)
            tax = min(new - goods - shipping, max(order.tax_amount - tax_done, ZERO))
            if tax < 0 or goods + shipping + tax != new:
                # The parts recorded so far do not add up to what was charged:
                # keep them sane, the amount is what the processor says.
                tax = max(tax, ZERO)
                goods = max(new - shipping - tax, ZERO)
                shipping = new - goods - tax
        else:
            total = order.total or new
            tax = min(round_money(new * order.tax_amount / total), new)
            shipping = min(round_money(new * order.shipping_amount / total), new - tax)
            goods = new - tax - shipping
        refund = OrderRefund.objects.create(
            order=order,
            status=OrderRefund.Status.PENDING,
            source=OrderRefund.Source.PROCESSOR,
            amount=new,
            goods_amount=goods,
            shipping_amount=shipping,
            tax_amount=tax,
            cumulative_amount=cumulative,
            reason=_("Refunded at the payment processor."),
        )
        _complete(refund.pk)
    refund.refresh_from_db()
    return refund
