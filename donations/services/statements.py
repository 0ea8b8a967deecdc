"""
Annual giving statements: one email per donor and year listing every gift the
home kept, with the year's total, and a printable page behind a signed link
(the statement and its link are reads: `donations.selectors`).

`statements_send(year=...)` (the `donations_send_statements` command) queues
each donor's statement once, as a background task (`send_annual_statement`) that
retries a failed send; running it again queues nothing new unless asked to
resend. Gifts are listed at what the donor gave (refunded parts taken off).
"""

import logging

from django.utils import timezone

from core.emails import email_send_for_record
from core.tasks import email_task, locked_for_send
from donations.models import AnnualStatement, Donation, Donor
from donations.selectors import Statement, statement_for, statement_url
from donations.services.receipts import NO_GOODS_OR_SERVICES

logger = logging.getLogger(__name__)


def statement_send(
    *, donor: Donor, year: int, resend: bool = False, raise_on_failure: bool = False
) -> bool:
    """Email one donor's statement for `year`; False when there is nothing to
    send (no gifts), it was sent already, or the email failed."""
    statement = statement_for(donor=donor, year=year)
    if not statement.gifts:
        return False
    record, _created = AnnualStatement.objects.get_or_create(
        donor=donor, year=year, defaults={"total": statement.total}
    )
    with locked_for_send():
        record = AnnualStatement.objects.select_for_update().get(pk=record.pk)
        if record.sent_at is not None and not resend:
            return False
        return _send_statement(record, statement, raise_on_failure=raise_on_failure)


def _send_statement(
    record: AnnualStatement, statement: Statement, *, raise_on_failure: bool
) -> bool:
    donor, year = statement.donor, statement.year
    context = {
        "statement": statement,
        "statement_url": statement_url(donor=donor, year=year),
        "no_goods_or_services": NO_GOODS_OR_SERVICES,
    }
    if not email_send_for_record(
        template="annual_statement",
        subject=f"Your {year} giving statement from Redeeming Hope",
        to=[donor.email],
        context=context,
        record_id=donor.pk,
        failure=f"Could not send the {year} statement of donor %s",
        log=logger,
        raise_on_failure=raise_on_failure,
    ):
        return False
    AnnualStatement.objects.filter(pk=record.pk).update(
        sent_at=timezone.now(), total=statement.total
    )
    return True


@email_task
def send_annual_statement(donor_id: int, year: int, resend: bool = False) -> bool:
    donor = Donor.objects.filter(pk=donor_id).first()
    if donor is None:  # erased since (a privacy request)
        return False
    return statement_send(donor=donor, year=year, resend=resend, raise_on_failure=True)


def statements_send(*, year: int, resend: bool = False) -> tuple[int, int]:
    """Queue the statement of every donor who gave in `year` (a task each, see
    `send_annual_statement`). Returns (queued, skipped: sent already)."""
    donors = Donor.objects.filter(
        donations__in=Donation.objects.counted().filter(date__year=year)
    ).distinct()
    already = set(
        AnnualStatement.objects.filter(year=year, sent_at__isnull=False).values_list(
            "donor_id", flat=True
        )
    )
    queued = skipped = 0
    for donor_id in donors.order_by("pk").values_list("pk", flat=True):
        if donor_id in already and not resend:
            skipped += 1
            continue
        send_annual_statement.enqueue(donor_id=donor_id, year=year, resend=resend)
        queued += 1
    return queued, skipped
