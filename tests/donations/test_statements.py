"""Annual statements: every gift of the year, sent once per donor and year."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command

from donations.models import AnnualStatement, Donation
from donations.selectors import statement_for
from donations.services.statements import statements_send
from tests.donations.factories import DonationFactory, DonorFactory
from tests.donations.test_receipts import CHARITY_WITH_EIN, CHARITY_WITHOUT_EIN
from tests.html import html_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_of_gifts():
    ann = DonorFactory(email="ann@example.org")
    DonationFactory(donor=ann, amount=Decimal("25.00"), date=dt.date(2025, 1, 5))
    DonationFactory(
        donor=ann,
        amount=Decimal("100.00"),
        fee_covered=Decimal("3.30"),
        date=dt.date(2025, 6, 5),
    )
    DonationFactory(
        donor=ann,
        amount=Decimal("40.00"),
        date=dt.date(2025, 7, 5),
        status=Donation.Status.PARTIALLY_REFUNDED,
        amount_refunded=Decimal("15.00"),
    )
    DonationFactory(donor=ann, amount=Decimal("999.00"), date=dt.date(2024, 12, 31))
    DonationFactory(
        donor=ann,
        amount=Decimal("999.00"),
        date=dt.date(2025, 8, 1),
        status=Donation.Status.FAILED,
    )
    bo = DonorFactory(email="bo@example.org")
    DonationFactory(donor=bo, amount=Decimal("10.00"), date=dt.date(2025, 2, 2))
    return ann, bo


def test_a_statement_lists_the_years_kept_gifts_and_their_total(year_of_gifts):
    ann, _bo = year_of_gifts
    statement = statement_for(donor=ann, year=2025)
    assert len(statement.gifts) == 3
    assert statement.total == Decimal("153.30")  # 25 + 103.30 + (40 - 15)


def test_statements_go_once_per_donor_and_year(year_of_gifts):
    assert statements_send(year=2025) == (2, 0)
    assert len(mail.outbox) == 2
    body = next(m for m in mail.outbox if m.to == ["ann@example.org"]).body
    assert "$153.30" in body and "No goods or services" in body
    assert "/donate/statement/" in body
    assert statements_send(year=2025) == (0, 2)
    assert len(mail.outbox) == 2
    assert statements_send(year=2025, resend=True) == (2, 0)
    assert AnnualStatement.objects.count() == 2


def test_the_command_is_safe_to_run_twice(year_of_gifts):
    call_command("donations_send_statements", year=2025, stdout=open("/dev/null", "w"))
    call_command("donations_send_statements", year=2025, stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 2


def test_the_command_refuses_a_future_year():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("donations_send_statements", year=3000)


def _ann_statement(settings, client, *, ein: str) -> tuple[str, str, str]:
    """Ann's 2025 statement: the email's text, its HTML and the printable page."""
    settings.ORGANIZATION_LEGAL_NAME = "Redeeming Hope, Inc."
    settings.ORGANIZATION_EIN = ein
    settings.SITE_URL = "http://testserver"
    statements_send(year=2025)
    message = next(m for m in mail.outbox if m.to == ["ann@example.org"])
    link = next(word for word in message.body.split() if "/donate/statement/" in word)
    page = client.get(link.removeprefix("http://testserver"))
    assert page.status_code == 200
    return str(message.body), html_of(message), page.content.decode()


def test_the_statement_says_who_received_the_gifts(year_of_gifts, settings, client):
    for text in _ann_statement(settings, client, ein="12-3456789"):
        assert CHARITY_WITH_EIN in text


def test_without_an_ein_the_statement_shows_no_blank(year_of_gifts, settings, client):
    for text in _ann_statement(settings, client, ein=""):
        assert CHARITY_WITHOUT_EIN in text
        assert "EIN" not in text
