"""
The shop's emails: the order confirmation, "shipped" (with the tracking link),
"ready for pickup", and the notice to staff of each new paid order. Each is sent
after the transaction that caused it has committed, and none can undo or block
what caused it by failing: a failure is logged, and shown to staff on the order
(`confirmation_sent_at` left empty, or the step's `OrderEvent.email_failed`).

They run as background tasks (the `send_*` tasks below), which pass
`raise_on_failure=True` so that a failed send is retried later; each checks
its "sent" mark under a row lock first, so a retried or repeated task never
sends twice. Staff's "send again" actions call them directly.
"""

import logging

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.emails import email_send_for_record
from core.links import absolute_url
from core.tasks import email_task, locked_for_send
from shop.models import Order, OrderEvent, OrderRefund
from shop.selectors import shop_settings
from shop.selectors.order_status import order_status_text

logger = logging.getLogger(__name__)


def order_send_confirmation(*, order_id: int, raise_on_failure: bool = False) -> bool:
    """Send the confirmation email once. Runs after the payment's transaction has
    committed; a failure is logged and leaves `confirmation_sent_at` empty so staff
    can see (and resend) it in the admin; the order stays paid."""
    with locked_for_send():
        order = (
            Order.objects.select_for_update(of=("self",))
            .prefetch_related("lines")
            .get(pk=order_id)
        )
        if order.confirmation_sent_at is not None or not order.is_paid:
            return False
        return _send_confirmation(order, raise_on_failure=raise_on_failure)


def _send_confirmation(order: Order, *, raise_on_failure: bool) -> bool:
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "status_url": absolute_url(order.get_absolute_url()),
        "pickup_instructions": shop_settings().pickup_instructions,
        "status_text": order_status_text(order=order, status=Order.Status.PAID),
    }
    if not email_send_for_record(
        template="order_confirmation",
        subject=_("Your Redeeming Hope order %(number)s") % {"number": order.number},
        to=[order.email],
        context=context,
        record_id=order.pk,
        failure="Could not send the confirmation of order %s",
        log=logger,
        raise_on_failure=raise_on_failure,
    ):
        return False
    Order.objects.filter(pk=order.pk, confirmation_sent_at__isnull=True).update(
        confirmation_sent_at=timezone.now()
    )
    return True


def _note_failure(event_id: int | None, what: str) -> None:
    """Show staff, on the step's history line, which email did not go out (once,
    however many times it is tried)."""
    if event_id is None:
        return
    event = OrderEvent.objects.filter(pk=event_id).first()
    if event is None:
        return
    parts = [part for part in event.email_failed.split(", ") if part]
    if what not in parts:
        parts.append(what)
    OrderEvent.objects.filter(pk=event_id).update(email_failed=", ".join(parts)[:200])


def _note_success(event_id: int | None, what: str) -> None:
    """A later attempt sent it: take it off the step's "email failed" note."""
    if event_id is None:
        return
    event = OrderEvent.objects.filter(pk=event_id).first()
    if event is None or what not in event.email_failed:
        return
    parts = [part for part in event.email_failed.split(", ") if part and part != what]
    OrderEvent.objects.filter(pk=event_id).update(email_failed=", ".join(parts))


def _send_noted(
    event_id: int | None,
    what: str,
    *,
    template: str,
    subject: str,
    to: list[str],
    context: dict[str, object],
    record_id: int,
    failure: str,
    raise_on_failure: bool,
) -> bool:
    """Send an email a step of the order's history caused, and note on that
    step whether `what` went out (staff see "email not sent" there)."""
    sent = False
    try:
        sent = email_send_for_record(
            template=template,
            subject=subject,
            to=to,
            context=context,
            record_id=record_id,
            failure=failure,
            log=logger,
            raise_on_failure=raise_on_failure,
        )
    finally:
        if sent:
            _note_success(event_id, what)
        else:
            _note_failure(event_id, what)
    return sent


# Which email a fulfilment step sends the buyer: template and subject.
STEP_EMAILS = {
    Order.Status.SHIPPED: "order_shipped",
    Order.Status.READY_FOR_PICKUP: "order_ready_for_pickup",
}


