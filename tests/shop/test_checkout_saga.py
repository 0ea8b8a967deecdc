"""One cart, one pending order: checking out again reuses or replaces it, placing
orders is rate-limited, and a failed payment page gives the stock back."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from payments import gateways
from payments.errors import PaymentError
from payments.models import CheckoutSession
from shop.cart import CART_ID_KEY
from shop.errors import CartHasPendingOrder
from shop.models import Order, Variant
from shop.selectors import shop_settings
from shop.services.checkout import order_checkout
from shop.services.placing import HOLD_AFTER_PAGE
from tests.html import assert_valid_html
from tests.shop.factories import SHIPPING_ADDRESS, VariantFactory, checkout_data

pytestmark = pytest.mark.django_db
D = Decimal
CHECKOUT = reverse("shop:checkout")
ROOT = "http://testserver/"


def stock(variant) -> int:
    return Variant.objects.values_list("stock", flat=True).get(pk=variant.pk)


def start(cart, *, cart_id="cart-a", **customer):
    return order_checkout(
        cart_id=cart_id,
        cart=cart,
        customer=checkout_data(**customer),
        rates=shop_settings(),
        site_root=ROOT,
    )


@pytest.fixture
def shirt():
    return VariantFactory(price=D("25.00"), stock=10)


# ---------------------------------------------------------------------------
# The service
# ---------------------------------------------------------------------------
def test_checking_the_same_cart_out_again_reuses_its_order(shirt, local_gateway):
    first = start({shirt.pk: 2})
    again = start({shirt.pk: 2})
    assert again.reused and again.order.pk == first.order.pk
    assert again.redirect_url == first.redirect_url  # the same payment page
    assert Order.objects.count() == 1
    assert stock(shirt) == 8  # reserved once


def test_a_changed_cart_replaces_its_order_and_releases_the_stock_once(
    shirt, local_gateway
):
    first = start({shirt.pk: 2})
    second = start({shirt.pk: 3})
    assert not second.reused and second.order.pk != first.order.pk
    first.order.refresh_from_db()
    assert first.order.status == Order.Status.CANCELLED
    assert stock(shirt) == 7  # 10 - 3: the first order's 2 came back, once
    third = start({shirt.pk: 1}, email="other@example.org")  # other buyer details
    assert Order.objects.filter(status=Order.Status.PENDING).get() == third.order
    assert stock(shirt) == 9
    assert Order.objects.count() == 3


def test_an_order_near_the_end_of_its_hold_is_replaced(shirt, local_gateway):
    first = start({shirt.pk: 2})
    Order.objects.filter(pk=first.order.pk).update(
        expires_at=timezone.now() + timedelta(minutes=2)
    )
    second = start({shirt.pk: 2})
    assert not second.reused
    assert stock(shirt) == 8


def test_an_order_whose_page_is_about_to_close_is_replaced(shirt, local_gateway):
    """The hold outlasts the page by a couple of minutes: what counts for
    sending the buyer back is the page's own time left."""
    first = start({shirt.pk: 2})
    page_left = timedelta(minutes=4)
    CheckoutSession.objects.filter(session_id=first.order.checkout_session_id).update(
        expires_at=timezone.now() + page_left
    )
    Order.objects.filter(pk=first.order.pk).update(
        expires_at=timezone.now() + page_left + HOLD_AFTER_PAGE
    )
    second = start({shirt.pk: 2})
    assert not second.reused
    assert stock(shirt) == 8


def test_each_cart_has_its_own_order(shirt, local_gateway):
    start({shirt.pk: 2}, cart_id="cart-a")
    start({shirt.pk: 2}, cart_id="cart-b")
    assert Order.objects.filter(status=Order.Status.PENDING).count() == 2
    assert stock(shirt) == 6


def test_a_payment_page_that_cannot_open_gives_the_stock_back(shirt):
    # No gateway is configured: payments raises PaymentError.
    with pytest.raises(PaymentError):
        start({shirt.pk: 2})
    assert Order.objects.get().status == Order.Status.CANCELLED
    assert stock(shirt) == 10


def test_an_order_being_opened_by_another_request_is_not_doubled(shirt):
    """A second POST while the first is still opening the payment page."""
    from shop.services.placing import order_create_from_cart

    order_create_from_cart(
        cart={shirt.pk: 2}, customer=checkout_data(), cart_id="cart-a"
    )
    with pytest.raises(CartHasPendingOrder):
        start({shirt.pk: 2})
    with pytest.raises(CartHasPendingOrder):  # the database says no, too
        order_create_from_cart(
            cart={shirt.pk: 2}, customer=checkout_data(), cart_id="cart-a"
        )
    assert Order.objects.count() == 1
    assert stock(shirt) == 8


