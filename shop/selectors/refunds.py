"""Reading an order's refunds: what is left to refund, what a chosen refund
would give back (`refund_plan`), and whether a refund can start at all. The
refund form and the refund services read these; nothing here writes."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from core.money import ZERO, round_money, to_minor_units
from payments.services.refunds import refund_blocker
from shop.errors import RefundRefused
from shop.models import Order, OrderRefund, OrderRefundLine

# An order whose money may be refunded from the admin: a sale.
REFUNDABLE = Order.SALE_STATUSES
ACTIVE_REFUND_STATUSES = (OrderRefund.Status.PENDING, OrderRefund.Status.SUCCEEDED)


@dataclass(frozen=True)
class RefundPlan:
    goods: Decimal
    shipping: Decimal
    tax: Decimal
    quantities: dict[int, int] = field(default_factory=dict)  # line id -> quantity

    @property
    def amount(self) -> Decimal:
        return self.goods + self.shipping + self.tax


def refundable_quantities(order: Order) -> dict[int, int]:
    """Per order line: how many are not refunded yet (pending refunds count)."""
    taken = dict(
        OrderRefundLine.objects.filter(
            line__order=order, refund__status__in=ACTIVE_REFUND_STATUSES
        )
        .values("line")
        .annotate(total=Sum("quantity"))
        .values_list("line", "total")
    )
    return {
        line.pk: line.quantity - taken.get(line.pk, 0) for line in order.lines.all()
    }


def refunded_parts(order: Order) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """Goods, shipping, tax and their cumulative total already refunded (or
    being refunded)."""
    sums = OrderRefund.objects.filter(
        order=order, status__in=ACTIVE_REFUND_STATUSES
    ).aggregate(
        goods=Sum("goods_amount"),
        shipping=Sum("shipping_amount"),
        tax=Sum("tax_amount"),
        cumulative=Max("cumulative_amount"),
    )
    return (
        sums["goods"] or ZERO,
        sums["shipping"] or ZERO,
        sums["tax"] or ZERO,
        sums["cumulative"] or ZERO,
    )


def _chosen(quantities: Mapping[int, int], left: Mapping[int, int]) -> dict[int, int]:
    """The lines and quantities asked for, checked against what is left."""
    chosen: dict[int, int] = {}
    for line_id, quantity in quantities.items():
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            raise RefundRefused(_("Enter whole numbers of items to refund."))
        if quantity == 0:
            continue
        if line_id not in left:
            raise RefundRefused(_("That line is not part of this order."))
        if quantity > left[line_id]:
            raise RefundRefused(
                _("Only %(left)s of that item can still be refunded.")
                % {"left": left[line_id]}
            )
        chosen[line_id] = quantity
    return chosen


def refund_plan(
    *,
    order: Order,
    quantities: Mapping[int, int] | None = None,
    shipping: bool = False,
) -> RefundPlan:
    """What a refund gives back. `quantities` (line id -> how many): those
    items with their share of the sales tax, and with `shipping` the shipping
    not refunded yet with its share of the tax. None: everything not refunded
    yet (goods, shipping and tax), to the cent of what was charged; so is
    choosing every item left with the shipping."""
    goods_done, shipping_done, tax_done, _cumulative = refunded_parts(order)
    paid_goods = order.subtotal - order.discount_amount
    left = refundable_quantities(order)
    everything = RefundPlan(
        goods=max(paid_goods - goods_done, ZERO),
        shipping=max(order.shipping_amount - shipping_done, ZERO),
        tax=max(order.tax_amount - tax_done, ZERO),
        quantities={pk: q for pk, q in left.items() if q > 0},
    )
    if quantities is None:
        return everything
    chosen = _chosen(quantities, left)
    every_item = chosen == everything.quantities
    if every_item and (shipping or not everything.shipping) and (chosen or shipping):
        return everything
    if every_item:
        goods = everything.goods
    else:
        prices = dict(order.lines.values_list("pk", "unit_price"))
        goods = sum((prices[pk] * q for pk, q in chosen.items()), ZERO)
        if order.discount_amount and order.subtotal:
            # What those items were paid, after their share of the promo discount.
            goods = round_money(goods * paid_goods / order.subtotal)
        goods = min(goods, everything.goods)
    shipping_back = everything.shipping if shipping else ZERO
    # The sales tax on what goes back, in the order's own proportion.
    taxable = paid_goods + order.shipping_amount
    tax = (
        round_money((goods + shipping_back) * order.tax_amount / taxable)
        if taxable
        else ZERO
    )
    return RefundPlan(
        goods=goods,
        shipping=shipping_back,
        tax=min(tax, everything.tax),
        quantities=chosen,
    )


def refund_refusal(order: Order) -> str:
    """Why no refund of this order can start now ("" when one can)."""
    if order.status not in REFUNDABLE:
        return _(
            "Order %(number)s is %(status)s: only a paid order can be refunded."
        ) % {"number": order.number, "status": str(order.get_status_display()).lower()}
    if OrderRefund.objects.filter(
        order=order, status=OrderRefund.Status.PENDING
    ).exists():
        return _("Another refund of this order is still under way: check it first.")
    return ""


@dataclass(frozen=True)
class RefundState:
    """An order's refunds so far and what is left, for the refund form.
    `blocker` says, before staff fill anything in, why it cannot be refunded
    now ("" when it can)."""

    charged: Decimal
    refunded: Decimal
    left: RefundPlan
    blocker: str

    @property
    def whole_amount(self) -> Decimal:
        return self.left.amount


def order_refund_state(*, order: Order) -> RefundState:
    """What the refund form shows: charged, refunded so far, what is left,
    and whether a refund can be made at all (the order is a sale, no refund is
    under way, something is left, and the payment can be refunded where it
    was taken)."""
    left = refund_plan(order=order)
    _goods, _shipping, _tax, cumulative = refunded_parts(order)
    nothing_left = left.amount <= 0 or cumulative >= order.amount_charged
    blocker = (
        refund_refusal(order)
        or (_("There is nothing left to refund on this order.") if nothing_left else "")
        or refund_blocker(
            session_id=order.checkout_session_id,
            payment_intent_id=order.payment_intent_id,
        )
    )
    return RefundState(
        charged=order.amount_charged, refunded=cumulative, left=left, blocker=blocker
    )


def refund_figures(order: Order, state: RefundState) -> dict[str, int]:
    """The order's figures in cents, from which the refund form's script
    (static/js/refund-form.js) works out the amount as `refund_plan` does, as
    staff type; the confirmation page shows the server's own."""
    cents = to_minor_units
    return {
        "subtotal": cents(order.subtotal),
        "discount": cents(order.discount_amount),
        "shipping": cents(order.shipping_amount),
        "tax": cents(order.tax_amount),
        "left-goods": cents(state.left.goods),
        "left-shipping": cents(state.left.shipping),
        "left-tax": cents(state.left.tax),
    }
