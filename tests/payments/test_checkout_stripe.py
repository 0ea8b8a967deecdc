"""checkout_create through Stripe: exactly what is sent, and what comes back."""

import logging
import time
from datetime import timedelta
from decimal import Decimal

import pytest

from payments.errors import PaymentError
from payments.models import CheckoutSession
from payments.registry import LineItem
from tests.payments.factories import CheckoutSessionFactory
from tests.payments.helpers import CANCEL_URL, SUCCESS_URL, open_checkout

pytestmark = pytest.mark.django_db

CART = [
    LineItem(name="Sticker", unit_amount=Decimal("0.01"), quantity=3),
    LineItem(
        name="Hope T-shirt",
        unit_amount=Decimal("19.99"),
        quantity=2,
        description="Blue, size M",
    ),
]


def test_session_parameters_sent_to_stripe(fake_stripe, recording_handler):
    before = int(time.time())
    redirect = open_checkout(
        reference="T-2001",
        line_items=CART,
        shipping_amount=Decimal("5.00"),
        shipping_label="Flat-rate shipping",
        tax_amount=Decimal("2.40"),
        tax_label="Kentucky sales tax (6%)",
    )
    after = int(time.time())

    assert len(fake_stripe.requests) == 1
    method, url, params = fake_stripe.requests[0]
    assert (method, url) == ("POST", "/v1/checkout/sessions")
    expires_at = int(params.pop("expires_at"))
    assert before + 30 * 60 <= expires_at <= after + 24 * 60 * 60
    assert expires_at <= after + 35 * 60  # the default: about half an hour
    metadata = {"kind": "test", "reference": "T-2001"}
    assert params == {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": "usd",
                    "unit_amount": "1",
                    "product_data": {"name": "Sticker"},
                },
                "quantity": "3",
            },
            {
                "price_data": {
                    "currency": "usd",
                    "unit_amount": "1999",
                    "product_data": {
                        "name": "Hope T-shirt",
                        "description": "Blue, size M",
                    },
                },
                "quantity": "2",
            },
            {
                "price_data": {
                    "currency": "usd",
                    "unit_amount": "240",
                    "product_data": {"name": "Kentucky sales tax (6%)"},
                },
                "quantity": "1",
            },
        ],
        "shipping_options": [
            {
                "shipping_rate_data": {
                    "type": "fixed_amount",
                    "display_name": "Flat-rate shipping",
                    "fixed_amount": {"amount": "500", "currency": "usd"},
                }
            }
        ],
        "customer_email": "supporter@example.org",
        "client_reference_id": "T-2001",
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "success_url": SUCCESS_URL,
        "cancel_url": CANCEL_URL,
    }
    headers = fake_stripe.calls[0].headers
    assert headers["Idempotency-Key"] == "checkout-test-T-2001-4741-0"
    assert headers["Authorization"] == "Bearer sk_test_fake_key_for_the_test_suite_only"

    session = fake_stripe.sessions[redirect.session_id]
    assert redirect.url == session["url"]
    assert session["amount_total"] == 4741  # 0.03 + 39.98 + 2.40 + 5.00
    record = CheckoutSession.objects.get(session_id=redirect.session_id)
    assert record.gateway == CheckoutSession.Gateway.STRIPE
    assert record.status == CheckoutSession.Status.OPEN
    assert record.amount_total == Decimal("47.41")
    assert record.expires_at.timestamp() == expires_at
    assert recording_handler.calls == []


def test_free_local_pickup_is_a_zero_shipping_option_and_no_tax_line(
    fake_stripe, recording_handler
):
    open_checkout(shipping_label="Local pickup")
    params = fake_stripe.requests[0].params
    assert params["shipping_options"][0]["shipping_rate_data"]["fixed_amount"] == {
        "amount": "0",
        "currency": "usd",
    }
    assert len(params["line_items"]) == 1


def test_without_shipping_or_tax_only_the_goods_are_sent(
    fake_stripe, recording_handler
):
    open_checkout()
    params = fake_stripe.requests[0].params
    assert "shipping_options" not in params
    assert [item["price_data"]["unit_amount"] for item in params["line_items"]] == [
        "1999"
    ]


def test_expiry_within_stripe_limits(fake_stripe, recording_handler):
    now = int(time.time())
    open_checkout(expires_in=timedelta(hours=24))
    expires_at = int(fake_stripe.requests[0].params["expires_at"])
    assert now + 23 * 3600 < expires_at < now + 24 * 3600


def test_repeated_call_returns_the_open_session(fake_stripe, recording_handler):
    first = open_checkout()
    second = open_checkout()
    assert second == first
    assert len(fake_stripe.requests) == 1
    assert CheckoutSession.objects.count() == 1


