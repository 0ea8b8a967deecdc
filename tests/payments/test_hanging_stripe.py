"""
A Stripe that accepts connections and never answers: every page that waits on
it gives up after STRIPE_PAGE_TIMEOUT_SECONDS, tries once (no retry), and the
visitor is asked to try again with nothing lost: the cart and the form as they
were, the stock back, no order or gift left pending.

The real library and its requests-based client talk to a real socket here
(no test double underneath): what is tested is the timeout the site gives it.
The wall-clock bound below is generous (several times the timeout); it tells
"gave up at the timeout" from "waited the library's 80 seconds, or 10 twice".
"""

import time
from decimal import Decimal
from typing import Any

import pytest
import stripe
from django.urls import reverse

from donations.models import Donation
from payments import gateways
from payments.models import CheckoutSession
from shop.cart import SESSION_KEY
from shop.models import Order, Variant
from tests.payments.fixtures import TEST_SECRET_KEY
from tests.payments.hanging import hanging_server
from tests.payments.helpers import GIFT, one_time_preset
from tests.shop.factories import SHIPPING_ADDRESS, VariantFactory

pytestmark = pytest.mark.django_db

PAGE_TIMEOUT = 0.5
# Far below the 10 s x 2 attempts of the background settings.
BOUND = 4.0
TRY_AGAIN = "Please try again"


def _hang(settings, server) -> None:
    settings.STRIPE_SECRET_KEY = TEST_SECRET_KEY
    settings.STRIPE_API_BASE = server.url
    settings.STRIPE_CONNECT_TIMEOUT_SECONDS = PAGE_TIMEOUT
    settings.STRIPE_PAGE_TIMEOUT_SECONDS = PAGE_TIMEOUT
    # What background calls would wait: a page must not.
    settings.STRIPE_TIMEOUT_SECONDS = 10
    settings.STRIPE_MAX_NETWORK_RETRIES = 1
    gateways.install_http_client(None)  # the library's own HTTP client


@pytest.fixture
def hanging_stripe(settings):
    with hanging_server() as server:
        _hang(settings, server)
        yield server


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def stock(variant) -> int:
    return Variant.objects.values_list("stock", flat=True).get(pk=variant.pk)


def test_checkout_gives_up_quickly_and_keeps_the_cart(client, hanging_stripe):
    shirt = VariantFactory(price=Decimal("25.00"), stock=8)
    client.post(shirt.product.get_absolute_url(), {"variant": shirt.pk, "quantity": 2})
    assert stock(shirt) == 8

    response, elapsed = _timed(
        lambda: client.post(reverse("shop:checkout"), SHIPPING_ADDRESS)
    )

    assert elapsed < BOUND
    assert hanging_stripe.accepted == 1  # one attempt, no retry
    assert response.status_code == 200
    html = response.content.decode()
    assert TRY_AGAIN in html
    assert SHIPPING_ADDRESS["email"] in html  # the form keeps what was typed
    # Nothing held, nothing half-made: the stock is back, no order pending.
    assert stock(shirt) == 8
    assert not Order.objects.filter(status=Order.Status.PENDING).exists()
    assert not CheckoutSession.objects.exists()
    # The cart is as it was.
    assert list(client.session[SESSION_KEY].values()) == [2]
    assert "Your cart is empty" not in client.get(reverse("shop:cart")).content.decode()


def test_donating_gives_up_quickly_and_keeps_the_form(client, hanging_stripe):
    one_time_preset()
    response, elapsed = _timed(lambda: client.post(reverse("donations:donate"), GIFT))
    assert elapsed < BOUND
    assert hanging_stripe.accepted == 1
    assert response.status_code == 200
    html = response.content.decode()
    assert TRY_AGAIN in html
    assert 'value="ann@example.org"' in html
    assert not Donation.objects.filter(status=Donation.Status.PENDING).exists()
    assert not CheckoutSession.objects.exists()


def _load_on_hanging_stripe(client, settings, url: str, session_id: str):
    with hanging_server() as server:
        _hang(settings, server)
        response, elapsed = _timed(lambda: client.get(url, {"session_id": session_id}))
        assert server.accepted == 1  # asked once, not retried
    assert elapsed < BOUND
    return response


def test_the_success_page_gives_up_quickly(client, settings, stripe_order):
    response = _load_on_hanging_stripe(
        client,
        settings,
        reverse("shop:checkout-success"),
        stripe_order.checkout_session_id,
    )
    assert response.status_code == 302
    assert response.url == stripe_order.get_absolute_url()
    stripe_order.refresh_from_db()
    assert stripe_order.status == Order.Status.PENDING  # the webhook will tell


def test_the_thank_you_page_gives_up_quickly(client, settings, stripe_donation):
    response = _load_on_hanging_stripe(
        client,
        settings,
        reverse("donations:thank-you"),
        stripe_donation.checkout_session_id,
    )
    assert response.status_code == 200
    stripe_donation.refresh_from_db()
    assert stripe_donation.status == Donation.Status.PENDING


def test_a_background_call_keeps_the_longer_deadline(settings):
    """Fees and refunds are not waited on by a visitor: 10 s, one retry."""
    settings.STRIPE_SECRET_KEY = TEST_SECRET_KEY
    gateways.install_http_client(None)
    # The stripe library's own objects, read where it keeps its settings.
    background: Any = gateways._client()
    page: Any = gateways._client(waiting=True)
    assert background._requestor._client._timeout == (2.0, 10.0)
    assert background._requestor._options.max_network_retries == 1
    assert page._requestor._client._timeout == (2.0, 5.0)
    assert page._requestor._options.max_network_retries == 0
    assert isinstance(page._requestor._client, stripe.RequestsClient)
