"""
Receipts: the email a donor keeps for their taxes.

A receipt carries what IRS Publication 1771 asks of a written acknowledgment:
the organization's legal name and EIN, the date and amount of the gift, and the
statement that no goods or services were provided in exchange for it. It goes
after the gift's transaction has committed; a failed send is logged and leaves
`receipt_sent_at` empty, so staff see it in the admin and can send it again.

Receipt numbers are consecutive within a year (R-2026-000123) and never
reused: the year's counter row is locked while a number is taken, in the same
transaction that stores it on the gift. Fulfilment is idempotent: a guarded
status change (pending -> paid) decides who numbers the gift and sends the
receipt, so the webhook and the thank-you page may both report the same payment
and the donor still gets one receipt.

Both emails here run as background tasks (the `send_*` tasks below), which pass
`raise_on_failure=True` so that a failed send is tried again later; each checks
its "sent" mark under a row lock first, so a retried task never sends twice.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.emails import email_send_for_record
from core.tasks import email_task, locked_for_send
from donations.models import Donation, ReceiptSequence
from donations.services.monthly import manage_url

logger = logging.getLogger(__name__)


def charity_status() -> str:
    """Who receives the gift, in one line for the donate page, every receipt and
    every statement: a 501(c)(3) public charity, with its EIN when one is set
    (never an empty "EIN:"), and that gifts are tax-deductible as the law allows."""
    values = {
        "name": settings.ORGANIZATION_LEGAL_NAME,
        "ein": settings.ORGANIZATION_EIN.strip(),
    }
    if values["ein"]:
        return (
            gettext(
                "%(name)s is a 501(c)(3) public charity, EIN %(ein)s. Gifts are "
                "tax-deductible as the law allows."
            )
            % values
        )
    return (
        gettext(
            "%(name)s is a 501(c)(3) public charity. Gifts are tax-deductible as "
            "the law allows."
        )
        % values
    )


# IRS Publication 1771, "Written Acknowledgments".
NO_GOODS_OR_SERVICES = (
    "No goods or services were provided in exchange for this contribution."
)


def receipt_number_next(*, year: int) -> str:
    """The next receipt number of `year`, e.g. R-2026-000123. Call it inside the
    transaction that stores the number, so that a rollback gives it back."""
    if not 2000 <= year <= 9999:
        raise ValueError(f"{year} is not a receipt year.")
    with transaction.atomic():
        ReceiptSequence.objects.get_or_create(year=year)
        sequence = ReceiptSequence.objects.select_for_update().get(year=year)
        sequence.last_number += 1
        sequence.save(update_fields=["last_number"])
    return f"R-{year}-{sequence.last_number:06d}"


def _receipt_year(donation: Donation) -> int:
    if donation.date is not None:
        return donation.date.year
    return timezone.localdate().year


def donation_assign_receipt_number(*, donation: Donation) -> str:
    """Give a paid gift its receipt number (once)."""
    with transaction.atomic():
        current = (
            Donation.objects.select_for_update()
            .values_list("receipt_number", flat=True)
            .get(pk=donation.pk)
        )
        if current:
            donation.receipt_number = current
            return current
        number = receipt_number_next(year=_receipt_year(donation))
        Donation.objects.filter(pk=donation.pk).update(receipt_number=number)
    donation.receipt_number = number
    return number


def receipt_context(donation: Donation) -> dict[str, object]:
    paid_on = donation.date or timezone.localdate(donation.paid_at)
    return {
        "donation": donation,
        "donor": donation.donor,
        "legal_name": settings.ORGANIZATION_LEGAL_NAME,
        "ein": settings.ORGANIZATION_EIN,
        "paid_on": paid_on,
        "no_goods_or_services": NO_GOODS_OR_SERVICES,
        "is_monthly": donation.recurring_gift_id is not None,
        "manage_url": manage_url(donation.recurring_gift)
        if donation.recurring_gift is not None
        else "",
    }


def donation_send_receipt(
    *, donation_id: int, resend: bool = False, raise_on_failure: bool = False
) -> bool:
    """Email the receipt of a paid gift (once, unless `resend`). Returns whether
    an email went out."""
    with locked_for_send():
        donation = (
            Donation.objects.select_for_update(of=("self",))
            .select_related("donor", "recurring_gift")
            .get(pk=donation_id)
        )
        return _send_receipt(donation, resend=resend, raise_on_failure=raise_on_failure)


def _send_receipt(donation: Donation, *, resend: bool, raise_on_failure: bool) -> bool:
    if donation.status not in (
        Donation.Status.PAID,
        Donation.Status.PARTIALLY_REFUNDED,
    ):
        return False
    if not donation.receipt_number:
        logger.error("Gift %s is paid but has no receipt number.", donation.pk)
        return False
    if donation.receipt_sent_at is not None and not resend:
        return False
    context = receipt_context(donation)
    if not email_send_for_record(
        template="donation_receipt",
        subject=f"Your gift to Redeeming Hope: receipt {donation.receipt_number}",
        to=[donation.donor.email],
        context=context,
        record_id=donation.pk,
        failure="Could not send the receipt of gift %s",
        log=logger,
        raise_on_failure=raise_on_failure,
    ):
        return False
    Donation.objects.filter(pk=donation.pk).update(receipt_sent_at=timezone.now())
    return True


def dedication_send_notice(*, donation_id: int, raise_on_failure: bool = False) -> bool:
    """Tell the person the donor named that a gift was made in honor or in
    memory of someone: the donor's name (unless anonymous), never the amount.
    Sent once, after the gift is paid."""
    with locked_for_send():
        donation = (
            Donation.objects.select_for_update(of=("self",))
            .select_related("donor")
            .get(pk=donation_id)
        )
        return _send_dedication(donation, raise_on_failure=raise_on_failure)


def _send_dedication(donation: Donation, *, raise_on_failure: bool) -> bool:
    if (
        not donation.dedication
        or not donation.dedication_notify_email
        or donation.dedication_notified_at is not None
        or donation.status != Donation.Status.PAID
    ):
        return False
    context = {
        "donation": donation,
        "giver": "" if donation.is_anonymous else donation.donor.name,
    }
    if not email_send_for_record(
        template="dedication_notice",
        subject="A gift to Redeeming Hope "
        + donation.get_dedication_display().lower()
        + " "
        + donation.dedication_name,
        to=[donation.dedication_notify_email],
        context=context,
        record_id=donation.pk,
        failure="Could not send the dedication notice of gift %s",
        log=logger,
        raise_on_failure=raise_on_failure,
    ):
        return False
    Donation.objects.filter(pk=donation.pk).update(
        dedication_notified_at=timezone.now()
    )
    return True


@email_task
def send_donation_receipt(donation_id: int) -> bool:
    return donation_send_receipt(donation_id=donation_id, raise_on_failure=True)


@email_task
def send_dedication_notice(donation_id: int) -> bool:
    return dedication_send_notice(donation_id=donation_id, raise_on_failure=True)


def send_receipt_after_commit(donation_id: int) -> None:
    """Queue the receipt and, for a dedicated gift, the note to the person named
    (background tasks; called once the gift's transaction has committed)."""
    send_donation_receipt.enqueue(donation_id=donation_id)
    send_dedication_notice.enqueue(donation_id=donation_id)


def donation_number_and_queue_receipt(*, donation: Donation, send: bool = True) -> None:
    """A gift just paid: give it its receipt number and, when `send`, queue its
    receipt (and dedication note) for once the transaction commits. Call it
    inside the transaction that marked the gift paid."""
    donation_assign_receipt_number(donation=donation)
    if send:
        donation_id = donation.pk
        transaction.on_commit(
            lambda: send_receipt_after_commit(donation_id), robust=True
        )
