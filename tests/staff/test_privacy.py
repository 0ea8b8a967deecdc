"""
A person asks for a copy of their data, or for its erasure (staff.privacy and
the "Privacy requests" admin): the copy holds everything, erasure replaces what
names the person and keeps every amount, number and date, sends nothing, and
is refused while a monthly gift still charges. Only Finance may do it.
"""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from donations.models import Donation, Donor, RecurringGift
from donations.selectors import fund_raised
from donations.services.privacy import donor_erase, donor_export
from payments.models import CheckoutSession
from payments.registry import CheckoutOutcome
from shop.models import Order, OrderEvent
from shop.selectors import shop_proceeds
from shop.services.outcomes import order_mark_paid
from shop.services.placing import order_create_from_cart
from shop.services.privacy import orders_erase, orders_export
from staff.models import PrivacyRequest
from staff.privacy import (
    ErasureRefused,
    email_hash,
    privacy_erase,
    privacy_export,
    privacy_holdings,
)
from tests.donations.factories import DonationFactory, DonorFactory
from tests.shop.factories import VariantFactory, checkout_data

pytestmark = pytest.mark.django_db

EMAIL = "Ada.Buyer@Example.org"
HANDLE_URL = "admin:staff_privacyrequest_handle"


def _paid_order(email: str = EMAIL) -> Order:
    variant = VariantFactory(price=Decimal("25.00"), unit_cost=Decimal("10.00"))
    order = order_create_from_cart(
        cart={variant.pk: 2},
        customer=checkout_data(email=email, phone="502-555-0100"),
    )
    outcome = CheckoutOutcome(
        action="paid",
        kind="order",
        reference=order.number or "",
        session_id=f"cs_test_{order.pk}",
        payment_intent_id=f"pi_test_{order.pk}",
        amount_total=order.total,
        fee=Decimal("1.23"),
        event_id="",
        livemode=False,
    )
    order_mark_paid(order_number=order.number or "", outcome=outcome)
    order.refresh_from_db()
    return order


@pytest.fixture
def person():
    """One person with a paid order, two paid gifts (one dedicated, with a
    receipt) and a canceled monthly gift, all under one email address."""
    order = _paid_order()
    OrderEvent.objects.create(order=order, status=order.status, note="Leave at door")
    CheckoutSession.objects.create(
        kind="order",
        reference=order.number or "",
        session_id=f"cs_test_{order.pk}",
        gateway="local",
        currency="usd",
        amount_total=order.total,
        customer_email=EMAIL,
        url="https://example.org/pay",
        success_url="https://example.org/ok",
        cancel_url="https://example.org/no",
        idempotency_key="k1",
        expires_at=timezone.now() + timedelta(minutes=30),
    )
    donor = DonorFactory(email=EMAIL.lower(), name="Ada Buyer")
    DonationFactory(
        donor=donor,
        receipt_number="R-2026-000007",
        receipt_sent_at=timezone.now(),
        dedication="memory",
        dedication_name="Grandma Rose",
        dedication_notify_email="rose.family@example.org",
        show_on_wall=True,
        note="Called to say thanks",
    )
    DonationFactory(donor=donor, receipt_number="R-2026-000008")
    RecurringGift.objects.create(
        donor=donor,
        amount=Decimal("30.00"),
        status=RecurringGift.Status.CANCELLED,
        dedication="honor",
        dedication_name="Mom",
    )
    mail.outbox.clear()
    return {"order": order, "donor": donor}


