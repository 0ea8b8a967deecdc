"""Donors, receipt numbers and gifts staff record by hand."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from donations.errors import DonationError
from donations.models import Donation, Donor, ReceiptSequence
from donations.services.donors import donor_get_or_create
from donations.services.offline import OfflineGift, donation_record_offline
from donations.services.receipts import (
    donation_assign_receipt_number,
    receipt_number_next,
)
from tests.donations.factories import DonationFactory, DonorFactory

pytestmark = pytest.mark.django_db


def _gift(**overrides) -> OfflineGift:
    values: dict[str, Any] = {
        "email": "ann@example.org",
        "name": "Ann Lee",
        "amount": Decimal("40.00"),
        "date": timezone.localdate(),
        "method": Donation.Method.CHECK,
        "check_number": "1042",
    }
    values.update(overrides)
    return OfflineGift(**values)


def test_a_donor_is_one_row_per_email_whatever_its_case():
    first = donor_get_or_create(email="Ann@Example.org", name="Ann")
    again = donor_get_or_create(email="ann@example.ORG ", name="Someone else")
    assert again.pk == first.pk
    assert Donor.objects.get().name == "Ann"


def test_a_name_given_later_fills_in_a_donor_without_one():
    donor_get_or_create(email="bo@example.org")
    donor = donor_get_or_create(email="BO@example.org", name="Bo")
    assert donor.name == "Bo" and Donor.objects.get().name == "Bo"


def test_the_database_refuses_two_donors_with_one_email():
    DonorFactory(email="cy@example.org")
    with pytest.raises(IntegrityError):
        DonorFactory(email="CY@EXAMPLE.ORG")


def test_receipt_numbers_count_up_within_a_year_and_restart_the_next():
    assert receipt_number_next(year=2026) == "R-2026-000001"
    assert receipt_number_next(year=2026) == "R-2026-000002"
    assert receipt_number_next(year=2027) == "R-2027-000001"
    assert ReceiptSequence.objects.get(year=2026).last_number == 2


@pytest.mark.parametrize("year", [1999, 10000])
def test_receipt_years_out_of_range_are_refused(year):
    with pytest.raises(ValueError):
        receipt_number_next(year=year)


def test_a_gift_keeps_its_receipt_number():
    donation = DonationFactory(date=dt.date(2026, 3, 1))
    number = donation_assign_receipt_number(donation=donation)
    assert number == "R-2026-000001"
    assert donation_assign_receipt_number(donation=donation) == number
    assert ReceiptSequence.objects.get(year=2026).last_number == 1


def test_an_offline_check_is_counted_receipted_and_emailed(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        donation = donation_record_offline(gift=_gift())
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert donation.source == Donation.Source.OFFLINE
    assert donation.processor_fee == Decimal("0.00")
    assert donation.check_number == "1042"
    assert donation.receipt_number == f"R-{timezone.localdate().year}-000001"
    assert donation.receipt_sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ann@example.org"]


def test_an_offline_gift_without_a_receipt_sends_nothing(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        donation = donation_record_offline(
            gift=_gift(method=Donation.Method.CASH, send_receipt=False)
        )
    assert mail.outbox == []
    assert donation.check_number == ""
    assert donation.receipt_number  # numbered all the same: staff may print it


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount": Decimal("0")}, "more than"),
        ({"amount": Decimal("-5.00")}, "more than"),
        ({"amount": Decimal("1.005")}, "dollars and cents"),
        ({"amount": Decimal("999999.00")}, "arranged"),
        ({"method": Donation.Method.CARD}, "cash or by check"),
        ({"date": timezone.localdate() + dt.timedelta(days=1)}, "future"),
    ],
)
def test_bad_offline_gifts_are_refused_and_nothing_is_kept(overrides, message):
    with pytest.raises(DonationError, match=message):
        donation_record_offline(gift=_gift(**overrides))
    assert not Donation.objects.exists()
    assert not ReceiptSequence.objects.exists()
