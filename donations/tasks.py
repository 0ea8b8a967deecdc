"""
The donations' emails as background tasks (Django's tasks framework): given ids
(never objects), queued once the gift's transaction has committed, tried again
later when the send fails (`core.tasks.email_task`). Each re-reads its rows and
checks the row's "sent" mark under a lock, so a repeated run sends nothing twice.
"""

from core.tasks import email_task
from donations.models import Donor
from donations.services import monthly, receipts, statements


@email_task
def send_donation_receipt(donation_id: int) -> bool:
    return receipts.donation_send_receipt(
        donation_id=donation_id, raise_on_failure=True
    )


@email_task
def send_dedication_notice(donation_id: int) -> bool:
    return receipts.dedication_send_notice(
        donation_id=donation_id, raise_on_failure=True
    )


@email_task
def send_annual_statement(donor_id: int, year: int, resend: bool = False) -> bool:
    donor = Donor.objects.filter(pk=donor_id).first()
    if donor is None:  # erased since (a privacy request)
        return False
    return statements.statement_send(
        donor=donor, year=year, resend=resend, raise_on_failure=True
    )


@email_task
def send_monthly_gift_cancelled(gift_id: int) -> bool:
    return monthly.recurring_gift_send_cancelled(gift_id=gift_id, raise_on_failure=True)
