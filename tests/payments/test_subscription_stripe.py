"""
Monthly gifts at Stripe, through the fake Stripe behind the real library: what
a subscription checkout sends, the fee of each month's charge, the billing
portal and cancelling.
"""

from decimal import Decimal

import pytest
from django.core.management import call_command

from payments.errors import PaymentError
from payments.models import CheckoutSession, InvoicePayment
from payments.registry import LineItem
from payments.services.checkout import checkout_confirm
from payments.services.subscriptions import billing_portal_url, subscription_cancel
from tests.payments.fixtures import stripe_event
from tests.payments.helpers import checkout_request, open_checkout

pytestmark = pytest.mark.django_db

RETURN_URL = "http://testserver/donate/monthly/"
GIFT_LINES = [
    LineItem(name="Monthly gift", unit_amount=Decimal("25.00"), quantity=1),
    LineItem(name="Covering the fee", unit_amount=Decimal("1.03"), quantity=1),
]


def open_monthly(**overrides):
    return open_checkout(
        line_items=GIFT_LINES, recurring_interval="month", reference="MG-7", **overrides
    )


def test_a_monthly_checkout_is_a_subscription_with_monthly_prices(
    fake_stripe, subscription_handler
):
    redirect = open_monthly()
    [call] = fake_stripe.calls
    params = call.params
    assert call.url == "/v1/checkout/sessions"
    assert params["mode"] == "subscription"
    assert [item["price_data"]["recurring"] for item in params["line_items"]] == [
        {"interval": "month"},
        {"interval": "month"},
    ]
    assert [item["price_data"]["unit_amount"] for item in params["line_items"]] == [
        "2500",
        "103",
    ]
    assert params["metadata"] == {"kind": "test", "reference": "MG-7"}
    assert params["subscription_data"] == {
        "metadata": {"kind": "test", "reference": "MG-7"}
    }
    assert "payment_intent_data" not in params
    assert "shipping_options" not in params
    assert call.headers["Idempotency-Key"] == "checkout-test-MG-7-2603-month-0"
    record = CheckoutSession.objects.get()
    assert record.recurring_interval == "month"
    assert record.amount_total == Decimal("26.03")
    assert redirect.url.startswith("https://checkout.stripe.com/")

    # Reused while open, like a one-time checkout.
    assert open_monthly().session_id == redirect.session_id
    assert len(fake_stripe.calls) == 1


def test_a_one_time_checkout_is_not_reused_for_a_monthly_one(
    fake_stripe, subscription_handler
):
    one_time = open_checkout(line_items=GIFT_LINES, reference="MG-7")
    monthly = open_monthly()
    assert one_time.session_id != monthly.session_id
    assert fake_stripe.calls[0].params["mode"] == "payment"
    assert "recurring" not in fake_stripe.calls[0].params["line_items"][0]["price_data"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"shipping_amount": Decimal("5.00"), "shipping_label": "Standard"},
        {"shipping_label": "Free shipping"},
        {"tax_amount": Decimal("1.20")},
        {"recurring_interval": "year"},
        {"recurring_interval": "week"},
    ],
)
def test_a_monthly_checkout_refuses_shipping_tax_and_other_intervals(
    fake_stripe, subscription_handler, overrides
):
    arguments = {"recurring_interval": "month", **overrides}
    with pytest.raises(ValueError):
        open_checkout(**arguments)
    assert fake_stripe.calls == []


def test_the_success_page_confirms_a_monthly_gift(fake_stripe, subscription_handler):
    redirect = open_monthly()
    fake_stripe.mark_subscription_paid(redirect.session_id)
    outcome = checkout_confirm(session_id=redirect.session_id)
    assert outcome is not None and outcome.action == "paid"
    assert outcome.subscription_id.startswith("sub_test_fake")
    assert outcome.customer_id.startswith("cus_test_fake")
    record = CheckoutSession.objects.get()
    assert record.subscription_id == outcome.subscription_id
    assert record.customer_id == outcome.customer_id


def _post_invoice_paid(post_stripe_event, invoice):
    event = stripe_event("invoice_paid")
    event["data"]["object"].update(
        id=invoice["id"],
        customer=invoice["customer"],
        amount_paid=invoice["amount_paid"],
        parent=invoice["parent"],
    )
    return post_stripe_event(event)


