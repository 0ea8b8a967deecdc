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
        assert wanted.session_id in html
        assert other.session_id not in html


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
        assert wanted.invoice_id in html
        assert other.invoice_id not in html
    change = reverse("admin:payments_invoicepayment_change", args=[wanted.pk])
    assert admin_client.post(change, {"amount": "1"}).status_code == 403
