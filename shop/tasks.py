"""
The shop's email tasks under the names they were queued by before each moved
beside the service that sends it: a task a worker finds in the queue (a retry
waits up to an hour) is looked up by that name. Nothing new is queued under
these names; drop this module once no queued task uses them.
"""

from shop.services.emails import (
    notify_staff_of_order,
    send_order_confirmation,
    send_order_refund_email,
    send_order_step_email,
)
from shop.services.stock import send_low_stock_warning

__all__ = [
    "notify_staff_of_order",
    "send_low_stock_warning",
    "send_order_confirmation",
    "send_order_refund_email",
    "send_order_step_email",
]
