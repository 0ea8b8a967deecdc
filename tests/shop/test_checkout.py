"""Checkout through the payments app: the local test gateway, a fake Stripe and
signed webhook events, all driving the shop's one fulfilment path."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from payments.models import CheckoutSession
from shop.cart import SESSION_KEY
from shop.errors import OrderBelowMinimum, TotalChanged
from shop.models import Order, PromoCode, Variant
from shop.services.placing import order_create_from_cart
from shop.services.promos import HOLDING_STATUSES, promo_uses
from tests.html import assert_valid_html
from tests.shop.factories import (
    SHIPPING_ADDRESS,
    ShopSettingsFactory,
    VariantFactory,
    checkout_data,
)

pytestmark = pytest.mark.django_db
D = Decimal
CHECKOUT = reverse("shop:checkout")
CART = reverse("shop:cart")


def stock(variant) -> int:
    return Variant.objects.values_list("stock", flat=True).get(pk=variant.pk)


@pytest.fixture
def shirt():
    return VariantFactory(
        product__name="Hope T-shirt", size="M", price=D("25.00"), stock=8
    )


@pytest.fixture
def cart_with(client):
    def fill(*variants, quantity=1):
        for variant in variants:
            client.post(
                variant.product.get_absolute_url(),
                {"variant": variant.pk, "quantity": quantity},
            )
        return client

    return fill


def checkout(client, **overrides):
    return client.post(CHECKOUT, {**SHIPPING_ADDRESS, **overrides})


# ---------------------------------------------------------------------------
# The form
# ---------------------------------------------------------------------------
def test_empty_cart_cannot_check_out(client):
    response = client.get(CHECKOUT)
    assert response.status_code == 302 and response.url == CART
    response = checkout(client)
    assert response.status_code == 302
    assert not Order.objects.exists()


def test_checkout_page_shows_the_order(client, cart_with, shirt):
    cart_with(shirt, quantity=2)
    response = client.get(CHECKOUT)
    html = response.content.decode()
    assert "2 × Hope T-shirt (M / Blue)" in html
    assert "$53.00" in html  # 50 + 6% of 56 = 3.36 -> 59.36; pickup: 50 + 3.00
    assert "$59.36" in html
    assert "<legend>Delivery</legend>" in html
    assert_valid_html(response.content)


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"email": "not-an-email"}, "email", "Enter an email address like"),
        ({"email": ""}, "email", "Enter your email address"),
        ({"name": "  "}, "name", "Enter your name"),
        ({"delivery_method": "teleport"}, "delivery_method", "Choose how"),
        ({"address_line1": ""}, "address_line1", "first line of your address"),
        ({"city": ""}, "city", "Enter your city"),
        ({"state": ""}, "state", "Choose your state"),
        ({"state": "XX"}, "state", "Choose a state from the list"),
        ({"zip_code": ""}, "zip_code", "Enter your ZIP code"),
        ({"zip_code": "4020"}, "zip_code", "5 digits"),
        ({"zip_code": "ABCDE"}, "zip_code", "5 digits"),
        ({"zip_code": "40202-12"}, "zip_code", "5 digits"),
    ],
)
def test_checkout_bad_input(client, cart_with, shirt, overrides, field, message):
    cart_with(shirt)
    response = checkout(client, **overrides)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    link = "#id_delivery_method_0" if field == "delivery_method" else f"#id_{field}"
    assert f'href="{link}"' in html
    # What the buyer typed is still there.
    if field != "name":
        assert 'value="Ada Buyer"' in html
    assert not Order.objects.exists()
    assert stock(shirt) == 8
    assert_valid_html(response.content)


def test_pickup_needs_no_address(client, cart_with, shirt, local_gateway):
    cart_with(shirt)
    response = checkout(
        client,
        delivery_method="pickup",
        address_line1="",
        city="",
        state="",
        zip_code="",
    )
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.delivery_method == "pickup" and order.shipping_amount == 0


def test_pickup_refused_when_staff_turned_it_off(client, cart_with, shirt):
    ShopSettingsFactory(local_pickup_enabled=False)
    cart_with(shirt)
    response = checkout(client, delivery_method="pickup")
    assert "Choose how" in response.content.decode()
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "typed, stored", [("40202", "40202"), ("402021234", "40202-1234")]
)
def test_zip_codes_are_normalised(
    client, cart_with, shirt, local_gateway, typed, stored
):
    cart_with(shirt)
    checkout(client, zip_code=typed)
    assert Order.objects.get().zip_code == stored


def test_sold_out_at_checkout_goes_back_to_the_cart(client, cart_with, shirt):
    cart_with(shirt, quantity=2)
    Variant.objects.filter(pk=shirt.pk).update(stock=1)
    response = client.post(CHECKOUT, SHIPPING_ADDRESS, follow=True)
    assert response.redirect_chain[-1][0] == CART
    assert "Only 1 left" in response.content.decode()
    assert not Order.objects.exists()


def test_payment_error_releases_the_stock(client, cart_with, shirt):
    """No gateway is configured: payments raises PaymentError."""
    cart_with(shirt, quantity=2)
    response = checkout(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "payment" in html.lower()
    order = Order.objects.get()
    assert order.status == Order.Status.CANCELLED
    assert stock(shirt) == 8
    assert client.session[SESSION_KEY] == {str(shirt.pk): 2}


# ---------------------------------------------------------------------------
# The local test gateway
# ---------------------------------------------------------------------------
def test_pay_on_the_local_gateway(
    client, cart_with, shirt, local_gateway, django_capture_on_commit_callbacks
):
    cart_with(shirt, quantity=2)
    response = checkout(client)
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.checkout_session_id.startswith("cs_local_")
    assert response.url.endswith(local_gateway.url(order.checkout_session_id))
    assert stock(shirt) == 6

    with django_capture_on_commit_callbacks(execute=True):
        paid = local_gateway.pay(client, response.url)
    assert reverse("shop:checkout-success") in paid.url
    page = client.get(paid.url, follow=True)
    assert page.redirect_chain[-1][0] == order.get_absolute_url()
    html = page.content.decode()
    assert "Thank you for your order" in html
    assert "100% of the profit from your purchase goes to building" in html
    assert "When it ships we email you a tracking link" in html

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.payment_fee == D("0")
    assert len(mail.outbox) == 1
    assert order.token in mail.outbox[0].body
    assert SESSION_KEY not in client.session  # the cart was emptied
    # Refreshing the success page changes nothing and sends nothing.
    client.get(paid.url)
    assert len(mail.outbox) == 1 and stock(shirt) == 6


def test_decline_on_the_local_gateway(client, cart_with, shirt, local_gateway):
    cart_with(shirt, quantity=2)
    url = checkout(client).url
    declined = local_gateway.decline(client, url, follow=True)
    assert declined.redirect_chain[-1][0] == CART
    assert "nothing was charged" in declined.content.decode()
    order = Order.objects.get()
    assert order.status == Order.Status.FAILED
    assert stock(shirt) == 8
    assert client.session[SESSION_KEY] == {str(shirt.pk): 2}
    assert mail.outbox == []


def test_cancel_on_the_local_gateway(client, cart_with, shirt, local_gateway):
    cart_with(shirt, quantity=2)
    url = checkout(client).url
    cancelled = local_gateway.cancel(client, url, follow=True)
    assert cancelled.redirect_chain[-1][0] == CART
    # The buyer cancelled: the order says so (not "expired", a timeout).
    assert Order.objects.get().status == Order.Status.CANCELLED
    assert stock(shirt) == 8
    assert client.session[SESSION_KEY] == {str(shirt.pk): 2}


def test_cancel_url_cancels_a_pending_order_once(
    client, cart_with, shirt, local_gateway
):
    cart_with(shirt, quantity=2)
    checkout(client)
    order = Order.objects.get()
    cancel = reverse("shop:checkout-cancel", args=[order.token])
    assert client.get(cancel).url == CART
    client.get(cancel)
    assert stock(shirt) == 8
    assert Order.objects.get().status == Order.Status.CANCELLED
    assert client.get(cancel.replace(order.token, "x" * 32)).status_code == 404


def test_success_page_with_an_unknown_session_is_404(client):
    url = reverse("shop:checkout-success")
    assert client.get(url).status_code == 404
    assert client.get(url, {"session_id": "cs_local_nope"}).status_code == 404


# ---------------------------------------------------------------------------
# Stripe (fake) and signed webhooks
# ---------------------------------------------------------------------------
def test_checkout_sends_amounts_from_the_database(
    client, cart_with, shirt, fake_stripe
):
    cart_with(shirt, quantity=2)
    response = checkout(client, total="0.01", price="0.01")
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.total == D("59.36")
    params = next(
        r.params for r in fake_stripe.requests if r.url == "/v1/checkout/sessions"
    )
    assert params["metadata"] == {"kind": "order", "reference": order.number}
    assert params["client_reference_id"] == order.number
    shirt_line, tax_line = params["line_items"]
    assert shirt_line["price_data"]["unit_amount"] == "2500"
    assert shirt_line["quantity"] == "2"
    assert tax_line["price_data"]["unit_amount"] == "336"
    assert tax_line["price_data"]["product_data"]["name"] == "Sales tax (6%)"
    shipping = params["shipping_options"][0]["shipping_rate_data"]
    assert shipping["fixed_amount"]["amount"] == "600"
    assert params["customer_email"] == "buyer@example.org"
    assert "{CHECKOUT_SESSION_ID}" in params["success_url"]
    assert order.token in params["cancel_url"]
    assert order.checkout_session_id.startswith("cs_")


def _stripe_order(client, cart_with, shirt) -> Order:
    cart_with(shirt, quantity=2)
    assert checkout(client).status_code == 302
    return Order.objects.get()


def test_webhook_completed_marks_paid_once(
    client,
    cart_with,
    shirt,
    fake_stripe,
    post_stripe_event,
    django_capture_on_commit_callbacks,
):
    order = _stripe_order(client, cart_with, shirt)
    event = dict(
        kind="order",
        reference=order.number,
        id=order.checkout_session_id,
        amount_total=5936,
        payment_intent="pi_test_shop_1",
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = post_stripe_event("checkout_session_completed_paid", **event)
        assert first.status_code == 200
        replay = post_stripe_event(first.stripe_event)
        assert replay.status_code == 200
        again = post_stripe_event("checkout_session_completed_paid", **event)
        assert again.status_code == 200

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.payment_intent_id == "pi_test_shop_1"
    assert not order.needs_attention
    assert len(mail.outbox) == 1
    assert stock(shirt) == 6


def test_webhook_expired_releases_stock(
    client, cart_with, shirt, fake_stripe, post_stripe_event
):
    order = _stripe_order(client, cart_with, shirt)
    assert stock(shirt) == 6
    # The page timed out: the order's hold has run out too.
    Order.objects.filter(pk=order.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = post_stripe_event(
        "checkout_session_expired",
        kind="order",
        reference=order.number,
        id=order.checkout_session_id,
    )
    assert response.status_code == 200
    assert Order.objects.get().status == Order.Status.EXPIRED
    assert stock(shirt) == 8
    post_stripe_event(response.stripe_event)
    assert stock(shirt) == 8


def test_webhook_async_failure_releases_stock(
    client, cart_with, shirt, fake_stripe, post_stripe_event
):
    order = _stripe_order(client, cart_with, shirt)
    post_stripe_event(
        "checkout_session_async_payment_failed",
        kind="order",
        reference=order.number,
        id=order.checkout_session_id,
    )
    assert Order.objects.get().status == Order.Status.FAILED
    assert stock(shirt) == 8


def test_webhook_refund_takes_the_order_out(
    client, cart_with, shirt, fake_stripe, post_stripe_event
):
    order = _stripe_order(client, cart_with, shirt)
    post_stripe_event(
        "checkout_session_completed_paid",
        kind="order",
        reference=order.number,
        id=order.checkout_session_id,
        amount_total=5936,
        payment_intent="pi_test_shop_2",
    )
    response = post_stripe_event(
        "charge_refunded_full",
        kind="order",
        reference=order.number,
        payment_intent="pi_test_shop_2",
        amount=5936,
        amount_refunded=5936,
    )
    assert response.status_code == 200
    assert Order.objects.get().status == Order.Status.REFUNDED


def test_forged_webhook_changes_nothing(
    client, cart_with, shirt, fake_stripe, post_stripe_event
):
    order = _stripe_order(client, cart_with, shirt)
    response = post_stripe_event(
        "checkout_session_completed_paid",
        kind="order",
        reference=order.number,
        id=order.checkout_session_id,
        secret="whsec_forged",
    )
    assert response.status_code == 400
    assert Order.objects.get().status == Order.Status.PENDING
    assert mail.outbox == []


def test_payments_records_the_shop_kind(client, cart_with, shirt, local_gateway):
    cart_with(shirt)
    checkout(client)
    record = CheckoutSession.objects.get()
    assert (record.kind, record.reference) == ("order", Order.objects.get().number)


# ---------------------------------------------------------------------------
# A payment page that must no longer take money is closed
# ---------------------------------------------------------------------------
def test_the_cancel_link_closes_the_stripe_page(client, cart_with, shirt, fake_stripe):
    order = _stripe_order(client, cart_with, shirt)
    client.get(reverse("shop:checkout-cancel", args=[order.token]))
    expire = f"/v1/checkout/sessions/{order.checkout_session_id}/expire"
    assert [r.method for r in fake_stripe.requests if r.url == expire] == ["POST"]
    session = CheckoutSession.objects.get(session_id=order.checkout_session_id)
    assert session.status == CheckoutSession.Status.EXPIRED


def test_a_replaced_orders_page_can_no_longer_be_paid(
    client, cart_with, shirt, local_gateway
):
    cart_with(shirt, quantity=2)
    first_url = checkout(client).url
    first = Order.objects.get()
    cart_with(shirt, quantity=1)  # the cart changed: the next checkout replaces
    checkout(client)
    first.refresh_from_db()
    assert first.status == Order.Status.CANCELLED
    session = CheckoutSession.objects.get(session_id=first.checkout_session_id)
    assert session.status == CheckoutSession.Status.EXPIRED
    paid = local_gateway.pay(client, first_url)
    assert paid.status_code in (409, 410)
    first.refresh_from_db()
    assert first.status == Order.Status.CANCELLED
    assert Order.objects.filter(status=Order.Status.PAID).count() == 0


def test_a_page_stripe_cannot_close_keeps_its_order_and_stock(
    client, cart_with, shirt, fake_stripe
):
    """The page first, then the stock: a page that may still take a payment
    keeps its order pending (`shop_expire_orders` tries again later)."""
    order = _stripe_order(client, cart_with, shirt)
    fake_stripe.respond(
        "POST",
        f"/v1/checkout/sessions/{order.checkout_session_id}/expire",
        {"error": {"type": "api_error", "message": "Try later"}},
        status=500,
    )
    response = client.get(reverse("shop:checkout-cancel", args=[order.token]))
    assert response.status_code == 302  # the buyer is not shown an error
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert stock(shirt) == 6
    session = CheckoutSession.objects.get(session_id=order.checkout_session_id)
    assert session.status == CheckoutSession.Status.OPEN


# ---------------------------------------------------------------------------
# Orders below the card processor's minimum
# ---------------------------------------------------------------------------
def _free_pickup(client, cart_with, shirt):
    """A 100% promo on a local pickup: a cent is left of the goods, and 6% of a
    cent rounds to nothing, so the order would come to $0.01."""
    code = PromoCode.objects.create(code="VOLUNTEER", kind="percent", value=D("100"))
    cart_with(shirt)
    client.post(reverse("shop:cart-promo"), {"code": "volunteer"})
    return code


PICKUP = {"delivery_method": "pickup", "state": "", "city": "", "zip_code": ""}


def test_an_order_below_the_processors_minimum_is_refused_whole(
    client, cart_with, shirt, local_gateway
):
    """The processor takes no payment under $0.50: the checkout says so before
    anything is made (no order, no stock held, no use of the code taken), the
    buyer keeps what was typed, and shipping it instead is a payable order
    that takes the code's use once."""
    code = _free_pickup(client, cart_with, shirt)
    page = client.post(CHECKOUT, {**PICKUP, "update": "1"}).content.decode()
    assert "This order comes to $0.01" in page
    assert "smallest card payment we can take is $0.50" in page
    assert "remove the promo code" in page

    response = checkout(client, **PICKUP)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "This order comes to $0.01" in html
    assert 'value="Ada Buyer"' in html
    assert not Order.objects.exists()
    assert stock(shirt) == 8
    assert not Order.objects.filter(promo_code=code, status__in=HOLDING_STATUSES)
    assert CheckoutSession.objects.count() == 0
    # Pressing again changes nothing.
    assert checkout(client, **PICKUP).status_code == 200
    assert not Order.objects.exists() and stock(shirt) == 8

    response = checkout(client)  # shipped: $0.01 + $6.00 + tax
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.total == D("6.37") and order.promo_code == code
    local_gateway.pay(client, response.url, follow=True)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.amount_paid == D("6.37")
    assert promo_uses(code) == 1


