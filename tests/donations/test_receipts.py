"""The receipt: what the IRS asks of a written acknowledgment, to the cent."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from donations.models import Donation
from donations.services.receipts import NO_GOODS_OR_SERVICES, donation_send_receipt
from tests.donations.factories import DonationFactory
from tests.html import html_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization(settings):
    settings.ORGANIZATION_LEGAL_NAME = "Redeeming Hope, Inc."
    settings.ORGANIZATION_EIN = "12-3456789"


def _paid(**overrides) -> Donation:
    values = {
        "amount": Decimal("100.00"),
        "fee_covered": Decimal("3.30"),
        "date": dt.date(2026, 5, 4),
        "receipt_number": "R-2026-000123",
    }
    values.update(overrides)
    return DonationFactory(**values)


def test_the_receipt_says_what_the_irs_asks(organization):
    donation = _paid(
        dedication=Donation.Dedication.MEMORY, dedication_name="Grandma Rose"
    )
    assert donation_send_receipt(donation_id=donation.pk) is True
    message = mail.outbox[0]
    html = html_of(message)
    for body in (message.body, html):
        assert "Redeeming Hope, Inc." in body
        assert "12-3456789" in body
        assert "May 4, 2026" in body
        assert "$103.30" in body
        assert "$100.00 plus $3.30" in body
        assert "R-2026-000123" in body
        assert NO_GOODS_OR_SERVICES in body
        assert "In memory of Grandma Rose" in body
    assert "R-2026-000123" in message.subject
    assert NO_GOODS_OR_SERVICES == (
        "No goods or services were provided in exchange for this contribution."
    )


def test_a_receipt_goes_once_unless_staff_resend_it(organization):
    donation = _paid()
    assert donation_send_receipt(donation_id=donation.pk) is True
    assert donation_send_receipt(donation_id=donation.pk) is False
    assert donation_send_receipt(donation_id=donation.pk, resend=True) is True
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    "status",
    [Donation.Status.PENDING, Donation.Status.FAILED, Donation.Status.REFUNDED],
)
def test_no_receipt_for_money_the_home_did_not_keep(organization, status):
    donation = _paid(status=status)
    assert donation_send_receipt(donation_id=donation.pk) is False
    assert mail.outbox == []


def test_a_failed_send_is_logged_and_left_for_staff(organization, monkeypatch):
    donation = _paid()

    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    assert donation_send_receipt(donation_id=donation.pk) is False
    donation.refresh_from_db()
    assert donation.receipt_sent_at is None


def test_the_person_named_is_told_once_without_the_amount(
    organization, django_capture_on_commit_callbacks
):
    from donations.services.receipts import dedication_send_notice

    donation = _paid(
        dedication=Donation.Dedication.HONOR,
        dedication_name="Coach Rivera",
        dedication_notify_email="rivera@example.org",
    )
    assert dedication_send_notice(donation_id=donation.pk) is True
    assert dedication_send_notice(donation_id=donation.pk) is False
    notice = mail.outbox[0]
    assert notice.to == ["rivera@example.org"]
    assert "in honor of Coach Rivera" in notice.body
    assert donation.donor.name in notice.body
    assert "$" not in notice.body and "$" not in html_of(notice)


def test_an_anonymous_donor_stays_anonymous_to_the_person_named(organization):
    from donations.services.receipts import dedication_send_notice

    donation = _paid(
        dedication=Donation.Dedication.MEMORY,
        dedication_name="Grandpa Joe",
        dedication_notify_email="family@example.org",
        is_anonymous=True,
    )
    dedication_send_notice(donation_id=donation.pk)
    assert "Someone has made a gift" in mail.outbox[0].body
    assert donation.donor.name not in mail.outbox[0].body


CHARITY_WITH_EIN = (
    "Redeeming Hope, Inc. is a 501(c)(3) public charity, EIN 12-3456789. Gifts are "
    "tax-deductible as the law allows."
)
CHARITY_WITHOUT_EIN = (
    "Redeeming Hope, Inc. is a 501(c)(3) public charity. Gifts are tax-deductible "
    "as the law allows."
)


def test_the_receipt_says_who_received_the_gift(organization):
    donation_send_receipt(donation_id=_paid().pk)
    message = mail.outbox[0]
    assert CHARITY_WITH_EIN in message.body
    assert CHARITY_WITH_EIN in html_of(message)


def test_without_an_ein_the_receipt_shows_no_blank(organization, settings):
    settings.ORGANIZATION_EIN = ""
    donation_send_receipt(donation_id=_paid().pk)
    message = mail.outbox[0]
    for body in (message.body, html_of(message)):
        assert CHARITY_WITHOUT_EIN in body
        assert "EIN" not in body


@pytest.mark.parametrize(
    ("ein", "line"), [("12-3456789", CHARITY_WITH_EIN), ("", CHARITY_WITHOUT_EIN)]
)
def test_the_donate_page_says_who_receives_the_gift(
    organization, settings, client, ein, line
):
    settings.ORGANIZATION_EIN = ein
    html = client.get(reverse("donations:donate")).content.decode()
    assert line in html
    assert ("EIN" in html) == bool(ein)


def test_the_demo_sets_an_ein_marked_as_a_demo(tmp_path):
    """`make run` (DEBUG on) shows the line with a demo EIN that says it is one;
    production (DEBUG off) has none unless ORGANIZATION_EIN is set."""
    from tests.test_settings import manage

    show = "from django.conf import settings; print(settings.ORGANIZATION_EIN)"
    demo = manage(
        "shell", "--no-imports", "-c", show, env={"DEBUG": "1"}, tmp_path=tmp_path
    )
    assert demo.stdout.strip() == "00-0000000 (demo, not a real EIN)", demo.stderr
    production = manage(
        "shell",
        "--no-imports",
        "-c",
        show,
        env={"DEBUG": "0", "SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "example.org"},
        tmp_path=tmp_path,
    )
    assert production.stdout.strip() == "", production.stderr
