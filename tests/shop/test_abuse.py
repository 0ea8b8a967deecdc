"""Abuse limits and the spam trap on the shop's public forms: adding to the cart,
changing it, trying promo codes, checking out."""

import logging
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from core.privacy_logging import pseudonym
from shop.cart import holder_key
from shop.models import Order, OrderLine, PromoCode, ShopSettings, Variant
from shop.services.stock import order_cancel
from tests.html import assert_valid_html
from tests.shop.factories import SHIPPING_ADDRESS, VariantFactory

pytestmark = pytest.mark.django_db
CART = reverse("shop:cart")
PROMO = reverse("shop:cart-promo")
UPDATE = reverse("shop:cart-update")
CHECKOUT = reverse("shop:checkout")
TRAP_MESSAGE = "a hidden field that only spam robots see was filled in"


@pytest.fixture
def shirt():
    return VariantFactory(price=Decimal("25.00"), stock=50)


def add(client, variant, **extra):
    return client.post(
        variant.product.get_absolute_url(),
        {"variant": variant.pk, "quantity": 1, **extra},
    )


def cart_quantities(client) -> dict:
    return dict(client.session.get("shop_cart", {}))


def assert_styled_429(response):
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    html = response.content.decode()
    assert "Too many tries" in html
    assert 'href="tel:+18883737888"' in html  # the hotline is still there
    assert "data-quick-exit-button" in html
    assert_valid_html(response.content)


# ---------------------------------------------------------------------------
# Rate limits
# ---------------------------------------------------------------------------
def test_adding_to_the_cart_is_limited_per_visitor(client, shirt, settings):
    settings.SHOP_ADD_TO_CART_RATE_PER_VISITOR = "3/10m"
    # The first add comes before the visitor has a session (no session is made
    # just to be counted): only the address counts it. Then three per visitor.
    assert [add(client, shirt).status_code for _ in range(4)] == [302] * 4
    before = cart_quantities(client)
    assert_styled_429(add(client, shirt))
    assert cart_quantities(client) == before  # the refused add changed nothing
    # Looking is never limited.
    assert client.get(shirt.product.get_absolute_url()).status_code == 200


