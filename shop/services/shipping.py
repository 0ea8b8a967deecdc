"""
The fulfilment steps staff take after payment: packed, shipped, ready for
pickup, picked up (one order, or many from the admin list), and the fulfil
page's pack-and-ship in one step. Each step is kept in the order's history,
and the buyer's email for it goes once the step has committed.
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.tasks import enqueue_on_commit
from shop.errors import TransitionRefused
from shop.models import Order, OrderEvent
from shop.services.actors import Actor, staff_member
from shop.services.emails import send_order_step_email

# ---------------------------------------------------------------------------
# Fulfilment steps staff take after payment
# ---------------------------------------------------------------------------


# The steps, by delivery method: the new status -> the one status it comes from.
STEPS: dict[str, dict[str, str]] = {
    Order.Delivery.SHIP: {
        Order.Status.PACKED: Order.Status.PAID,
        Order.Status.SHIPPED: Order.Status.PACKED,
        Order.Status.DELIVERED: Order.Status.SHIPPED,
    },
    Order.Delivery.PICKUP: {
        Order.Status.READY_FOR_PICKUP: Order.Status.PAID,
        Order.Status.PICKED_UP: Order.Status.READY_FOR_PICKUP,
    },
}


def next_steps(order: Order) -> list[str]:
    """The fulfilment steps this order can take now (at most one today)."""
    steps = STEPS.get(order.delivery_method, {})
    return [step for step, source in steps.items() if source == order.status]


def order_transition(
    *,
    order: Order,
    status: str,
    by: Actor = None,
    note: str = "",
    carrier: str = "",
    tracking_number: str = "",
) -> Order:
    """Move a paid order one fulfilment step on: paid -> packed -> shipped ->
    delivered, or paid -> ready for pickup -> picked up. Only from the step
    before (`TransitionRefused` otherwise, with nothing changed); "shipped"
    needs the carrier and tracking number. Each step is one `OrderEvent` (who,
    when, note), and "shipped" / "ready for pickup" email the buyer after the
    commit, so a mail server that is down never blocks staff."""
    tracking_number = tracking_number.strip()
    note = note.strip()
    steps = STEPS.get(order.delivery_method, {})
    if status not in steps:
        raise TransitionRefused(
            _("%(status)s is not a step for an order with %(delivery)s.")
            % {
                "status": Order.Status(status).label
                if status in Order.Status.values
                else status,
                "delivery": str(order.get_delivery_method_display()).lower(),
            }
        )
    fields: dict[str, Any] = {"status": status}
    if status == Order.Status.SHIPPED:
        if carrier not in Order.Carrier.values or not tracking_number:
            raise TransitionRefused(
                _("Choose the carrier and enter the tracking number to ship.")
            )
        fields.update(carrier=carrier, tracking_number=tracking_number)
    source = steps[status]
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if current.status != source or not Order.objects.filter(
            pk=order.pk, status=source
        ).update(**fields):
            raise TransitionRefused(
                _(
                    "Order %(number)s is %(current)s: only a %(source)s order can be "
                    "marked %(status)s."
                )
                % {
                    "number": current.number,
                    "current": str(current.get_status_display()).lower(),
                    "source": str(Order.Status(source).label).lower(),
                    "status": str(Order.Status(status).label).lower(),
                }
            )
        event = OrderEvent.objects.create(
            order=current, status=status, created_by=staff_member(by), note=note
        )
        if status in (Order.Status.SHIPPED, Order.Status.READY_FOR_PICKUP):
            enqueue_on_commit(send_order_step_email, event_id=event.pk)
    order.refresh_from_db()
    return order


# The fulfil page's one-step choice for an order about to be packed: the
# volunteer who packs it often posts it the same hour.
PACK_AND_SHIP = "packed_and_shipped"


def order_pack_and_ship(
    *,
    order: Order,
    carrier: str,
    tracking_number: str,
    by: Actor = None,
    note: str = "",
) -> Order:
    """Packed and shipped in one step: both steps in the history, in one
    transaction (a refused shipment leaves the order as it was, not packed),
    and the buyer's shipped email goes once, after the commit. The note goes
    with the shipped step, the one the buyer is told of."""
    with transaction.atomic():
        order_transition(order=order, status=Order.Status.PACKED, by=by)
        return order_transition(
            order=order,
            status=Order.Status.SHIPPED,
            by=by,
            note=note,
            carrier=carrier,
            tracking_number=tracking_number,
        )


def orders_transition(
    *, orders: Any, status: str, by: Actor = None
) -> tuple[list[Order], list[tuple[Order, str]]]:
    """The same step for several orders (an admin action): each in its own
    transaction, so one refused order never holds back the others. Returns the
    orders moved and the refused ones with the reason."""
    moved: list[Order] = []
    refused: list[tuple[Order, str]] = []
    for order in orders:
        try:
            moved.append(order_transition(order=order, status=status, by=by))
        except TransitionRefused as error:
            refused.append((order, str(error)))
    return moved, refused
