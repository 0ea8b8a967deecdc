"""The donations admin, as a volunteer uses it."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from donations.models import Donation, HomeFund, RecurringGift
from tests.donations.factories import (
    DonationFactory,
    DonorFactory,
    HomeFundFactory,
)

pytestmark = pytest.mark.django_db


def test_every_donations_admin_page_opens(admin_client):
    donation = DonationFactory()
    fund = HomeFundFactory()
    gift = RecurringGift.objects.create(donor=donation.donor, amount=Decimal("15"))
    for url in (
        reverse("admin:donations_donation_changelist"),
        reverse("admin:donations_donation_change", args=[donation.pk]),
        reverse("admin:donations_donation_add"),
        reverse("admin:donations_donor_changelist"),
        reverse("admin:donations_donor_change", args=[donation.donor.pk]),
        reverse("admin:donations_recurringgift_changelist"),
        reverse("admin:donations_recurringgift_change", args=[gift.pk]),
        reverse("admin:donations_homefund_change", args=[fund.pk]),
        reverse("admin:donations_donationpreset_changelist"),
    ):
        assert admin_client.get(url).status_code == 200, url


def test_the_list_shows_the_total_of_what_it_shows(admin_client):
    DonationFactory(amount=Decimal("100.00"), processor_fee=Decimal("3.20"))
    DonationFactory(amount=Decimal("50.00"), processor_fee=Decimal("1.75"))
    DonationFactory(amount=Decimal("999.00"), status=Donation.Status.FAILED)
    response = admin_client.get(
        reverse("admin:donations_donation_changelist"), {"status__exact": "paid"}
    )
    html = response.content.decode()
    assert "2 gift(s) shown: $150.00 paid; $145.05 counted" in html


def unpaid_attempts():
    """Two checkouts never paid (one left, one declined) beside a paid gift."""
    DonationFactory(amount=Decimal("100.00"), donor=DonorFactory(name="Paid Pat"))
    DonationFactory(
        amount=Decimal("5000.00"),
        status=Donation.Status.PENDING,
        processor_fee=None,
        donor=DonorFactory(name="Left Lee"),
    )
    DonationFactory(
        amount=Decimal("50.00"),
        status=Donation.Status.FAILED,
        processor_fee=None,
        donor=DonorFactory(name="Declined Dee"),
    )


def test_the_list_and_its_totals_show_paid_gifts_by_default(admin_client):
    unpaid_attempts()
    html = admin_client.get(reverse("admin:donations_donation_changelist")).content
    html = html.decode()
    assert "1 gift(s) shown: $100.00 paid; $98.25 counted" in html
    assert "Paid Pat" in html
    assert "Left Lee" not in html and "Declined Dee" not in html
    # The filter that hides them says so, with the default chosen.
    assert "By payment" in html
    assert re.search(r'<li class="selected">\s*<a [^>]*>Paid \(default\)</a>', html)
    assert "Not completed (left or declined)" in html
    assert "Checkouts that were never paid are hidden:" in html
    assert '<a href="?payment=not_completed">show them</a>' in html


def test_unpaid_attempts_are_one_click_away_and_never_in_the_paid_total(
    admin_client,
):
    unpaid_attempts()
    changelist = reverse("admin:donations_donation_changelist")
    html = admin_client.get(changelist, {"payment": "not_completed"}).content.decode()
    assert "Left Lee" in html and "Declined Dee" in html and "Paid Pat" not in html
    assert "2 gift(s) shown: $0.00 paid" in html
    html = admin_client.get(changelist, {"payment": "all"}).content.decode()
    assert "3 gift(s) shown: $100.00 paid; $98.25 counted" in html
    assert "2 of them were not completed" in html
    assert "never paid are hidden" not in html


def test_choosing_a_status_shows_it_whatever_the_payment_filter(admin_client):
    unpaid_attempts()
    html = admin_client.get(
        reverse("admin:donations_donation_changelist"), {"status__exact": "pending"}
    ).content.decode()
    assert "Left Lee" in html and "Paid Pat" not in html


def export(admin_client, action: str) -> list[list[str]]:
    pks = list(Donation.objects.values_list("pk", flat=True))
    response = admin_client.post(
        reverse("admin:donations_donation_changelist") + "?payment=all",
        {"action": action, "_selected_action": pks},
    )
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_csv_exports_paid_gifts_unless_asked_for_unpaid_attempts(admin_client):
    unpaid_attempts()
    rows = export(admin_client, "export_csv")
    assert [row[1] for row in rows[1:]] == ["Paid Pat"]
    rows = export(admin_client, "export_all_csv")
    assert sorted(row[1] for row in rows[1:]) == [
        "Declined Dee",
        "Left Lee",
        "Paid Pat",
    ]


def test_test_payments_read_as_plain_words(admin_client):
    DonationFactory(livemode=False, donor=DonorFactory(name="Test Tess"))
    DonationFactory(livemode=True, donor=DonorFactory(name="Real Rae"))
    changelist = reverse("admin:donations_donation_changelist")
    html = admin_client.get(changelist).content.decode()
    assert "By test payment" in html and "live mode" not in html.lower()
    html = admin_client.get(changelist, {"test": "yes"}).content.decode()
    assert "Test Tess" in html and "Real Rae" not in html
    rows = export(admin_client, "export_csv")
    assert rows[0][-1] == "test payment"
    assert sorted(row[-1] for row in rows[1:]) == ["no", "yes"]
    gift = Donation.objects.get(donor__name="Test Tess")
    html = admin_client.get(
        reverse("admin:donations_donation_change", args=[gift.pk])
    ).content.decode()
    assert "Test payment:" in html and "Live mode" not in html


def test_staff_record_a_check_gift_that_counts_and_is_receipted(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:donations_donation_add"),
            {
                "name": "Ruth Hale",
                "email": "ruth@example.org",
                "amount": "250.00",
                "date": timezone.localdate().isoformat(),
                "method": "check",
                "check_number": "3021",
                "send_receipt": "on",
                "note": "",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    gift = Donation.objects.get()
    assert gift.source == Donation.Source.OFFLINE and gift.status == "paid"
    assert gift.donor.email == "ruth@example.org" and gift.check_number == "3021"
    assert gift.receipt_number and len(mail.outbox) == 1


def test_a_future_dated_gift_is_refused_with_a_message(admin_client):
    response = admin_client.post(
        reverse("admin:donations_donation_add"),
        {
            "name": "Ruth Hale",
            "email": "ruth@example.org",
            "amount": "25.00",
            "date": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
            "method": "cash",
        },
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert not Donation.objects.exists()


def test_money_and_ids_are_read_only_once_paid(admin_client):
    gift = DonationFactory(invoice_id="in_123", amount=Decimal("20.00"))
    admin_client.post(
        reverse("admin:donations_donation_change", args=[gift.pk]),
        {"amount": "1.00", "invoice_id": "in_forged", "hidden_from_wall": "on"},
    )
    gift.refresh_from_db()
    assert gift.amount == Decimal("20.00") and gift.invoice_id == "in_123"
    assert gift.hidden_from_wall  # staff can hide a wall entry


def test_gifts_are_never_deleted(admin_client):
    gift = DonationFactory()
    response = admin_client.get(
        reverse("admin:donations_donation_delete", args=[gift.pk])
    )
    assert response.status_code == 403


def test_resend_a_receipt(admin_client):
    gift = DonationFactory(receipt_number="R-2026-000001")
    admin_client.post(
        reverse("admin:donations_donation_changelist"),
        {"action": "resend_receipts", "_selected_action": [gift.pk]},
    )
    assert len(mail.outbox) == 1


def test_the_csv_export_cannot_carry_formulas(admin_client):
    gift = DonationFactory(donor=DonorFactory(name='=HYPERLINK("http://evil")'))
    response = admin_client.post(
        reverse("admin:donations_donation_changelist"),
        {"action": "export_csv", "_selected_action": [gift.pk]},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
    assert rows[1][8] == "50.00"


def test_donors_show_their_yearly_totals(admin_client):
    donor = DonorFactory(name="Year Donor")
    DonationFactory(donor=donor, amount=Decimal("40.00"))
    DonationFactory(donor=donor, amount=Decimal("60.00"))
    html = admin_client.get(reverse("admin:donations_donor_changelist")).content
    assert b"$100.00" in html


def test_staff_cancel_a_monthly_gift_on_a_donors_behalf(admin_client, local_gateway):
    gift = RecurringGift.objects.create(
        donor=DonorFactory(), amount=Decimal("15.00"), status="active"
    )
    admin_client.post(
        reverse("admin:donations_recurringgift_changelist"),
        {"action": "cancel_gifts", "_selected_action": [gift.pk]},
    )
    gift.refresh_from_db()
    assert gift.status == RecurringGift.Status.CANCELLED


def test_test_charges_are_offered_only_with_the_local_gateway(admin_client, settings):
    RecurringGift.objects.create(donor=DonorFactory(), amount=Decimal("15.00"))
    url = reverse("admin:donations_recurringgift_changelist")
    settings.PAYMENTS_LOCAL_GATEWAY = False
    assert b"charge_next_month" not in admin_client.get(url).content
    settings.PAYMENTS_LOCAL_GATEWAY = True
    assert b"charge_next_month" in admin_client.get(url).content


def test_one_home_fund_only(admin_client):
    HomeFundFactory()
    assert admin_client.get(reverse("admin:donations_homefund_add")).status_code == 403
    assert HomeFund.objects.count() == 1


def test_preset_amounts_show_as_money(admin_client):
    from donations.models import DonationPreset

    DonationPreset.objects.create(frequency="one_time", amount=Decimal("1000"))
    html = admin_client.get(
        reverse("admin:donations_donationpreset_changelist")
    ).content.decode()
    assert '<td class="field-amount_display">$1,000.00</td>' in html
