"""
The donations' email tasks under the names they were queued by before each
moved beside the service that sends it: a task a worker finds in the queue
(a retry waits up to an hour) is looked up by that name. Nothing new is queued
under these names; drop this module once no queued task uses them.
"""

from donations.services.monthly import send_monthly_gift_cancelled
from donations.services.receipts import send_dedication_notice, send_donation_receipt
from donations.services.statements import send_annual_statement

__all__ = [
    "send_annual_statement",
    "send_dedication_notice",
    "send_donation_receipt",
    "send_monthly_gift_cancelled",
]