def test_the_service_refuses_an_order_below_the_minimum(shirt):
    PromoCode.objects.create(code="VOLUNTEER", kind="percent", value=D("100"))
    customer = checkout_data(delivery_method="pickup", promo_code="VOLUNTEER")
    with pytest.raises(OrderBelowMinimum):
        order_create_from_cart(cart={shirt.pk: 2}, customer=customer)
    assert not Order.objects.exists() and stock(shirt) == 8


def test_the_service_places_an_order_only_at_the_total_expected(shirt):
    customer = checkout_data(state="OH", city="Dayton", zip_code="45402")
    with pytest.raises(TotalChanged, match=r"Your total is now \$31\.00"):
        order_create_from_cart(
            cart={shirt.pk: 1}, customer=customer, expected_total=D("32.86")
        )
    assert not Order.objects.exists() and stock(shirt) == 8
    order = order_create_from_cart(
        cart={shirt.pk: 1}, customer=customer, expected_total=D("31.00")
    )
    assert order.total == D("31.00") and stock(shirt) == 7


def test_the_checkout_page_is_valid_html_with_every_part_shown(
    client, cart_with, shirt
):
    cart_with(shirt)
    response = client.post(
        CHECKOUT, {**SHIPPING_ADDRESS, "state": "OH", "shown_total": "1.00"}
    )
    html = response.content.decode()
    assert "Your total is now" in html and "data-checkout-notice" in html
    assert "Update total" in html and "Total to pay:" in html
    assert_valid_html(response.content)