def test_the_fee_of_each_months_charge_is_fetched_after_the_webhook(
    fake_stripe,
    subscription_handler,
    post_stripe_event,
    run_tasks,
    django_capture_on_commit_callbacks,
):
    redirect = open_monthly()
    invoice = fake_stripe.mark_subscription_paid(redirect.session_id, fee_cents=106)
    checkout_confirm(session_id=redirect.session_id)
    fake_stripe.calls.clear()
    subscription_handler.calls.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert _post_invoice_paid(post_stripe_event, invoice).status_code == 200
    assert fake_stripe.calls == []  # the webhook asked Stripe nothing
    assert subscription_handler.names == ["invoice_paid"]

    assert run_tasks() == ["recorded"]
    assert [(call.method, call.url) for call in fake_stripe.calls] == [
        ("GET", f"/v1/invoices/{invoice['id']}"),
        ("GET", f"/v1/payment_intents/{fake_stripe.calls[1].url.rsplit('/', 1)[1]}"),
    ]
    assert fake_stripe.calls[0].params == {"expand": ["payments"]}
    assert fake_stripe.calls[1].params == {
        "expand": ["latest_charge.balance_transaction"]
    }
    name, fee = subscription_handler.calls[-1]
    assert name == "fee_known"
    assert fee.invoice_id == invoice["id"]
    assert fee.payment_intent_id.startswith("pi_test_fake")
    assert fee.fee == Decimal("1.06")
    recorded = InvoicePayment.objects.get()
    assert recorded.fee == Decimal("1.06")
    assert recorded.payment_intent_id == fee.payment_intent_id
    assert recorded.charge_id.startswith("ch_test_fake")

    # Told once: running it again asks nothing and tells nothing.
    fake_stripe.calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("payments_fetch_fees")
    assert fake_stripe.calls == []
    assert subscription_handler.names.count("fee_known") == 1

    # A refund of that charge now finds the gift by its payment intent.
    response = post_stripe_event(
        "charge_refunded_full",
        id=recorded.charge_id,
        payment_intent=recorded.payment_intent_id,
        amount=2603,
        amount_refunded=2603,
    )
    assert response.content == b"refunded"
    assert subscription_handler.calls[-1][1].invoice_id == invoice["id"]


def test_payments_fetch_fees_retries_invoices(
    fake_stripe, subscription_handler, post_stripe_event, queued_tasks, capsys
):
    redirect = open_monthly()
    invoice = fake_stripe.mark_subscription_paid(redirect.session_id, fee_cents=106)
    checkout_confirm(session_id=redirect.session_id)
    fake_stripe.respond("GET", "/v1/invoices/", {"error": {"type": "api_error"}}, 500)
    _post_invoice_paid(post_stripe_event, invoice)  # its task never ran

    call_command("payments_fetch_fees")  # Stripe fails once
    assert InvoicePayment.objects.get().fee is None
    call_command("payments_fetch_fees")
    recorded = InvoicePayment.objects.get()
    assert recorded.fee == Decimal("1.06")
    assert recorded.fee_attempts == 2
    assert "1 pending" in capsys.readouterr().out
    assert subscription_handler.names[-1] == "fee_known"


def test_the_billing_portal_at_stripe(fake_stripe):
    url = billing_portal_url(customer_id="cus_test_fake0001", return_url=RETURN_URL)
    assert url.startswith("https://billing.stripe.com/p/session/")
    [call] = fake_stripe.calls
    assert (call.method, call.url) == ("POST", "/v1/billing_portal/sessions")
    assert call.params == {"customer": "cus_test_fake0001", "return_url": RETURN_URL}


def test_a_billing_portal_failure_is_a_payment_error(fake_stripe):
    fake_stripe.respond(
        "POST",
        "/v1/billing_portal/sessions",
        {"error": {"type": "invalid_request_error", "message": "No configuration"}},
        400,
    )
    with pytest.raises(PaymentError) as raised:
        billing_portal_url(customer_id="cus_test_fake0001", return_url=RETURN_URL)
    assert "No configuration" not in str(raised.value)  # safe to show


@pytest.mark.parametrize(
    "customer_id,return_url",
    [
        ("sub_test_x", RETURN_URL),
        ("cus_\x00", RETURN_URL),
        ("cus_test_fake0001", "/donate/monthly/"),
        ("cus_test_fake0001", "javascript:alert(1)"),
    ],
)
def test_the_billing_portal_refuses_malformed_arguments(
    fake_stripe, customer_id, return_url
):
    with pytest.raises(ValueError):
        billing_portal_url(customer_id=customer_id, return_url=return_url)
    assert fake_stripe.calls == []


def test_cancelling_at_stripe_is_idempotent(fake_stripe, subscription_handler):
    redirect = open_monthly()
    fake_stripe.mark_subscription_paid(redirect.session_id)
    [subscription_id] = fake_stripe.subscriptions
    subscription_cancel(subscription_id=subscription_id)
    assert fake_stripe.subscriptions[subscription_id]["status"] == "canceled"
    subscription_cancel(subscription_id=subscription_id)  # already canceled: fine
    assert [(call.method, call.url) for call in fake_stripe.calls[-3:]] == [
        ("DELETE", f"/v1/subscriptions/{subscription_id}"),
        ("DELETE", f"/v1/subscriptions/{subscription_id}"),
        ("GET", f"/v1/subscriptions/{subscription_id}"),
    ]
    # The handler hears of it from Stripe's customer.subscription.deleted.
    assert "subscription_cancelled" not in subscription_handler.names


def test_cancelling_an_unknown_subscription_is_a_payment_error(fake_stripe):
    with pytest.raises(PaymentError):
        subscription_cancel(subscription_id="sub_test_unknown")
    with pytest.raises(ValueError):
        subscription_cancel(subscription_id="cus_test_unknown")


def test_no_gateway_no_portal_nor_cancel(settings):
    with pytest.raises(PaymentError):
        billing_portal_url(customer_id="cus_test_fake0001", return_url=RETURN_URL)
    with pytest.raises(PaymentError):
        subscription_cancel(subscription_id="sub_test_fake0001")


def test_checkout_request_defaults_to_one_time():
    assert checkout_request().recurring_interval is None