def test_a_checkout_needs_a_cart_id(shirt):
    with pytest.raises(ValueError):
        start({shirt.pk: 1}, cart_id="")


def test_the_payment_asks_for_the_order_total(shirt, local_gateway, monkeypatch):
    asked = []
    real = order_checkout.__globals__["checkout_open"]

    def spy(request):
        asked.append(request)
        return real(request)

    monkeypatch.setitem(order_checkout.__globals__, "checkout_open", spy)
    started = start({shirt.pk: 2})
    (request,) = asked
    assert request.total == started.order.total == D("59.36")
    assert request.reference == started.order.number
    assert request.expires_in == timedelta(minutes=30)


# ---------------------------------------------------------------------------
# The hold ends after the payment page has closed
# ---------------------------------------------------------------------------
def test_the_payment_page_closes_before_the_hold_ends(shirt, local_gateway):
    started = start({shirt.pk: 2})
    page = CheckoutSession.objects.get(session_id=started.order.checkout_session_id)
    assert page.expires_at < started.order.expires_at
    assert started.order.expires_at - page.expires_at <= timedelta(minutes=5)


def test_the_stripe_page_closes_before_the_hold_ends(shirt, fake_stripe):
    started = start({shirt.pk: 2})
    (created,) = [r for r in fake_stripe.requests if r.url == "/v1/checkout/sessions"]
    closes = datetime.fromtimestamp(int(created.params["expires_at"]), tz=UTC)
    # Stripe takes no less than 30 minutes from now...
    assert closes >= timezone.now() + timedelta(minutes=30)
    # ...and the order holds its stock until after that.
    assert closes < started.order.expires_at


def test_a_reused_page_keeps_the_hold_past_its_close(shirt, local_gateway):
    first = start({shirt.pk: 2})
    again = start({shirt.pk: 2})
    assert again.reused
    page = CheckoutSession.objects.get(session_id=again.order.checkout_session_id)
    assert page.expires_at < again.order.expires_at == first.order.expires_at


def stale(order) -> None:
    Order.objects.filter(pk=order.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )


def expire_command() -> str:
    out = StringIO()
    call_command("shop_expire_orders", stdout=out)
    return out.getvalue()


def test_the_expiry_command_closes_the_stripe_page_before_releasing(
    shirt, fake_stripe, monkeypatch
):
    order = start({shirt.pk: 2}).order
    stale(order)
    seen = []
    real = gateways.expire_checkout_session

    def expire(session_id):
        seen.append((session_id, stock(shirt)))  # the stock is still held
        return real(session_id)

    monkeypatch.setattr(gateways, "expire_checkout_session", expire)
    assert "Expired 1 pending order(s)." in expire_command()
    assert seen == [(order.checkout_session_id, 8)]
    assert fake_stripe.sessions[order.checkout_session_id]["status"] == "expired"
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED
    assert stock(shirt) == 10
    assert expire_command() == "Expired 0 pending order(s).\n"
    assert stock(shirt) == 10


def test_a_page_that_cannot_be_closed_keeps_its_stock_held(shirt, fake_stripe):
    order = start({shirt.pk: 2}).order
    stale(order)
    path = f"/v1/checkout/sessions/{order.checkout_session_id}"
    fake_stripe.respond("POST", f"{path}/expire", {"error": {"type": "api_error"}}, 500)
    fake_stripe.respond("GET", path, {"error": {"type": "api_error"}}, 500)
    assert "Expired 0 pending order(s)." in expire_command()
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING and stock(shirt) == 8
    # Stripe answers again: the next run closes the page, then releases.
    assert "Expired 1 pending order(s)." in expire_command()
    assert stock(shirt) == 10


def test_a_page_stripe_already_expired_is_released(shirt, fake_stripe):
    order = start({shirt.pk: 2}).order
    stale(order)
    fake_stripe.sessions[order.checkout_session_id]["status"] = "expired"
    assert "Expired 1 pending order(s)." in expire_command()
    assert stock(shirt) == 10
    page = CheckoutSession.objects.get(session_id=order.checkout_session_id)
    assert page.status == CheckoutSession.Status.EXPIRED