def test_adding_to_the_cart_is_limited_per_address(shirt, settings):
    settings.SHOP_ADD_TO_CART_RATE_PER_IP = "2/10m"
    codes = [add(Client(), shirt).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert add(Client(REMOTE_ADDR="10.0.0.9"), shirt).status_code == 302


def test_trying_promo_codes_is_limited_per_visitor(client, shirt, settings):
    settings.SHOP_PROMO_RATE_PER_VISITOR = "3/10m"
    PromoCode.objects.create(code="REAL10", kind="percent", value=Decimal("10"))
    add(client, shirt)
    for guess in ("AAAA", "BBBB", "CCCC"):
        response = client.post(PROMO, {"code": guess})
        assert response.status_code == 302
    # Over the limit even a real code waits: guessing must not go on.
    assert_styled_429(client.post(PROMO, {"code": "REAL10"}))
    assert "shop_promo_code" not in client.session
    # Removing a code is not an attempt.
    assert client.post(PROMO, {"remove": "1"}).status_code == 302


def test_trying_promo_codes_is_limited_per_address(shirt, settings):
    settings.SHOP_PROMO_RATE_PER_IP = "2/10m"
    codes = [Client().post(PROMO, {"code": "GUESS"}).status_code for _ in range(3)]
    assert codes == [302, 302, 429]


# ---------------------------------------------------------------------------
# The spam trap
# ---------------------------------------------------------------------------
def test_the_trap_is_on_every_shop_form_hidden_and_empty(client, shirt):
    html = client.get(shirt.product.get_absolute_url()).content.decode()
    assert html.count('name="website"') == 1
    add(client, shirt)
    cart = client.get(CART)
    assert_valid_html(cart.content)  # unique ids with a trap in every form
    assert cart.content.decode().count('name="website"') == 2  # update and promo
    checkout = client.get(CHECKOUT).content.decode()
    assert checkout.count('name="website"') == 1
    for page in (html, checkout):
        trap = page[page.index('<div class="visually-hidden" aria-hidden="true">') :]
        trap = trap[: trap.index("</div>")]
        assert "Leave this field empty" in trap
        assert 'tabindex="-1"' in trap and 'autocomplete="off"' in trap
        assert 'value=""' in trap


def test_a_filled_trap_adds_nothing_to_the_cart(client, shirt, caplog):
    with caplog.at_level(logging.WARNING):
        response = add(client, shirt, website="http://spam.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and TRAP_MESSAGE in html
    assert 'name="website" id="id_website" value=""' in html  # empty again
    assert cart_quantities(client) == {}
    assert_valid_html(response.content)
    assert "Spam trap filled" in caplog.text


def test_a_filled_trap_leaves_the_cart_as_it_was(client, shirt):
    add(client, shirt)
    before = cart_quantities(client)
    response = client.post(UPDATE, {"variant": shirt.pk, "quantity": 5, "website": "x"})
    assert response.status_code == 400
    assert TRAP_MESSAGE in response.content.decode()
    assert cart_quantities(client) == before


def test_a_filled_trap_applies_no_promo_code(client, shirt):
    PromoCode.objects.create(code="REAL10", kind="percent", value=Decimal("10"))
    add(client, shirt)
    response = client.post(PROMO, {"code": "REAL10", "website": "x"})
    assert response.status_code == 400
    assert TRAP_MESSAGE in response.content.decode()
    assert "shop_promo_code" not in client.session


def test_a_filled_trap_places_no_order(client, shirt, local_gateway, caplog):
    add(client, shirt)
    with caplog.at_level(logging.INFO):
        response = client.post(
            CHECKOUT, {**SHIPPING_ADDRESS, "website": "www.example.com"}
        )
    assert response.status_code == 400
    html = response.content.decode()
    assert TRAP_MESSAGE in html
    assert 'value="buyer@example.org"' in html  # the buyer's details are kept
    assert Order.objects.count() == 0
    assert_valid_html(response.content)
    # Logged, without the buyer's details.
    assert "Spam trap filled on the CheckoutForm form." in caplog.text
    assert "buyer@example.org" not in caplog.text and "Main Street" not in caplog.text
    # A person who sends the form again (the trap is empty now) gets through.
    assert client.post(CHECKOUT, SHIPPING_ADDRESS).status_code == 302
    assert Order.objects.count() == 1


# ---------------------------------------------------------------------------
# What one address may hold unpaid (ShopSettings caps)
# ---------------------------------------------------------------------------
def held(variant=None) -> int:
    """Units in orders that wait for payment (of one variant, or all)."""
    lines = OrderLine.objects.filter(order__status=Order.Status.PENDING)
    if variant is not None:
        lines = lines.filter(variant=variant)
    return lines.aggregate(units=Sum("quantity"))["units"] or 0


def buy(client, variant, quantity=1, *, follow=False):
    client.post(
        variant.product.get_absolute_url(),
        {"variant": variant.pk, "quantity": quantity},
    )
    return client.post(CHECKOUT, SHIPPING_ADDRESS, follow=follow)


@pytest.fixture
def no_rate_limits(settings):
    """The caps alone: the request rate limits are out of the way."""
    settings.SHOP_ADD_TO_CART_RATE_PER_IP = "10000/10m"
    settings.SHOP_CHECKOUT_RATE_PER_IP = "10000/10m"


def test_a_cookieless_loop_from_one_address_holds_a_small_share(
    local_gateway, no_rate_limits
):
    """A robot that drops its cookies gets a new cart with every round, but not
    a new address: with the default caps it holds a quarter of a variant at
    most (one of a scarce one), and never more than 10 items in all."""
    plenty = VariantFactory(stock=24, product__name="Mug", size="", colour="")
    scarce = VariantFactory(stock=3, product__name="Hoodie", size="2XL")
    others = [VariantFactory(stock=30) for _ in range(3)]
    for variant in (plenty, scarce, *others):
        for quantity in (10, 5, 2, 1, 1, 1, 1, 1, 1, 1):
            buy(Client(), variant, quantity)  # a new cookie jar every round
    assert held(plenty) <= 24 // 4
    assert held(scarce) == 1
    assert held() == 10  # the address's cap, reached, never passed
    assert Order.objects.exclude(holder_key="").count() == Order.objects.count()


def test_one_order_takes_no_more_than_its_share(client, local_gateway):
    shirt = VariantFactory(stock=20, product__name="Hope T-shirt", size="M")
    response = buy(client, shirt, 6, follow=True)
    html = response.content.decode()
    assert "You can buy up to 5 of Hope T-shirt (M" in html
    assert "hello@redeeminghope.org" in html  # whom to write for a bulk order
    assert held() == 0 and Variant.objects.get(pk=shirt.pk).stock == 20
    assert_valid_html(response.content)
    # The buyer lowers the quantity and goes on.
    client.post(UPDATE, {"variant": shirt.pk, "quantity": 5})
    assert client.post(CHECKOUT, SHIPPING_ADDRESS).status_code == 302
    assert held(shirt) == 5


def test_a_second_checkout_from_the_same_address_is_told_what_it_holds(
    local_gateway,
):
    mugs = [VariantFactory(stock=40) for _ in range(3)]
    buy(Client(), mugs[0], 8)
    buy(Client(), mugs[1], 2)
    response = buy(Client(), mugs[2], 1, follow=True)
    html = response.content.decode()
    assert "You can hold up to 10 items at once" in html
    assert "already hold 10" in html
    assert held() == 10
    # Another address is not held back by this one.
    assert buy(Client(REMOTE_ADDR="10.0.0.9"), mugs[2], 1).status_code == 302


def test_a_paid_order_no_longer_counts(local_gateway):
    mug = VariantFactory(stock=40)
    buyer = Client()
    url = buy(buyer, mug, 10).url
    assert buy(Client(), mug, 1).status_code == 302  # refused: back to the cart
    assert held() == 10
    local_gateway.pay(buyer, url)
    assert buy(Client(), mug, 1).url != CART
    assert held() == 1


def test_the_cart_says_at_once_how_many_one_order_may_have(client):
    mug = VariantFactory(stock=40, product__name="Mug", size="", colour="")
    add(client, mug)
    response = client.post(
        mug.product.get_absolute_url(), {"variant": mug.pk, "quantity": 10}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "You can buy up to 10 items in one order, and your cart has 1" in html
    assert "hello@redeeminghope.org" in html
    assert cart_quantities(client) == {str(mug.pk): 1}
    assert_valid_html(response.content)


def test_staff_set_the_caps(local_gateway, admin_client):
    html = admin_client.get(reverse("admin:shop_shopsettings_add")).content.decode()
    for label in (
        "Most items in one order",
        "Most items one buyer can hold at once",
        "Most of one item&#x27;s stock one buyer can hold (percent)",
    ):
        assert label in html
    ShopSettings.objects.create(
        max_items_per_order=3,
        max_items_held_per_address=4,
        max_share_held_per_address=100,
    )
    mug = VariantFactory(stock=40)
    response = Client().post(
        mug.product.get_absolute_url(), {"variant": mug.pk, "quantity": 4}
    )
    assert "You can buy up to 3 items in one order" in response.content.decode()
    buy(Client(), mug, 3)
    buy(Client(), mug, 1)
    assert (
        "You can hold up to 4 items"
        in buy(Client(), mug, 1, follow=True).content.decode()
    )
    assert held() == 4


def test_the_address_is_kept_as_a_keyed_hash(local_gateway, settings):
    settings.RATELIMIT_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    mug = VariantFactory(stock=40)
    buy(Client(HTTP_X_FORWARDED_FOR="203.0.113.7"), mug, 10)
    buy(Client(HTTP_X_FORWARDED_FOR="198.51.100.2"), mug, 1)  # another buyer
    keys = set(Order.objects.values_list("holder_key", flat=True))
    assert len(keys) == 2
    for key in keys:
        assert len(key) == 32 and "203" not in key and "198.51" not in key
    assert pseudonym("203.0.113.7", purpose="shop-holder", length=32) in keys
    # Once an order no longer holds stock, its key goes too.
    order = Order.objects.get(holder_key=next(iter(keys)))
    order_cancel(order=order)
    assert Order.objects.get(pk=order.pk).holder_key == ""


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", True),  # one /64
        ("2001:db8:1:2::1", "2001:db8:1:3::1", False),
        ("::ffff:192.0.2.1", "192.0.2.1", True),
        ("192.0.2.1", "192.0.2.2", False),
    ],
)
def test_an_ipv6_connection_counts_as_one_holder(rf, first, second, same):
    keys = [holder_key(rf.get("/", REMOTE_ADDR=ip)) for ip in (first, second)]
    assert (keys[0] == keys[1]) is same
    assert all(len(key) == 32 for key in keys)


def test_a_cart_filled_before_the_cap_was_lowered_is_told_at_checkout(
    client, local_gateway
):
    mug = VariantFactory(stock=40)
    client.post(mug.product.get_absolute_url(), {"variant": mug.pk, "quantity": 8})
    ShopSettings.objects.create(max_items_per_order=5)
    response = client.post(CHECKOUT, SHIPPING_ADDRESS, follow=True)
    assert "You can buy up to 5 items in one order" in response.content.decode()
    assert held() == 0
