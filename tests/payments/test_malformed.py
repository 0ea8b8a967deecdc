"""
Signed but malformed events, and hostile ids in URLs and success pages: never a
500 (Stripe would retry a 500 for days; PostgreSQL refuses a NUL byte).
"""

import json

import pytest
from django.test import Client
from django.urls import reverse

from payments.models import CheckoutSession, ProcessedEvent
from tests.payments.factories import CheckoutSessionFactory
from tests.payments.fixtures import TEST_WEBHOOK_SECRET, sign_stripe_payload
from tests.payments.fixtures import stripe_event as recorded_event

pytestmark = pytest.mark.django_db

PAID = "checkout_session_completed_paid"


@pytest.mark.parametrize("obj", [[1, 2], "cs_test_abc", None, 42, True, []])
@pytest.mark.parametrize(
    "event_type",
    ["checkout.session.completed", "charge.refunded", "payment_intent.succeeded"],
)
def test_an_object_that_is_not_an_object_is_recorded_and_refused(
    post_stripe_event, recording_handler, obj, event_type
):
    """400 (Stripe's dashboard shows it), recorded: Stripe's retry is a
    duplicate, answered 200, so the retries stop."""
    event = recorded_event(PAID)
    event["type"] = event_type
    event["data"]["object"] = obj
    response = post_stripe_event(event)
    assert response.status_code == 400
    assert response.content == b"malformed"
    assert recording_handler.calls == []
    recorded = ProcessedEvent.objects.get()
    assert (recorded.event_id, recorded.object_id) == (event["id"], "")

    replay = post_stripe_event(event)
    assert (replay.status_code, replay.content) == (200, b"duplicate")


@pytest.mark.parametrize("data", [None, [], "x", 1])
def test_data_that_is_not_an_object_is_recorded_and_refused(
    post_stripe_event, recording_handler, data
):
    event = recorded_event(PAID)
    event["data"] = data
    response = post_stripe_event(event)
    assert (response.status_code, response.content) == (400, b"malformed")
    assert recording_handler.calls == []


@pytest.mark.parametrize(
    "overrides",
    [
        {"id": None},
        {"id": ["cs_test_x"]},
        {"id": "cs_test_\x00abc"},
        {"id": "x" * 300},
        {"metadata": "kind=test"},
        {"metadata": ["test"]},
        {"metadata": {"kind": ["test"], "reference": {"a": 1}}},
        {"metadata": {"kind": "t" * 41, "reference": "RH-1"}},
        {"metadata": {"kind": "test\x00", "reference": "RH-1"}},
        {"payment_intent": {"id": None}},
        {"payment_intent": ["pi_x"]},
        {"client_reference_id": {"x": 1}},
        {"payment_status": ["paid"]},
    ],
)
def test_junk_fields_of_a_session_are_never_a_500(
    post_stripe_event, recording_handler, overrides
):
    overrides.setdefault("metadata", {"kind": "test", "reference": "RH-1"})
    response = post_stripe_event(PAID, **overrides)
    assert response.status_code == 200
    assert ProcessedEvent.objects.count() == 1
    for _name, outcome in recording_handler.calls:
        assert "\x00" not in outcome.kind + outcome.reference + outcome.session_id


@pytest.mark.parametrize(
    "overrides",
    [
        {"payment_intent": "pi_\x00abc"},
        {"payment_intent": 12},
        {"amount": "5162", "amount_refunded": "5162", "refunded": "yes"},
        {"id": {"nested": True}},
    ],
)
def test_junk_fields_of_a_refund_are_never_a_500(
    post_stripe_event, recording_handler, overrides
):
    CheckoutSessionFactory(
        payment_intent_id="pi_3QaBcDeFgHiJkLmN0aBcDeFg",
        status=CheckoutSession.Status.PAID,
    )
    response = post_stripe_event("charge_refunded_full", **overrides)
    assert response.status_code == 200
    assert ProcessedEvent.objects.count() == 1


@pytest.mark.parametrize(
    "event_id", ["evt_\x00abc", "", None, 42, "not an id", "x" * 300]
)
def test_an_event_with_an_unusable_id_is_refused_with_400(
    settings, recording_handler, event_id
):
    settings.STRIPE_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET
    event = recorded_event(PAID, kind="test")
    event["id"] = event_id
    body = json.dumps(event).encode()
    response = Client().post(
        reverse("payments:stripe-webhook"),
        data=body,
        content_type="application/json",
        headers={"Stripe-Signature": sign_stripe_payload(body, TEST_WEBHOOK_SECRET)},
    )
    assert response.status_code == 400
    assert not ProcessedEvent.objects.exists()


@pytest.mark.parametrize("event_type", ["checkout.session.\x00completed", "", 12])
def test_an_event_with_an_unusable_type_is_refused_with_400(
    settings, recording_handler, event_type
):
    settings.STRIPE_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET
    event = recorded_event(PAID, kind="test")
    event["type"] = event_type
    body = json.dumps(event).encode()
    response = Client().post(
        reverse("payments:stripe-webhook"),
        data=body,
        content_type="application/json",
        headers={"Stripe-Signature": sign_stripe_payload(body, TEST_WEBHOOK_SECRET)},
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path_id",
    ["cs_local_%00", "cs_local_abc%00def", "%00", "cs_local_%E2%80%8B", "cs_test_abc"],
)
def test_junk_in_a_local_checkout_url_is_404(
    client, local_gateway, recording_handler, path_id
):
    url = reverse("payments:local-checkout", args=["placeholder"]).replace(
        "placeholder", path_id
    )
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "pay"}).status_code == 404
    assert recording_handler.calls == []
