"""
Annual giving statements: one email per donor and year listing every gift the
home kept, with the year's total, and a printable page behind a signed link.

`statements_send(year=...)` (the `donations_send_statements` command) queues
each donor's statement once, as a background task (`donations.tasks`) that
retries a failed send; running it again queues nothing new unless asked to
resend. Gifts are listed at what the donor gave (refunded parts taken off).
"""

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.links import absolute_url
from core.tasks import EmailNotSent, locked_for_send
from donations.models import AnnualStatement, Donation, Donor
from donations.services.receipts import NO_GOODS_OR_SERVICES

logger = logging.getLogger(__name__)

_SALT = "donations.statement"


@dataclass(frozen=True, kw_only=True)
class Statement:
    donor: Donor
    year: int
    gifts: tuple[Donation, ...]

    @property
    def total(self) -> Decimal:
        return sum(
            (gift.charged_amount - gift.amount_refunded for gift in self.gifts),
            Decimal("0.00"),
        )


def _gifts(donor: Donor, year: int) -> QuerySet[Donation]:
    return donor.donations.counted().filter(date__year=year).order_by("date", "pk")


def statement_for(*, donor: Donor, year: int) -> Statement:
    return Statement(donor=donor, year=year, gifts=tuple(_gifts(donor, year)))


def statement_token(*, donor: Donor, year: int) -> str:
    return signing.Signer(salt=_SALT).sign_object(
        {"d": donor.pk, "y": year}, compress=True
    )


def statement_from_token(token: str) -> Statement | None:
    """The statement a signed link names; None for a forged or broken link."""
    try:
        data = signing.Signer(salt=_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    donor_id, year = data.get("d"), data.get("y")
    if not isinstance(donor_id, int) or not isinstance(year, int):
        return None
    donor = Donor.objects.filter(pk=donor_id).first()
    if donor is None:
        return None
    return statement_for(donor=donor, year=year)


def statement_url(*, donor: Donor, year: int) -> str:
    token = statement_token(donor=donor, year=year)
    return absolute_url(reverse("donations:statement", args=[token]))


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
    try:
        message = EmailMultiAlternatives(
            subject=f"Your {year} giving statement from Redeeming Hope",
            body=render_to_string("emails/annual_statement.txt", context),
            to=[donor.email],
        )
        message.attach_alternative(
            render_to_string("emails/annual_statement.html", context), "text/html"
        )
        message.send()
    except Exception as error:
        logger.exception("Could not send the %s statement of donor %s", year, donor.pk)
        if raise_on_failure:
            raise EmailNotSent(donor.pk) from error
        return False
    AnnualStatement.objects.filter(pk=record.pk).update(
        sent_at=timezone.now(), total=statement.total
    )
    return True


def statements_send(*, year: int, resend: bool = False) -> tuple[int, int]:
    """Queue the statement of every donor who gave in `year` (a task each, see
    `donations.tasks`). Returns (queued, skipped: sent already)."""
    from donations.tasks import send_annual_statement

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
