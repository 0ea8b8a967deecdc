"""
What an order's state means to the buyer: the heading, the opening sentence and
"what happens next", written once here and read by the order status page and by
every email to the buyer (confirmation, shipped, ready for pickup, refunded), so
the page and the emails never tell the same state in different words.

Also the money the buyer sees after refunds: each refund that went through and
what the buyer paid net of them.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.money import ZERO, format_money
from shop.models import Order, OrderRefund

# States that end an order before anything was charged.
UNPAID_ENDS = (Order.Status.EXPIRED, Order.Status.CANCELLED, Order.Status.FAILED)


@dataclass(frozen=True, kw_only=True)
class RefundLine:
    label: str  # "Refund, December 3, 2026"
    amount: Decimal


@dataclass(frozen=True, kw_only=True)
class OrderStatusText:
    state: str  # the order's status, or "partly_refunded"
    heading: str
    lead: str
    next_steps: tuple[str, ...]
    refunds: tuple[RefundLine, ...]
    refunded: Decimal
    net_paid: Decimal


def _refund_steps() -> list[str]:
    return [
        _(
            "The money goes back to the card you paid with. Your bank may take 5 "
            "to 10 business days to show it."
        )
    ]


def _fulfilment(order: Order, status: str) -> tuple[str, str, list[str]]:
    """Heading, lead and next steps of a paid order at one fulfilment step."""
    # Read on the status page and in emails alike: no "this page" here.
    tracking = _(
        "When it ships we email you a tracking link, and your order's status "
        "page shows it too."
    )
    questions = _("Something not right? Reply to any of our emails and we will help.")
    if status == Order.Status.PAID:
        lead = _("Your payment went through. We have sent a confirmation to %(email)s.")
        if order.delivery_method == Order.Delivery.PICKUP:
            steps = [
                _(
                    "We get your order ready, then email you when it is ready "
                    "for pickup."
                ),
                _("Bring your order number when you come to pick it up."),
            ]
        else:
            steps = [
                _("Volunteers pack your order, usually within a few business days."),
                tracking,
            ]
        return (
            _("Thank you for your order"),
            lead % {"email": order.email},
            steps,
        )
    if status == Order.Status.PACKED:
        return (
            _("Your order is packed"),
            _("Volunteers have packed your order and it is waiting for the carrier."),
            [tracking],
        )
    if status == Order.Status.SHIPPED:
        lead = _("Your order shipped with %(carrier)s.")
        return (
            _("Your order is on its way"),
            lead % {"carrier": order.get_carrier_display()},
            [
                _("Follow your package with the carrier's tracking link."),
                _(
                    "If it has not arrived a week after it shipped, reply to our "
                    "email and we will look into it."
                ),
            ],
        )
    if status == Order.Status.DELIVERED:
        return (
            _("Your order was delivered"),
            _("The carrier reports that your order arrived. We hope you love it."),
            [questions],
        )
    if status == Order.Status.READY_FOR_PICKUP:
        return (
            _("Your order is ready for pickup"),
            _("Volunteers have it ready and waiting for you."),
            [
                _("Come for it as the pickup instructions say."),
                _("Bring your order number when you come to pick it up."),
            ],
        )
    # picked up
    return (
        _("You picked up your order"),
        _("Thank you for wearing the cause."),
        [questions],
    )


def _the_rest(order: Order, status: str) -> str:
    """What becomes of the part of a paid order that was not refunded."""
    if status == Order.Status.PAID:
        if order.delivery_method == Order.Delivery.PICKUP:
            return _("We get the rest of your order ready for pickup as usual.")
        return _("We pack and ship the rest of your order as usual.")
    return {
        Order.Status.PACKED: _("The rest of your order is packed and ships soon."),
        Order.Status.SHIPPED: _("The rest of your order is on its way."),
        Order.Status.DELIVERED: _("The rest of your order was delivered."),
        Order.Status.READY_FOR_PICKUP: _("The rest of your order is ready for pickup."),
        Order.Status.PICKED_UP: _("You picked up the rest of your order."),
    }[Order.Status(status)]


def order_status_text(
    *,
    order: Order,
    status: str | None = None,
    up_to_refund: OrderRefund | None = None,
) -> OrderStatusText:
    """The words for `order` in `status` (its own status by default: an email
    passes the step it announces). Refunds count up to `up_to_refund` when given
    (the refund email tells the state that refund left), else all that went
    through."""
    status = status or order.status
    refunds_query = order.refunds.filter(status=OrderRefund.Status.SUCCEEDED)
    if up_to_refund is not None:
        refunds_query = refunds_query.filter(pk__lte=up_to_refund.pk)
    refunds = tuple(
        RefundLine(label=_refund_label(refund), amount=refund.amount)
        for refund in refunds_query.order_by("created_at", "pk")
    )
    refunded = sum((refund.amount for refund in refunds), ZERO)
    paid = status in Order.SALE_STATUSES or status == Order.Status.REFUNDED
    net_paid = max(order.amount_charged - refunded, ZERO) if paid else ZERO
    state = status
    steps: list[str]
    if status == Order.Status.PENDING:
        heading = _("We are waiting for your payment")
        lead = _(
            "Your payment has not been confirmed yet. This usually takes a moment: "
            "refresh this page shortly."
        )
        steps = [_("You will get an email once it is confirmed.")]
    elif status == Order.Status.NEEDS_REVIEW:
        heading = _("We are checking your payment")
        lead = _(
            "We received a payment for this order, but it did not match the "
            "order's total, so our team is checking it before we send anything."
        )
        steps = [
            _("We will email you soon with what we found."),
            _("You do not need to pay again."),
        ]
    elif status in UNPAID_ENDS:
        heading = {
            Order.Status.EXPIRED: _("This order expired"),
            Order.Status.CANCELLED: _("This order was canceled"),
            Order.Status.FAILED: _("The payment did not go through"),
        }[Order.Status(status)]
        lead = _("This order was not paid, and nothing was charged.")
        steps = [_("To buy these items, add them to your cart again.")]
    elif status == Order.Status.REFUNDED:
        heading = _("Your order was refunded")
        lead = _("We refunded %(amount)s, everything you paid for this order.") % {
            "amount": format_money(refunded)
        }
        steps = [*_refund_steps(), _("Nothing more will be charged for this order.")]
    else:
        heading, lead, steps = _fulfilment(order, status)
        if refunds:
            state = "partly_refunded"
            heading = _("Part of your order was refunded")
            lead = (
                _("We refunded %(amount)s.") % {"amount": format_money(refunded)}
                + " "
                + _the_rest(order, status)
            )
            steps = [*_refund_steps(), *steps]
    return OrderStatusText(
        state=state,
        heading=heading,
        lead=lead,
        next_steps=tuple(steps),
        refunds=refunds,
        refunded=refunded,
        net_paid=net_paid,
    )


def _refund_label(refund: OrderRefund) -> str:
    return _("Refund, %(date)s") % {
        "date": date_format(timezone.localtime(refund.created_at), "F j, Y")
    }