def test_changed_amount_opens_a_new_session_with_a_new_key(
    fake_stripe, recording_handler
):
    first = open_checkout()
    second = open_checkout(
        line_items=[LineItem(name="Mug", unit_amount=Decimal("12.00"), quantity=1)]
    )
    assert second.session_id != first.session_id
    keys = [call.headers["Idempotency-Key"] for call in fake_stripe.calls]
    assert keys == ["checkout-test-T-1001-1999-0", "checkout-test-T-1001-1200-0"]


def test_a_new_attempt_after_expiry_gets_a_new_key(fake_stripe, recording_handler):
    CheckoutSessionFactory(
        reference="T-1001",
        status=CheckoutSession.Status.EXPIRED,
        amount_total=Decimal("19.99"),
    )
    open_checkout()
    assert fake_stripe.calls[0].headers["Idempotency-Key"] == (
        "checkout-test-T-1001-1999-1"
    )


def test_stripe_error_raises_payment_error(fake_stripe, recording_handler, caplog):
    fake_stripe.respond(
        "POST",
        "/v1/checkout/sessions",
        {
            "error": {
                "type": "invalid_request_error",
                "code": "parameter_invalid_integer",
                "message": "Invalid integer: secret internals",
            }
        },
        status=400,
    )
    with caplog.at_level(logging.ERROR, logger="payments"):
        with pytest.raises(PaymentError) as raised:
            open_checkout()
    assert "Nothing was charged" in str(raised.value)
    assert "internals" not in str(raised.value)
    assert "parameter_invalid_integer" in caplog.text
    assert not CheckoutSession.objects.exists()


def test_stripe_outage_raises_payment_error(fake_stripe, recording_handler):
    fake_stripe.respond(
        "POST",
        "/v1/checkout/sessions",
        {"error": {"type": "api_error", "message": "Something went wrong."}},
        status=500,
    )
    with pytest.raises(PaymentError):
        open_checkout()
    assert not CheckoutSession.objects.exists()


def test_idempotency_conflict_without_a_session_raises_payment_error(
    fake_stripe, recording_handler
):
    fake_stripe.respond(
        "POST",
        "/v1/checkout/sessions",
        {"error": {"type": "idempotency_error", "message": "Keys for ..."}},
        status=400,
    )
    with pytest.raises(PaymentError):
        open_checkout()


def test_an_answer_without_url_raises_payment_error(fake_stripe, recording_handler):
    fake_stripe.respond("POST", "/v1/checkout/sessions", {"id": "cs_test_x"})
    with pytest.raises(PaymentError):
        open_checkout()


def test_no_gateway_configured_raises_payment_error(recording_handler, caplog):
    with caplog.at_level(logging.ERROR, logger="payments"):
        with pytest.raises(PaymentError, match="not available"):
            open_checkout()
    assert "no payment gateway" in caplog.text


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"line_items": []}, ValueError),
        (
            {"line_items": [LineItem(name="X", unit_amount=Decimal("0"), quantity=1)]},
            ValueError,
        ),
        (
            {"line_items": [LineItem(name="X", unit_amount=Decimal("-1"), quantity=1)]},
            ValueError,
        ),
        (
            # A float on purpose: money must be a Decimal.
            {"line_items": [LineItem(name="X", unit_amount=19.99, quantity=1)]},  # type: ignore[arg-type]
            TypeError,
        ),
        (
            {
                "line_items": [
                    LineItem(name="X", unit_amount=Decimal("1.005"), quantity=1)
                ]
            },
            ValueError,
        ),
        (
            {"line_items": [LineItem(name="X", unit_amount=Decimal("1"), quantity=0)]},
            ValueError,
        ),
        (
            {
                "line_items": [
                    LineItem(name="X", unit_amount=Decimal("1"), quantity=True)
                ]
            },
            TypeError,
        ),
        (
            {"line_items": [LineItem(name="", unit_amount=Decimal("1"), quantity=1)]},
            ValueError,
        ),
        ({"shipping_amount": Decimal("-5.00")}, ValueError),
        ({"tax_amount": Decimal("NaN")}, ValueError),
        ({"customer_email": "not-an-email"}, ValueError),
        ({"success_url": "/done/"}, ValueError),
        ({"cancel_url": "javascript:alert(1)"}, ValueError),
        ({"expires_in": timedelta(minutes=10)}, ValueError),
        ({"expires_in": timedelta(hours=25)}, ValueError),
        ({"reference": ""}, ValueError),
        ({"kind": "nobody-handles-this"}, LookupError),
    ],
)
def test_bad_input_is_refused_before_stripe_is_called(
    fake_stripe, recording_handler, overrides, error
):
    with pytest.raises(error):
        open_checkout(**overrides)
    assert fake_stripe.requests == []
    assert not CheckoutSession.objects.exists()
