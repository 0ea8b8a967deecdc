"""
The pages a payment comes back to (the shop's success page, the thank-you page
for a gift) are open to anyone: loading them often never becomes a Stripe call
per load. Stripe is asked only about a payment our record still awaits, at most
once per session every CONFIRM_INTERVAL, and each address may load them only so
often (PAYMENT_RETURN_RATE_PER_IP, the two pages counted together).
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from payments.models import CheckoutSession
from shop.models import Order

pytestmark = pytest.mark.django_db

SUCCESS = reverse("shop:checkout-success")
THANK_YOU = reverse("donations:thank-you")


def _asked(fake_stripe, session_id: str) -> int:
    """How many times Stripe was asked about this session."""
    return sum(
        1
        for method, url, _params in fake_stripe.requests
        if (method, url) == ("GET", f"/v1/checkout/sessions/{session_id}")
    )


@pytest.fixture
def generous_limit(settings):
    settings.PAYMENT_RETURN_RATE_PER_IP = "1000/10m"


def test_sixty_loads_of_the_success_page_ask_stripe_once(
    client, fake_stripe, generous_limit, stripe_order
):
    session_id = stripe_order.checkout_session_id
    for _ in range(60):
        response = client.get(SUCCESS, {"session_id": session_id})
        assert response.status_code == 302
    assert _asked(fake_stripe, session_id) == 1

    cache.clear()  # the interval has passed
    client.get(SUCCESS, {"session_id": session_id})
    assert _asked(fake_stripe, session_id) == 2


def test_sixty_loads_of_the_thank_you_page_ask_stripe_once(
    client, fake_stripe, generous_limit, stripe_donation
):
    session_id = stripe_donation.checkout_session_id
    for _ in range(60):
        assert client.get(THANK_YOU, {"session_id": session_id}).status_code == 200
    assert _asked(fake_stripe, session_id) == 1


def test_a_payment_already_known_is_not_asked_about(
    client, fake_stripe, generous_limit, stripe_order
):
    session_id = stripe_order.checkout_session_id
    fake_stripe.mark_paid(session_id)
    client.get(SUCCESS, {"session_id": session_id})  # learns it is paid
    stripe_order.refresh_from_db()
    assert stripe_order.status == Order.Status.PAID
    assert CheckoutSession.objects.get().status == CheckoutSession.Status.PAID

    cache.clear()  # however long after
    for _ in range(10):
        client.get(SUCCESS, {"session_id": session_id})
    assert _asked(fake_stripe, session_id) == 1


def test_an_expired_payment_page_is_not_asked_about(
    client, fake_stripe, generous_limit, stripe_donation
):
    CheckoutSession.objects.update(status=CheckoutSession.Status.EXPIRED)
    client.get(THANK_YOU, {"session_id": stripe_donation.checkout_session_id})
    assert _asked(fake_stripe, stripe_donation.checkout_session_id) == 0


def test_the_return_pages_are_rate_limited_per_address(
    client, fake_stripe, settings, stripe_order, stripe_donation
):
    settings.PAYMENT_RETURN_RATE_PER_IP = "5/10m"
    order_page = {"session_id": stripe_order.checkout_session_id}
    gift_page = {"session_id": stripe_donation.checkout_session_id}
    for _ in range(3):
        assert client.get(SUCCESS, order_page).status_code == 302
    for _ in range(2):
        assert client.get(THANK_YOU, gift_page).status_code == 200
    # The sixth load of either page, from the same address, is refused...
    refused = client.get(SUCCESS, order_page)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert client.get(THANK_YOU, {"session_id": "cs_test_guess"}).status_code == 429
    # ...not from another.
    assert client.get(SUCCESS, order_page, REMOTE_ADDR="192.0.2.77").status_code == 302
    assert _asked(fake_stripe, stripe_order.checkout_session_id) == 1
