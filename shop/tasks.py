"""
The shop's emails as background tasks (Django's tasks framework): queued once the
change that caused them has committed (`core.tasks.enqueue_on_commit`), given ids
(never objects), tried again later when the send fails (`core.tasks.email_task`).
Each re-reads its rows and checks what was sent already, so a repeated run is
harmless.
"""

from core.tasks import email_task
from shop.services import emails, stock


@email_task
def send_order_confirmation(order_id: int) -> bool:
    return emails.order_send_confirmation(order_id=order_id, raise_on_failure=True)


@email_task
def notify_staff_of_order(order_id: int, event_id: int | None) -> bool:
    return emails.order_notify_staff(
        order_id=order_id, event_id=event_id, raise_on_failure=True
    )


@email_task
def send_order_step_email(event_id: int) -> bool:
    return emails.order_send_step_email(event_id=event_id, raise_on_failure=True)


@email_task
def send_order_refund_email(refund_id: int) -> bool:
    return emails.order_send_refund(refund_id=refund_id, raise_on_failure=True)


@email_task
def send_low_stock_warning(variant_ids: list[int]) -> bool:
    return stock.variant_send_low_stock(variant_ids=variant_ids, raise_on_failure=True)
