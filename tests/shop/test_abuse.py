"""Abuse limits and the spam trap on the shop's public forms: adding to the cart,
changing it, trying promo codes, checking out."""

import logging
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from shop.models import Order, PromoCode
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