def test_a_page_paid_at_stripe_is_never_released(shirt, fake_stripe):
    """Paid while the order's hold ran out, before the webhook arrived: the
    stock stays with the buyer who paid for it."""
    order = start({shirt.pk: 2}).order
    stale(order)
    fake_stripe.mark_paid(order.checkout_session_id)
    assert "Expired 0 pending order(s)." in expire_command()
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING and stock(shirt) == 8


def test_the_expiry_command_closes_a_local_page_too(shirt, local_gateway, client):
    started = start({shirt.pk: 2})
    stale(started.order)
    expire_command()
    page = CheckoutSession.objects.get(session_id=started.order.checkout_session_id)
    assert page.status == CheckoutSession.Status.EXPIRED
    # Its Pay button no longer takes money.
    assert local_gateway.pay(client, started.redirect_url).status_code in (409, 410)
    started.order.refresh_from_db()
    assert started.order.status == Order.Status.EXPIRED


# ---------------------------------------------------------------------------
# Through the page
# ---------------------------------------------------------------------------
def fill(client, variant, quantity=1):
    client.post(
        variant.product.get_absolute_url(),
        {"variant": variant.pk, "quantity": quantity},
    )


def test_posting_the_checkout_again_holds_the_stock_once(client, shirt, local_gateway):
    fill(client, shirt, 2)
    urls = {client.post(CHECKOUT, SHIPPING_ADDRESS).url for _ in range(3)}
    assert len(urls) == 1
    assert Order.objects.count() == 1 and stock(shirt) == 8
    assert Order.objects.get().cart_id == client.session[CART_ID_KEY]


def test_a_paid_cart_starts_afresh(client, shirt, local_gateway):
    fill(client, shirt, 1)
    url = client.post(CHECKOUT, SHIPPING_ADDRESS).url
    paid = local_gateway.pay(client, url)
    client.get(paid.url)  # the success page empties the cart
    assert CART_ID_KEY not in client.session
    fill(client, shirt, 1)
    client.post(CHECKOUT, SHIPPING_ADDRESS)
    assert Order.objects.count() == 2
    assert Order.objects.filter(status=Order.Status.PAID).count() == 1
    assert stock(shirt) == 8


def test_placing_orders_is_rate_limited_per_visitor(
    client, shirt, local_gateway, settings
):
    settings.SHOP_CHECKOUT_RATE_PER_VISITOR = "3/10m"
    fill(client, shirt, 1)
    for _ in range(3):
        assert client.post(CHECKOUT, SHIPPING_ADDRESS).status_code == 302
    response = client.post(CHECKOUT, SHIPPING_ADDRESS)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    html = response.content.decode()
    assert "Too many tries" in html
    assert "try again in about" in html and "minute" in html
    assert "data-quick-exit-button" in html  # Quick exit, as on every page
    assert "tel:+18883737888" in html  # the hotline
    assert_valid_html(response.content)
    assert Order.objects.count() == 1 and stock(shirt) == 9
    # Form errors do not count: nothing was placed.
    assert client.post(CHECKOUT, {**SHIPPING_ADDRESS, "email": ""}).status_code == 200


def test_placing_orders_is_rate_limited_per_ip(
    client_factory, shirt, local_gateway, settings
):
    settings.SHOP_CHECKOUT_RATE_PER_IP = "2/10m"
    statuses = []
    for _ in range(3):
        visitor = client_factory()  # a new session (and cart) each time
        fill(visitor, shirt, 1)
        statuses.append(visitor.post(CHECKOUT, SHIPPING_ADDRESS).status_code)
    assert statuses == [302, 302, 429]
    other_ip = client_factory(REMOTE_ADDR="10.0.0.9")
    fill(other_ip, shirt, 1)
    assert other_ip.post(CHECKOUT, SHIPPING_ADDRESS).status_code == 302


def test_behind_a_proxy_the_client_ip_header_counts(
    client_factory, shirt, local_gateway, settings
):
    settings.SHOP_CHECKOUT_RATE_PER_IP = "1/10m"
    settings.RATELIMIT_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    codes = []
    for forwarded in ("1.1.1.1, 10.0.0.1", "2.2.2.2", "6.6.6.6, 2.2.2.2"):
        visitor = client_factory(HTTP_X_FORWARDED_FOR=forwarded)
        fill(visitor, shirt, 1)
        codes.append(visitor.post(CHECKOUT, SHIPPING_ADDRESS).status_code)
    # The proxy's own entry (the last) is the client: 10.0.0.1, 2.2.2.2, 2.2.2.2.
    assert codes == [302, 302, 429]


@pytest.fixture
def client_factory():
    from django.test import Client

    return lambda **defaults: Client(**defaults)