@pytest.fixture
def finance_client(client, django_user_model):
    """A volunteer in the Finance group (its permission comes from a migration)."""
    user = django_user_model.objects.create_user(
        "finance", password="pw", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Finance"))
    client.force_login(user)
    return client


def test_holdings_list_orders_and_receipts(person):
    holdings = privacy_holdings(email="  ada.buyer@example.ORG ")
    assert holdings.order_numbers == (person["order"].number,)
    assert holdings.receipt_numbers == ("R-2026-000007", "R-2026-000008")
    assert (holdings.donations, holdings.monthly_gifts) == (2, 1)
    assert holdings.active_monthly_gifts == 0


def test_export_holds_everything_and_is_recorded(person):
    data = privacy_export(email=EMAIL)
    json.dumps(data)  # plain data only
    (order,) = data["shop_orders"]
    assert order["order_number"] == person["order"].number
    assert order["name"] == "Ada Buyer" and order["phone"] == "502-555-0100"
    assert order["address"]["line1"] == "1 Main Street"
    assert order["items"][0]["quantity"] == 2
    assert order["total"] == str(person["order"].total)
    assert data["donor"]["name"] == "Ada Buyer"
    gifts = data["donor"]["gifts"]
    assert [g["receipt_number"] for g in gifts] == ["R-2026-000007", "R-2026-000008"]
    assert gifts[0]["honoree"] == "Grandma Rose"
    assert data["donor"]["monthly_gifts"][0]["honoree"] == "Mom"
    record = PrivacyRequest.objects.get()
    assert record.kind == "export" and (record.orders, record.donations) == (1, 2)


def test_erase_replaces_personal_fields_and_keeps_the_books(person):
    proceeds, raised = shop_proceeds(), fund_raised()
    before = Order.objects.values(
        "number", "status", "total", "subtotal", "tax_amount", "paid_at", "state"
    ).get(pk=person["order"].pk)
    record = privacy_erase(email=EMAIL)

    order = Order.objects.get(pk=person["order"].pk)
    assert order.name == "Erased" and order.email.endswith("@erased.invalid")
    assert order.phone == order.city == order.zip_code == order.address_line2 == ""
    assert order.address_line1 == "Erased"
    after = Order.objects.values(*before).get(pk=order.pk)
    assert after == before
    assert order.lines.count() == 1
    assert list(order.events.exclude(note="").values_list("note", flat=True)) == [
        "Erased"
    ]
    session = CheckoutSession.objects.get(reference=order.number)
    assert session.customer_email == "erased@erased.invalid"

    donor = Donor.objects.get(pk=person["donor"].pk)
    assert donor.name == "Erased" and donor.email.endswith("@erased.invalid")
    dedicated = Donation.objects.get(receipt_number="R-2026-000007")
    assert dedicated.dedication_name == "Erased"
    assert dedicated.dedication_notify_email == ""
    assert dedicated.note == "Erased" and not dedicated.show_on_wall
    assert dedicated.amount == Decimal("50.00") and dedicated.status == "paid"
    assert RecurringGift.objects.get().dedication_name == "Erased"

    assert shop_proceeds() == proceeds and fund_raised() == raised
    assert mail.outbox == []  # no receipt, no email of any kind
    assert (record.orders, record.donations, record.monthly_gifts) == (1, 2, 1)


def test_the_admin_history_no_longer_names_the_donor(person, admin_user):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    donor = person["donor"]
    for obj in (donor, donor.donations.first()):
        LogEntry.objects.create(
            user=admin_user,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            action_flag=CHANGE,
            change_message="[]",
        )
    other = LogEntry.objects.create(
        user=admin_user,
        content_type=ContentType.objects.get_for_model(Order),
        object_id=str(person["order"].pk),
        object_repr=person["order"].number,
        action_flag=CHANGE,
    )
    assert "Ada Buyer" in str(list(LogEntry.objects.values_list("object_repr")))
    privacy_erase(email=EMAIL)
    reprs = set(
        LogEntry.objects.exclude(pk=other.pk).values_list("object_repr", flat=True)
    )
    assert reprs == {"Erased"}
    other.refresh_from_db()
    assert other.object_repr == person["order"].number


def test_second_erase_is_harmless(person):
    privacy_erase(email=EMAIL)
    snapshot = list(Order.objects.values()), list(Donor.objects.values())
    record = privacy_erase(email=EMAIL)
    assert (record.orders, record.donations, record.monthly_gifts) == (0, 0, 0)
    assert (list(Order.objects.values()), list(Donor.objects.values())) == snapshot
    assert privacy_holdings(email=EMAIL).anything is False
    assert mail.outbox == []


def test_other_people_are_untouched(person):
    other = _paid_order(email="someone.else@example.org")
    privacy_erase(email=EMAIL)
    other.refresh_from_db()
    assert other.name == "Ada Buyer" and other.email == "someone.else@example.org"


def test_active_monthly_gift_refuses_and_changes_nothing(person):
    RecurringGift.objects.create(
        donor=person["donor"],
        amount=Decimal("15.00"),
        status=RecurringGift.Status.ACTIVE,
        subscription_id="sub_test_active",
    )
    with pytest.raises(ErasureRefused, match=r"Cancel .* monthly gift first.*\$15\.00"):
        privacy_erase(email=EMAIL)
    assert Order.objects.get(pk=person["order"].pk).name == "Ada Buyer"
    assert Donor.objects.get(pk=person["donor"].pk).name == "Ada Buyer"
    record = PrivacyRequest.objects.get()
    assert record.outcome == "refused" and "monthly gift" in record.reason
    assert EMAIL.lower() not in record.reason.lower()


def test_order_at_checkout_refuses(person):
    variant = VariantFactory()
    pending = order_create_from_cart(
        cart={variant.pk: 1}, customer=checkout_data(email=EMAIL)
    )
    Order.objects.filter(pk=pending.pk).update(
        expires_at=timezone.now() + timedelta(minutes=20)
    )
    with pytest.raises(ErasureRefused, match=pending.number):
        privacy_erase(email=EMAIL)
    assert Donor.objects.get(pk=person["donor"].pk).name == "Ada Buyer"


@pytest.mark.parametrize("bad", ["", "   ", "not an email", "a\x00@b.org", None, 5])
def test_bad_email_is_refused(bad):
    with pytest.raises(ValueError):
        privacy_erase(email=bad)
    with pytest.raises(ValueError):
        privacy_export(email=bad)
    assert not PrivacyRequest.objects.exists()


@pytest.mark.parametrize("bad", ["", "x", "a\x00@b.org", None, 3])
def test_app_services_refuse_bad_email(bad):
    with pytest.raises((ValueError, TypeError)):
        orders_erase(email=bad)
    with pytest.raises((ValueError, TypeError)):
        donor_erase(email=bad)
    with pytest.raises((ValueError, TypeError)):
        orders_export(email=bad)
    with pytest.raises((ValueError, TypeError)):
        donor_export(email=bad)


def test_record_holds_no_personal_data(person):
    privacy_export(email=EMAIL)
    privacy_erase(email=EMAIL)
    for record in PrivacyRequest.objects.values():
        text = json.dumps(record, default=str).lower()
        assert "ada" not in text and "example.org" not in text
        assert record["email_hash"] == email_hash(EMAIL.upper())
        assert len(record["email_hash"]) == 64


# ---------------------------------------------------------------------------
# The admin pages
# ---------------------------------------------------------------------------
def test_permission_is_required(client, django_user_model, person):
    user = django_user_model.objects.create_user(
        "shopper", password="pw", is_staff=True
    )
    user.user_permissions.add(Permission.objects.get(codename="view_order"))
    client.force_login(user)
    url = reverse(HANDLE_URL)
    assert client.get(url).status_code == 403
    response = client.post(url, {"step": "erase", "email": EMAIL, "confirm": "on"})
    assert response.status_code == 403
    assert Donor.objects.get(pk=person["donor"].pk).name == "Ada Buyer"
    response = client.get(reverse("admin:staff_privacyrequest_changelist"))
    assert response.status_code == 403


@pytest.mark.parametrize("name", ["Finance", "Administrator"])
def test_the_groups_hold_the_permissions(name):
    held = set(
        Group.objects.get(name=name).permissions.values_list("codename", flat=True)
    )
    assert {"handle_privacy_request", "view_privacyrequest"} <= held


def test_finance_looks_up_downloads_and_erases(finance_client, person):
    url = reverse(HANDLE_URL)
    assert finance_client.get(url).status_code == 200
    page = finance_client.post(url, {"step": "look", "email": EMAIL}).content.decode()
    assert person["order"].number in page and "R-2026-000007" in page

    download = finance_client.post(url, {"step": "download", "email": EMAIL})
    assert download["Content-Type"] == "application/json"
    assert "attachment" in download["Content-Disposition"]
    assert EMAIL not in download["Content-Disposition"]
    assert json.loads(download.content)["donor"]["name"] == "Ada Buyer"

    confirm = finance_client.post(url, {"step": "confirm", "email": EMAIL})
    assert "cannot be undone" in confirm.content.decode()
    unconfirmed = finance_client.post(url, {"step": "erase", "email": EMAIL})
    assert unconfirmed.status_code == 200  # the confirmation page again
    assert Donor.objects.get(pk=person["donor"].pk).name == "Ada Buyer"

    done = finance_client.post(
        url, {"step": "erase", "email": EMAIL, "confirm": "on"}, follow=True
    )
    record = PrivacyRequest.objects.get(kind="erase")
    detail = finance_client.get(
        reverse("admin:staff_privacyrequest_change", args=[record.pk])
    )
    assert (
        detail.status_code == 200 and record.email_hash not in detail.content.decode()
    )
    assert Donor.objects.get(pk=person["donor"].pk).name == "Erased"
    listing = done.content.decode()
    assert "Erased: 1 shop order(s), 2 gift(s)" in listing
    assert "Ada" not in listing and "example.org" not in listing.lower()
    assert mail.outbox == []


def test_admin_shows_a_refusal(finance_client, person):
    RecurringGift.objects.create(
        donor=person["donor"], amount=Decimal("15.00"), status="active"
    )
    response = finance_client.post(
        reverse(HANDLE_URL),
        {"step": "erase", "email": EMAIL, "confirm": "on"},
        follow=True,
    )
    assert "Nothing was erased" in response.content.decode()
    assert Donor.objects.get(pk=person["donor"].pk).name == "Ada Buyer"


@pytest.mark.parametrize(
    "data",
    [
        {"step": "look", "email": "\x00"},
        {"step": "download", "email": "x" * 5000},
        {"step": "confirm"},
        {"step": "erase", "email": "a@b.org"},
        {"step": "look", "email": ["a@b.org", "not-an-email"]},
        {"step": "nonsense"},
    ],
)
def test_admin_survives_bad_input(finance_client, data):
    assert finance_client.post(reverse(HANDLE_URL), data).status_code == 200
    assert not PrivacyRequest.objects.exists()
