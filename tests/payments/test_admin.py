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
