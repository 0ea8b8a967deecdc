"""
The webhook never waits on Stripe: it records the payment from the event alone,
and the processor's fee is fetched afterwards, by a task (and by the
`payments_fetch_fees` command for those a task could not get).
"""

from decimal import Decimal

import pytest
import stripe
from django.core.management import call_command

from payments import gateways
from payments.models import CheckoutSession
from payments.services.fees import checkout_fee_update
from tests.payments.factories import CheckoutSessionFactory
from tests.payments.fixtures import TEST_SECRET_KEY, stripe_event
from tests.payments.stripe_double import FakeStripe, UnreachableStripe

pytestmark = pytest.mark.django_db

PAID = "checkout_session_completed_paid"
SESSION = stripe_event(PAID)["data"]["object"]["id"]
INTENT = "pi_3QaBcDeFgHiJkLmN0aBcDeFg"


def paid_intent(fee_cents=180, amount=5162, currency="usd"):
    """A PaymentIntent as Stripe returns it with the fee expansion."""
    return {
        "id": INTENT,
        "object": "payment_intent",
        "amount": amount,
        "currency": "usd",
        "metadata": {},
        "latest_charge": {
            "id": "ch_3QaBcDeFgHiJkLmN0aBcDeFg",
            "object": "charge",
            "balance_transaction": {
                "id": "txn_3QaBcDeFgHiJkLmN0aBcDeFg",
                "object": "balance_transaction",
                "fee": fee_cents,
                "currency": currency,
            },
        },
    }


@pytest.fixture
def record(db):
    return CheckoutSessionFactory(
        session_id=SESSION,
        payment_intent_id="",
        reference="RH-1001",
        amount_total=Decimal("51.62"),
    )


@pytest.fixture
def unreachable_stripe(settings):
    """Stripe keys set, and a Stripe that times out on every request."""
    settings.STRIPE_SECRET_KEY = TEST_SECRET_KEY
    double = UnreachableStripe()
    gateways.install_http_client(double)
    return double


