"""
Receipts: the email a donor keeps for their taxes.

A receipt carries what IRS Publication 1771 asks of a written acknowledgment:
the organization's legal name and EIN, the date and amount of the gift, and the
statement that no goods or services were provided in exchange for it. It goes
after the gift's transaction has committed; a failed send is logged and leaves
`receipt_sent_at` empty, so staff see it in the admin and can send it again.

Both emails here run as background tasks (`donations.tasks`), which pass
`raise_on_failure=True` so that a failed send is tried again later; each checks
its "sent" mark under a row lock first, so a retried task never sends twice.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from core.tasks import EmailNotSent, locked_for_send
from donations.models import Donation, RecurringGift

logger = logging.getLogger(__name__)


def manage_url(gift: RecurringGift) -> str:
    from donations.services.monthly import manage_url as url

    return url(gift)


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
    try:
        message = EmailMultiAlternatives(
            subject=f"Your gift to Redeeming Hope: receipt {donation.receipt_number}",
            body=render_to_string("emails/donation_receipt.txt", context),
            to=[donation.donor.email],
        )
        message.attach_alternative(
            render_to_string("emails/donation_receipt.html", context), "text/html"
        )
        message.send()
    except Exception as error:
        logger.exception("Could not send the receipt of gift %s", donation.pk)
        if raise_on_failure:
            raise EmailNotSent(donation.pk) from error
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
    try:
        message = EmailMultiAlternatives(
            subject="A gift to Redeeming Hope "
            + donation.get_dedication_display().lower()
            + " "
            + donation.dedication_name,
            body=render_to_string("emails/dedication_notice.txt", context),
            to=[donation.dedication_notify_email],
        )
        message.attach_alternative(
            render_to_string("emails/dedication_notice.html", context), "text/html"
        )
        message.send()
    except Exception as error:
        logger.exception("Could not send the dedication notice of gift %s", donation.pk)
        if raise_on_failure:
            raise EmailNotSent(donation.pk) from error
        return False
    Donation.objects.filter(pk=donation.pk).update(
        dedication_notified_at=timezone.now()
    )
    return True