def order_send_step_email(*, event_id: int, raise_on_failure: bool = False) -> bool:
    """The buyer's email for a fulfilment step (shipped, ready for pickup).
    Returns whether it was sent; a failure is logged and noted on the event."""
    event = OrderEvent.objects.select_related("order").get(pk=event_id)
    template = STEP_EMAILS.get(Order.Status(event.status))
    if template is None:
        return False
    order = event.order
    if event.status == Order.Status.SHIPPED:
        subject = _("Your Redeeming Hope order %(number)s has shipped")
    else:
        subject = _("Your Redeeming Hope order %(number)s is ready for pickup")
    context = {
        "order": order,
        "event": event,
        "status_url": absolute_url(order.get_absolute_url()),
        "pickup_instructions": shop_settings().pickup_instructions,
        "status_text": order_status_text(order=order, status=event.status),
    }
    return _send_noted(
        event.pk,
        str(_("buyer's email")),
        template=template,
        subject=subject % {"number": order.number},
        to=[order.email],
        context=context,
        record_id=order.pk,
        failure=f"Could not send the {template} email of order %s",
        raise_on_failure=raise_on_failure,
    )


def order_notify_staff(
    *, order_id: int, event_id: int | None = None, raise_on_failure: bool = False
) -> bool:
    """Tell staff (settings.SHOP_STAFF_EMAILS) of a new paid order. Nobody is
    told when the setting is empty; a failure is logged and noted on the
    order's "paid" history line."""
    recipients = list(getattr(settings, "SHOP_STAFF_EMAILS", []))
    if not recipients:
        return False
    order = Order.objects.prefetch_related("lines").get(pk=order_id)
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "admin_url": absolute_url(reverse("admin:shop_order_change", args=[order.pk])),
    }
    return _send_noted(
        event_id,
        str(_("staff notice")),
        template="order_staff_new",
        subject=_("New paid order %(number)s") % {"number": order.number},
        to=recipients,
        context=context,
        record_id=order.pk,
        failure="Could not tell staff of the new order %s",
        raise_on_failure=raise_on_failure,
    )


def order_send_refund(*, refund_id: int, raise_on_failure: bool = False) -> bool:
    """Tell the buyer what was refunded (once per refund). A failure is logged
    and leaves the refund's `email_sent_at` empty, which the admin shows."""
    with locked_for_send():
        refund = (
            OrderRefund.objects.select_for_update(of=("self",))
            .select_related("order")
            .get(pk=refund_id)
        )
        if (
            refund.email_sent_at is not None
            or refund.status != OrderRefund.Status.SUCCEEDED
        ):
            return False
        return _send_refund(refund, raise_on_failure=raise_on_failure)


def _send_refund(refund: OrderRefund, *, raise_on_failure: bool) -> bool:
    order = refund.order
    context = {
        "order": order,
        "refund": refund,
        "lines": [
            (item.quantity, item.line.description)
            for item in refund.lines.select_related("line")
        ],
        "status_url": absolute_url(order.get_absolute_url()),
        "status_text": order_status_text(order=order, up_to_refund=refund),
    }
    if not email_send_for_record(
        template="order_refunded",
        subject=_("A refund for your Redeeming Hope order %(number)s")
        % {"number": order.number},
        to=[order.email],
        context=context,
        record_id=order.pk,
        failure="Could not send the refund email of order %s",
        log=logger,
        raise_on_failure=raise_on_failure,
    ):
        return False
    OrderRefund.objects.filter(pk=refund.pk, email_sent_at__isnull=True).update(
        email_sent_at=timezone.now()
    )
    return True


# ---------------------------------------------------------------------------
# The tasks that send them (queued once the change that caused them commits)
# ---------------------------------------------------------------------------
@email_task
def send_order_confirmation(order_id: int) -> bool:
    return order_send_confirmation(order_id=order_id, raise_on_failure=True)


@email_task
def notify_staff_of_order(order_id: int, event_id: int | None) -> bool:
    return order_notify_staff(
        order_id=order_id, event_id=event_id, raise_on_failure=True
    )


@email_task
def send_order_step_email(event_id: int) -> bool:
    return order_send_step_email(event_id=event_id, raise_on_failure=True)


@email_task
def send_order_refund_email(refund_id: int) -> bool:
    return order_send_refund(refund_id=refund_id, raise_on_failure=True)
