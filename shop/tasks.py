"""
The shop's emails as background tasks (Django's tasks framework): queued once the
change that caused them has committed (`core.tasks.enqueue_on_commit`), given ids
(never objects), tried again later when the send fails (`core.tasks`). Each
re-reads its rows and checks what was sent already, so a repeated run is harmless.
"""

from django.tasks import task

from core.tasks import run_email_task
from shop import emails, stock


@task()
def send_order_confirmation(order_id: int, attempt: int = 1) -> str:
    return run_email_task(
        send_order_confirmation,
        lambda: emails.order_send_confirmation(
            order_id=order_id, raise_on_failure=True
        ),
        attempt=attempt,
        order_id=order_id,
    )


@task()
def notify_staff_of_order(order_id: int, event_id: int | None, attempt: int = 1) -> str:
    return run_email_task(
        notify_staff_of_order,
        lambda: emails.order_notify_staff(
            order_id=order_id, event_id=event_id, raise_on_failure=True
        ),
        attempt=attempt,
        order_id=order_id,
        event_id=event_id,
    )


@task()
def send_order_step_email(event_id: int, attempt: int = 1) -> str:
    return run_email_task(
        send_order_step_email,
        lambda: emails.order_send_step_email(event_id=event_id, raise_on_failure=True),
        attempt=attempt,
        event_id=event_id,
    )


@task()
def send_order_refund_email(refund_id: int, attempt: int = 1) -> str:
    return run_email_task(
        send_order_refund_email,
        lambda: emails.order_send_refund(refund_id=refund_id, raise_on_failure=True),
        attempt=attempt,
        refund_id=refund_id,
    )


@task()
def send_low_stock_warning(variant_ids: list[int], attempt: int = 1) -> str:
    return run_email_task(
        send_low_stock_warning,
        lambda: stock.variant_send_low_stock(
            variant_ids=variant_ids, raise_on_failure=True
        ),
        attempt=attempt,
        variant_ids=variant_ids,
    )
