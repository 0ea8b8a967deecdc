"""What each staff role may open and do with gifts, the Home fund and the
payment records: Finance's work (the Administrator's too), nobody else's."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from donations.models import Donation, HomeFund, RecurringGift
from tests.donations.factories import DonationFactory, HomeFundFactory
from tests.payments.factories import CheckoutSessionFactory, ProcessedEventFactory
from tests.staff.role_users import (
    ADMIN,
    EDITOR,
    FINANCE,
    NO_ROLE,
    SHOP,
    sign_in,
    volunteer,
)

pytestmark = pytest.mark.django_db


def money_urls() -> dict[str, str]:
    gift = DonationFactory(receipt_number="R-2026-000001")
    fund = HomeFundFactory()
    monthly = RecurringGift.objects.create(donor=gift.donor, amount=Decimal("15"))
    session = CheckoutSessionFactory()
    event = ProcessedEventFactory()
    return {
        "gifts": reverse("admin:donations_donation_changelist"),
        "gift": reverse("admin:donations_donation_change", args=[gift.pk]),
        "record a cash gift": reverse("admin:donations_donation_add"),
        "donor": reverse("admin:donations_donor_change", args=[gift.donor_id]),
        "monthly gift": reverse(
            "admin:donations_recurringgift_change", args=[monthly.pk]
        ),
        "home fund": reverse("admin:donations_homefund_change", args=[fund.pk]),
        "presets": reverse("admin:donations_donationpreset_changelist"),
        "checkout session": reverse(
            "admin:payments_checkoutsession_change", args=[session.pk]
        ),
        "monthly charges": reverse("admin:payments_invoicepayment_changelist"),
        "payment event": reverse(
            "admin:payments_processedevent_change", args=[event.pk]
        ),
    }


FINANCE_PAGES = {
    "gifts",
    "gift",
    "record a cash gift",
    "donor",
    "monthly gift",
    "home fund",
    "presets",
    "checkout session",
    "monthly charges",
}


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (EDITOR, set()),
        (SHOP, set()),
        (FINANCE, FINANCE_PAGES),
        (ADMIN, FINANCE_PAGES | {"payment event"}),
        (NO_ROLE, set()),
    ],
)
def test_which_money_pages_each_role_opens(client, role, allowed):
    sign_in(client, role)
    answers = {name: client.get(url).status_code for name, url in money_urls().items()}
    assert answers == {name: 200 if name in allowed else 403 for name in answers}


def test_payment_records_are_read_only_for_finance(client):
    session = CheckoutSessionFactory()
    sign_in(client, FINANCE)
    change = reverse("admin:payments_checkoutsession_change", args=[session.pk])
    assert 'name="status"' not in client.get(change).content.decode()
    assert client.post(change, {"status": "paid"}).status_code == 403


CASH_GIFT = {
    "name": "Ruth Hale",
    "email": "ruth@example.org",
    "amount": "250.00",
    "date": "",  # today, set in the test
    "method": "cash",
    "note": "",
}


@pytest.mark.parametrize("role", [SHOP, EDITOR, NO_ROLE])
def test_only_finance_records_a_cash_gift(client, role):
    sign_in(client, role)
    data = {**CASH_GIFT, "date": timezone.localdate().isoformat()}
    response = client.post(reverse("admin:donations_donation_add"), data)
    assert response.status_code == 403
    assert not Donation.objects.exists()


def test_finance_records_a_cash_gift(client):
    sign_in(client, FINANCE)
    data = {**CASH_GIFT, "date": timezone.localdate().isoformat()}
    response = client.post(reverse("admin:donations_donation_add"), data)
    assert response.status_code == 302
    assert Donation.objects.get().donor.email == "ruth@example.org"


def test_finance_exports_and_resends_but_never_deletes(client):
    gift = DonationFactory(receipt_number="R-2026-000001")
    changelist = reverse("admin:donations_donation_changelist")
    sign_in(client, FINANCE)
    actions = {
        name
        for name, _label in client.get(changelist)
        .context["action_form"]
        .fields["action"]
        .choices
        if name
    }
    assert actions == {"resend_receipts", "export_csv", "export_all_csv"}
    response = client.post(
        changelist, {"action": "export_csv", "_selected_action": [gift.pk]}
    )
    assert response["Content-Type"].startswith("text/csv")
    delete = reverse("admin:donations_donation_delete", args=[gift.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Donation.objects.filter(pk=gift.pk).exists()


def test_an_export_without_the_permission_is_refused(client, django_user_model):
    """A volunteer who may look at gifts (a custom group) may not take them
    off the site, nor send receipts."""
    from django.contrib.auth.models import Permission

    gift = DonationFactory(receipt_number="R-2026-000001")
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_donation"))
    client.force_login(viewer)
    changelist = reverse("admin:donations_donation_changelist")
    for action in ("export_csv", "export_all_csv", "resend_receipts"):
        response = client.post(
            changelist, {"action": action, "_selected_action": [gift.pk]}
        )
        assert not response.get("Content-Type", "").startswith("text/csv")
    assert not mail.outbox


def test_staff_without_a_role_cannot_add_the_home_fund(client):
    sign_in(client, NO_ROLE)
    assert client.get(reverse("admin:donations_homefund_add")).status_code == 403
    client.force_login(volunteer(ADMIN, "administrator"))
    assert client.get(reverse("admin:donations_homefund_add")).status_code == 200
    HomeFundFactory()
    assert client.get(reverse("admin:donations_homefund_add")).status_code == 403
    assert HomeFund.objects.count() == 1
