"""
Faults the site must survive: Redis down (no 500, the cart still works), the
database down (the styled 503 with the hotline; /healthz says which part), and
Stripe failing at checkout (the cart intact, a clear message, no stock held).
"""

import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.urls import reverse

from payments import gateways
from shop.cart import SESSION_KEY
from shop.models import Order, Variant
from tests.campaigns.factories import CampaignFactory
from tests.donations.factories import HomeFundFactory
from tests.pages.factories import PageFactory
from tests.payments.stripe_double import UnreachableStripe
from tests.production.servers import closed_port_url
from tests.shop.factories import SHIPPING_ADDRESS, ProductImageFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings):
    """CACHE_URL pointing at a Redis that is not running, as the settings build it."""
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": closed_port_url(),
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield
    cache.close()


@pytest.fixture
def site_content():
    for slug in ("home", "get-help", "browsing-safely", "about"):
        PageFactory(slug=slug, title=slug.replace("-", " ").title())
    campaign = CampaignFactory(with_image=True)
    variant = VariantFactory(stock=5, price=Decimal("25.00"))
    ProductImageFactory(product=variant.product)
    HomeFundFactory()
    return campaign, variant


def public_urls(campaign, variant) -> list[str]:
    return [
        reverse("home"),
        reverse("get-help"),
        reverse("browsing-safely"),
        reverse("about"),
        reverse("the-home"),
        reverse("campaigns:campaign-list"),
        campaign.get_absolute_url(),
        reverse("shop:product-list"),
        variant.product.get_absolute_url(),
        reverse("shop:cart"),
        reverse("donations:donate"),
        reverse("sitemap"),
    ]


# ---------------------------------------------------------------------------
# Redis down
# ---------------------------------------------------------------------------
def test_with_redis_down_every_public_page_answers(client, redis_down, site_content):
    campaign, variant = site_content
    for url in public_urls(campaign, variant):
        response = client.get(url)
        assert response.status_code == 200, url


def test_with_redis_down_a_visitor_keeps_the_cart(client, redis_down, site_content):
    _, variant = site_content
    response = client.post(
        variant.product.get_absolute_url(), {"variant": variant.pk, "quantity": 2}
    )
    assert response.status_code == 302
    cart = client.get(reverse("shop:cart"))
    assert cart.status_code == 200
    assert client.session[SESSION_KEY] == {str(variant.pk): 2}
    assert str(variant.product.name) in cart.content.decode()


def test_with_redis_down_healthz_names_the_cache(client, redis_down):
    """...but stays 200: the server still serves without Redis, and a load
    balancer must not take every server out for it."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "down"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_when_all_is_well(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"database": "ok", "cache": "ok"}


def test_healthz_answers_a_probe_by_ip_address(client):
    """Load balancers probe by the server's address, not an allowed host name."""
    assert client.get("/healthz", HTTP_HOST="10.0.3.7").status_code == 200
    client.raise_request_exception = False
    assert client.get("/", HTTP_HOST="10.0.3.7").status_code == 400  # the rest


def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get(reverse("shop:product-list")).status_code == 301


# ---------------------------------------------------------------------------
# Database down
# ---------------------------------------------------------------------------
@pytest.fixture
def database_down(monkeypatch):
    """Every new cursor fails as a database that cannot be reached does."""

    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused (test)")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)


def assert_styled_503(response):
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "We will be right back" in html
    assert "tel:+18883737888" in html  # the hotline
    assert "data-quick-exit-button" in html  # Quick exit
    assert "/static/css/site.css" in html  # styled


def test_with_the_database_down_a_view_answers_the_styled_503(
    client, site_content, database_down
):
    campaign, variant = site_content
    client.raise_request_exception = False
    for url in (reverse("home"), variant.product.get_absolute_url()):
        assert_styled_503(client.get(url))


def test_with_the_database_down_a_session_page_answers_503(
    client, site_content, database_down
):
    """The cart reads the session (in the database) in the session middleware's
    wake: the 500 handler turns it into the 503 too."""
    client.raise_request_exception = False
    client.cookies["sessionid"] = "x" * 32
    assert_styled_503(client.get(reverse("shop:cart")))


def test_with_the_database_down_healthz_names_the_database(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "down", "cache": "ok"}


def test_the_500_page_needs_no_database(rf, database_down):
    from pages.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "tel:+18883737888" in response.content.decode()


# ---------------------------------------------------------------------------
# Stripe failing at checkout
# ---------------------------------------------------------------------------
@pytest.fixture
def cart(client):
    variant = VariantFactory(stock=8, price=Decimal("25.00"))
    client.post(
        variant.product.get_absolute_url(), {"variant": variant.pk, "quantity": 2}
    )
    return variant


@pytest.mark.parametrize("failure", ["timeout", "error"])
def test_stripe_failing_at_checkout_keeps_the_cart(client, cart, fake_stripe, failure):
    if failure == "timeout":
        gateways.install_http_client(UnreachableStripe())
    else:
        fake_stripe.respond(
            "POST",
            "/v1/checkout/sessions",
            {"error": {"type": "api_error", "message": "Something went wrong."}},
            status=500,
        )
    response = client.post(reverse("shop:checkout"), SHIPPING_ADDRESS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "We could not start the payment. Nothing was charged." in html
    assert "test double" not in html and "Stripe" not in html  # no internals
    assert client.session[SESSION_KEY] == {str(cart.pk): 2}  # the cart is intact
    assert not Order.objects.filter(status=Order.Status.PENDING).exists()
    assert Variant.objects.get(pk=cart.pk).stock == 8  # nothing held
