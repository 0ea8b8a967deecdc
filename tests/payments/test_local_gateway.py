"""The local test gateway: its page, and Pay / Decline / Cancel."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from payments.errors import PaymentError
from payments.models import CheckoutSession
from payments.registry import LineItem
from payments.services.checkout import checkout_confirm
from tests.payments.helpers import CANCEL_URL, open_checkout

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkout(local_gateway, recording_handler):
    return open_checkout(
        reference="T-5001",
        line_items=[
            LineItem(name="Hope T-shirt", unit_amount=Decimal("19.99"), quantity=2),
            LineItem(name="Sticker", unit_amount=Decimal("0.01"), quantity=1),
        ],
        shipping_amount=Decimal("5.00"),
        shipping_label="Flat-rate shipping",
        tax_amount=Decimal("2.40"),
        tax_label="Kentucky sales tax (6%)",
    )


def test_checkout_goes_to_the_local_page(checkout):
    assert checkout.session_id.startswith("cs_local_")
    assert checkout.url == (
        f"http://testserver/payments/test-checkout/{checkout.session_id}/"
    )
    record = CheckoutSession.objects.get(session_id=checkout.session_id)
    assert record.gateway == CheckoutSession.Gateway.LOCAL
    assert record.amount_total == Decimal("47.39")
    assert record.payment_intent_id.startswith("pi_local_")


def test_the_page_is_labelled_and_shows_every_amount(client, checkout):
    response = client.get(checkout.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "TEST PAYMENT" in html
    assert "no money moves" in html
    for text in [
        "Hope T-shirt",
        "Sticker",
        "$0.01",
        "$39.98",
        "Flat-rate shipping",
        "$5.00",
        "Kentucky sales tax (6%)",
        "$2.40",
        "$47.39",
        'name="robots" content="noindex, nofollow"',
    ]:
        assert text in html
    # One CSRF-protected form; its three buttons say what happens.
    assert html.count('name="csrfmiddlewaretoken"') == 1
    for action in ("pay", "decline", "cancel"):
        assert f'name="action" value="{action}"' in html
    # No card fields: the only input is the hidden CSRF token.
    assert html.count("<input") == html.count('<input type="hidden"') == 1


def test_buttons_need_the_csrf_token(checkout, recording_handler):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(checkout.url, {"action": "pay"})
    assert response.status_code == 403
    assert recording_handler.calls == []


def test_pay_dispatches_paid_and_goes_to_the_success_url(
    client, checkout, local_gateway, recording_handler
):
    response = local_gateway.pay(client, checkout.url)
    assert response.status_code == 302
    assert response.url == f"http://testserver/done/?session_id={checkout.session_id}"
    [(name, outcome)] = recording_handler.calls
    assert name == "paid"
    assert outcome.kind == "test"
    assert outcome.reference == "T-5001"
    assert outcome.session_id == checkout.session_id
    assert outcome.payment_intent_id.startswith("pi_local_")
    assert outcome.amount_total == Decimal("47.39")
    assert outcome.fee == Decimal("0")
    assert outcome.event_id == ""
    assert outcome.livemode is False
    record = CheckoutSession.objects.get()
    assert record.status == CheckoutSession.Status.PAID
    assert record.fee == Decimal("0")


def test_pay_twice_pays_once(client, checkout, local_gateway, recording_handler):
    first = local_gateway.pay(client, checkout.session_id)
    second = local_gateway.pay(client, checkout.session_id)
    assert first.status_code == second.status_code == 302
    assert second.url == first.url
    assert recording_handler.names == ["paid"]


def test_a_paid_session_shows_its_status_and_no_buttons(
    client, checkout, local_gateway
):
    local_gateway.pay(client, checkout.url)
    response = client.get(checkout.url)
    html = response.content.decode()
    assert "already paid" in html
    assert 'value="pay"' not in html


def test_decline_dispatches_failed_and_goes_back(
    client, checkout, local_gateway, recording_handler
):
    response = local_gateway.decline(client, checkout.url)
    assert response.status_code == 302
    assert response.url == CANCEL_URL
    assert recording_handler.names == ["failed"]
    assert CheckoutSession.objects.get().status == CheckoutSession.Status.FAILED

    again = local_gateway.pay(client, checkout.url)
    assert again.status_code == 409
    assert "declined" in again.content.decode()
    assert recording_handler.names == ["failed"]


def test_cancel_dispatches_expired_and_goes_back(
    client, checkout, local_gateway, recording_handler
):
    response = local_gateway.cancel(client, checkout.url)
    assert response.status_code == 302
    assert response.url == CANCEL_URL
    assert recording_handler.names == ["expired"]
    assert CheckoutSession.objects.get().status == CheckoutSession.Status.EXPIRED


def test_decline_after_pay_is_refused(
    client, checkout, local_gateway, recording_handler
):
    local_gateway.pay(client, checkout.url)
    response = local_gateway.decline(client, checkout.url)
    assert response.status_code == 409
    assert recording_handler.names == ["paid"]


def test_an_expired_session_cannot_be_paid(
    client, checkout, local_gateway, recording_handler
):
    CheckoutSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    page = client.get(checkout.url)
    assert "has expired" in page.content.decode()
    assert 'value="pay"' not in page.content.decode()
    assert recording_handler.calls == []  # a GET changes nothing

    response = local_gateway.pay(client, checkout.url)
    assert response.status_code == 410
    assert "has expired" in response.content.decode()
    assert recording_handler.names == ["expired"]  # as Stripe would report it
    assert CheckoutSession.objects.get().status == CheckoutSession.Status.EXPIRED


def test_unknown_session_is_404(client, local_gateway):
    assert client.get(local_gateway.url("cs_local_0123abcd")).status_code == 404
    assert (
        client.post(local_gateway.url("cs_local_0123abcd"), {"action": "pay"})
    ).status_code == 404


def test_unknown_action_is_400(client, checkout, recording_handler):
    assert client.post(checkout.url, {"action": "steal"}).status_code == 400
    assert recording_handler.calls == []


def test_handler_failure_leaves_the_session_open(
    client, checkout, local_gateway, recording_handler
):
    recording_handler.fail_with = RuntimeError("shop is down")
    with pytest.raises(RuntimeError):
        local_gateway.pay(client, checkout.url)
    assert CheckoutSession.objects.get().status == CheckoutSession.Status.OPEN
    recording_handler.fail_with = None
    assert local_gateway.pay(client, checkout.url).status_code == 302
    assert recording_handler.names == ["paid"]


def test_reopening_the_same_checkout_returns_the_same_page(checkout):
    again = open_checkout(
        reference="T-5001",
        line_items=[
            LineItem(name="Hope T-shirt", unit_amount=Decimal("19.99"), quantity=2),
            LineItem(name="Sticker", unit_amount=Decimal("0.01"), quantity=1),
        ],
        shipping_amount=Decimal("5.00"),
        tax_amount=Decimal("2.40"),
    )
    assert again == checkout
    assert CheckoutSession.objects.count() == 1


def test_confirm_reports_a_paid_local_session(
    client, checkout, local_gateway, recording_handler
):
    assert checkout_confirm(session_id=checkout.session_id) is None
    local_gateway.pay(client, checkout.url)
    outcome = checkout_confirm(session_id=checkout.session_id)
    assert outcome is not None
    assert (outcome.reference, outcome.fee) == ("T-5001", Decimal("0"))
    assert recording_handler.names == ["paid", "paid"]  # handlers are idempotent


# ---------------------------------------------------------------------------
# Refused when not enabled
# ---------------------------------------------------------------------------
def test_refused_when_debug_is_off_and_not_enabled(settings, recording_handler):
    settings.DEBUG = False
    settings.PAYMENTS_LOCAL_GATEWAY = False
    with pytest.raises(PaymentError):
        open_checkout()
    assert not CheckoutSession.objects.exists()


def test_page_is_gone_once_the_gateway_is_disabled(
    client, settings, checkout, recording_handler
):
    settings.PAYMENTS_LOCAL_GATEWAY = False
    assert client.get(checkout.url).status_code == 404
    assert client.post(checkout.url, {"action": "pay"}).status_code == 404
    assert recording_handler.calls == []
    assert checkout_confirm(session_id=checkout.session_id) is None


def test_stripe_keys_win_over_the_local_gateway(
    settings, fake_stripe, recording_handler
):
    settings.PAYMENTS_LOCAL_GATEWAY = True
    redirect = open_checkout()
    assert redirect.url.startswith("https://checkout.stripe.com/")
    assert len(fake_stripe.requests) == 1