def test_the_webhook_answers_without_asking_stripe_and_the_task_fills_the_fee(
    post_stripe_event,
    record,
    recording_handler,
    unreachable_stripe,
    queued_tasks,
    run_tasks,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_stripe_event(PAID, kind="test")

    assert response.status_code == 200
    assert unreachable_stripe.calls == []  # not one request during the webhook
    assert recording_handler.names == ["paid"]
    assert recording_handler.calls[0][1].fee is None
    [queued] = queued_tasks.results
    assert queued.task.name == "checkout_fee_fetch"
    assert queued.kwargs == {"session_id": SESSION}

    # Later, off the request, with Stripe answering again.
    fake = FakeStripe()
    fake.respond("GET", f"/v1/payment_intents/{INTENT}", paid_intent(fee_cents=180))
    gateways.install_http_client(fake)
    assert run_tasks() == ["recorded"]

    method, url, params = fake.requests[0]
    assert (method, url) == ("GET", f"/v1/payment_intents/{INTENT}")
    assert params == {"expand": ["latest_charge.balance_transaction"]}
    assert recording_handler.names == ["paid", "fee_known"]
    fee_outcome = recording_handler.calls[1][1]
    assert fee_outcome.fee == Decimal("1.80")
    assert (fee_outcome.kind, fee_outcome.reference) == ("test", "RH-1001")
    assert fee_outcome.amount_total == fee_outcome.amount_expected
    record.refresh_from_db()
    assert record.fee == Decimal("1.80")
    assert record.status == CheckoutSession.Status.PAID


def test_a_task_that_cannot_reach_stripe_leaves_the_fee_pending(
    record, recording_handler, unreachable_stripe
):
    CheckoutSession.objects.filter(pk=record.pk).update(
        status=CheckoutSession.Status.PAID, payment_intent_id=INTENT
    )
    assert checkout_fee_update(session_id=SESSION) == "pending"
    assert unreachable_stripe.calls == [f"GET /v1/payment_intents/{INTENT}"]
    assert recording_handler.calls == []
    record.refresh_from_db()
    assert (record.fee, record.fee_attempts) == (None, 1)


def test_the_fee_is_told_once(fake_stripe, record, recording_handler):
    CheckoutSession.objects.filter(pk=record.pk).update(
        status=CheckoutSession.Status.PAID, payment_intent_id=INTENT
    )
    fake_stripe.respond("GET", "/v1/payment_intents/", paid_intent(fee_cents=180))
    assert checkout_fee_update(session_id=SESSION) == "recorded"
    assert checkout_fee_update(session_id=SESSION) == "not needed"
    assert recording_handler.names == ["fee_known"]
    assert len(fake_stripe.requests) == 1


def test_a_fee_in_another_currency_is_not_taken(fake_stripe, record, recording_handler):
    CheckoutSession.objects.filter(pk=record.pk).update(
        status=CheckoutSession.Status.PAID, payment_intent_id=INTENT
    )
    fake_stripe.respond("GET", "/v1/payment_intents/", paid_intent(currency="eur"))
    assert checkout_fee_update(session_id=SESSION) == "pending"
    assert recording_handler.calls == []


def test_a_payment_under_review_gets_its_fee_too(
    fake_stripe, record, recording_handler
):
    CheckoutSession.objects.filter(pk=record.pk).update(
        status=CheckoutSession.Status.NEEDS_REVIEW, payment_intent_id=INTENT
    )
    fake_stripe.respond("GET", "/v1/payment_intents/", paid_intent(fee_cents=33))
    assert checkout_fee_update(session_id=SESSION) == "recorded"
    assert recording_handler.calls[0][1].fee == Decimal("0.33")


def test_open_local_and_known_fees_are_not_fetched(fake_stripe, recording_handler):
    sessions = [
        CheckoutSessionFactory(),  # open: nothing paid
        CheckoutSessionFactory(local=True, status=CheckoutSession.Status.PAID),
        CheckoutSessionFactory(status=CheckoutSession.Status.PAID, fee=Decimal("1")),
    ]
    for session in sessions:
        assert checkout_fee_update(session_id=session.session_id) == "not needed"
    assert fake_stripe.requests == []


def test_the_command_retries_pending_fees_boundedly_and_twice_safely(
    fake_stripe, recording_handler, capsys
):
    found = CheckoutSessionFactory(
        status=CheckoutSession.Status.PAID, payment_intent_id=INTENT
    )
    missing = CheckoutSessionFactory(
        status=CheckoutSession.Status.PAID, payment_intent_id="pi_test_missing"
    )
    given_up = CheckoutSessionFactory(
        status=CheckoutSession.Status.PAID,
        payment_intent_id="pi_test_given_up",
        fee_attempts=3,
    )
    fake_stripe.payment_intents[INTENT] = paid_intent(fee_cents=180)

    call_command("payments_fetch_fees", "--max-attempts", "3")
    call_command("payments_fetch_fees", "--max-attempts", "3")

    assert "Fees: 2 checked (1 pending, 1 recorded)." in capsys.readouterr().out
    found.refresh_from_db()
    missing.refresh_from_db()
    given_up.refresh_from_db()
    assert found.fee == Decimal("1.80")
    assert (missing.fee, missing.fee_attempts) == (None, 2)
    assert given_up.fee_attempts == 3  # not tried again
    assert recording_handler.names == ["fee_known"]
    asked = [url for _method, url, _params in fake_stripe.requests]
    assert asked.count(f"/v1/payment_intents/{INTENT}") == 1
    assert "/v1/payment_intents/pi_test_given_up" not in asked


def test_a_failure_to_queue_the_task_does_not_fail_the_webhook(
    post_stripe_event,
    record,
    recording_handler,
    monkeypatch,
    django_capture_on_commit_callbacks,
    caplog,
):
    from payments.services.fees import checkout_fee_fetch

    def broken(*args, **kwargs):
        raise RuntimeError("task queue is down")

    monkeypatch.setattr(type(checkout_fee_fetch), "enqueue", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_stripe_event(PAID, kind="test")
    assert response.status_code == 200
    assert recording_handler.names == ["paid"]
    assert "payments_fetch_fees" in caplog.text


def test_every_stripe_client_has_a_timeout_and_few_retries(settings):
    settings.STRIPE_SECRET_KEY = TEST_SECRET_KEY
    settings.STRIPE_TIMEOUT_SECONDS = 4
    settings.STRIPE_MAX_NETWORK_RETRIES = 1
    gateways.install_http_client(None)
    client = gateways._client()
    http_client = client._requestor._client
    assert isinstance(http_client, stripe.RequestsClient)
    assert http_client._timeout == (2.0, 4.0)  # (connect, read)
    assert client._requestor._options.max_network_retries == 1
