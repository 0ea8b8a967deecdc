"""The admin shows what payments recorded, read-only, searchable by Stripe ids."""

import pytest
from django.urls import reverse

from tests.payments.factories import CheckoutSessionFactory, ProcessedEventFactory

pytestmark = pytest.mark.django_db


def test_sessions_are_searchable_by_stripe_ids(admin_client):
    wanted = CheckoutSessionFactory(payment_intent_id="pi_wanted")
    other = CheckoutSessionFactory()
    url = reverse("admin:payments_checkoutsession_changelist")
    for term in ["pi_wanted", wanted.session_id, wanted.reference]:
        html = admin_client.get(url, {"q": term}).content.decode()
        assert wanted.reference in html
        assert other.reference not in html


def test_events_are_searchable_by_event_id(admin_client):
    wanted = ProcessedEventFactory(event_id="evt_wanted")
    other = ProcessedEventFactory()
    url = reverse("admin:payments_processedevent_changelist")
    html = admin_client.get(url, {"q": "evt_wanted"}).content.decode()
    assert wanted.event_id in html
    assert other.event_id not in html


def test_records_are_read_only(admin_client):
    session = CheckoutSessionFactory()
    assert (
        admin_client.get(reverse("admin:payments_checkoutsession_add")).status_code
        == 403
    )
    change = reverse("admin:payments_checkoutsession_change", args=[session.pk])
    response = admin_client.get(change)
    assert response.status_code == 200
    assert 'name="amount_total"' not in response.content.decode()
    assert admin_client.post(change, {"status": "paid"}).status_code == 403
    delete = reverse("admin:payments_checkoutsession_delete", args=[session.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403


def test_monthly_charges_are_searchable_by_stripe_ids(admin_client):
    from decimal import Decimal

    from payments.models import InvoicePayment

    def charge(n: int) -> InvoicePayment:
        return InvoicePayment.objects.create(
            kind="test",
            reference=f"MG-{n}",
            invoice_id=f"in_test_{n}",
            subscription_id=f"sub_test_{n}",
            payment_intent_id=f"pi_test_{n}",
            amount=Decimal("25.00"),
            currency="usd",
        )

    wanted, other = charge(1), charge(2)
    url = reverse("admin:payments_invoicepayment_changelist")
    for term in ["in_test_1", "sub_test_1", "pi_test_1"]:
        html = admin_client.get(url, {"q": term}).content.decode()
        assert wanted.reference in html
        assert other.reference not in html
    change = reverse("admin:payments_invoicepayment_change", args=[wanted.pk])
    assert admin_client.post(change, {"amount": "1"}).status_code == 403


def test_the_session_list_names_payments_plainly_with_money_as_money(admin_client):
    from decimal import Decimal

    CheckoutSessionFactory(
        local=True,
        kind="order",
        reference="RH-1042",
        amount_total=Decimal("25"),
        amount_received=Decimal("25"),
        currency_received="USD",
        fee=Decimal("1.03"),
    )
    CheckoutSessionFactory(local=True, kind="donation", reference="x" * 24)
    CheckoutSessionFactory(local=True, kind="recurring_gift", reference="y" * 24)
    html = admin_client.get(
        reverse("admin:payments_checkoutsession_changelist")
    ).content.decode()
    assert "Order RH-1042" in html
    assert "One-time gift" in html and "Monthly gift" in html
    assert "$25.00" in html and "$1.03" in html
    assert "cs_local_" not in html and "x" * 24 not in html
    assert "By test payment" in html and "live mode" not in html.lower()


def test_only_administrators_see_a_sessions_technical_details(client):
    from tests.staff.role_users import ADMIN, FINANCE, sign_in, volunteer

    session = CheckoutSessionFactory(local=True, kind="order", reference="RH-7")
    change = reverse("admin:payments_checkoutsession_change", args=[session.pk])
    sign_in(client, FINANCE)
    html = client.get(change).content.decode()
    assert "Order RH-7" in html and "Test payment" in html
    assert session.session_id not in html and "Technical details" not in html
    client.force_login(volunteer(ADMIN))
    html = client.get(change).content.decode()
    assert "Technical details" in html and session.session_id in html
