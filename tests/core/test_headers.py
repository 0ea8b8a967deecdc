"""
Every page type, public and admin, answers with the full set of security
headers, over HTTPS with the settings HTTPS=1 gives production; cookies carry
Secure, HttpOnly and SameSite.
"""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import path, reverse

from donations.models import Donation
from redeeming_hope import urls as site_urls
from shop.models import Order
from tests.campaigns.factories import CampaignFactory
from tests.pages.factories import PageFactory
from tests.shop.factories import SHIPPING_ADDRESS, VariantFactory


def _boom(request):
    raise RuntimeError("A deliberate failure, to see the 500 page's headers.")


# This module is also the URLconf of its tests: the site's URLs plus one that fails.
urlpatterns = [path("boom-for-the-header-test/", _boom), *site_urls.urlpatterns]
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

ONE_YEAR = 31_536_000
GIFT = {
    "frequency": "one_time",
    "one_time_amount": "other",
    "other_amount": "50",
    "name": "Ann Lee",
    "email": "ann@example.org",
}


@pytest.fixture(autouse=True)
def https(settings):
    """What HTTPS=1 sets in redeeming_hope/settings.py."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = ONE_YEAR
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.fixture
def visitor():
    """A client whose every request comes over HTTPS (through a proxy that says
    so, as with BEHIND_PROXY=1)."""
    return Client(raise_request_exception=False, HTTP_X_FORWARDED_PROTO="https")


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response


def post(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:1000]
    return response


def _cart(client):
    variant = VariantFactory(price=Decimal("20.00"), stock=5)
    post(
        client,
        variant.product.get_absolute_url(),
        {"variant": variant.pk, "quantity": 1},
    )
    return variant


def _order_page(client, gateway):
    _cart(client)
    post(client, reverse("shop:checkout"), SHIPPING_ADDRESS)
    return Order.objects.get().get_absolute_url()


def _thank_you(client, gateway):
    started = post(client, reverse("donations:donate"), GIFT)
    paid = gateway.pay(client, started["Location"])
    assert paid.status_code == 302 and Donation.objects.count() == 1
    return paid["Location"]


def _standing_page():
    PageFactory(slug="get-help")
    return reverse("get-help")


def _too_many(client, settings):
    settings.DONATION_MANAGE_RATE_PER_IP = "0/10m"
    return reverse("donations:manage", args=["1:forged"])


# name -> (how to reach it, expected status)
PAGES = {
    "home": (lambda c, g, s: reverse("home"), 200),
    "standing page": (
        lambda c, g, s: PageFactory(slug="get-help") and "/get-help/",
        200,
    ),
    "campaign list": (lambda c, g, s: reverse("campaigns:campaign-list"), 200),
    "campaign detail": (lambda c, g, s: CampaignFactory().get_absolute_url(), 200),
    "shop list": (lambda c, g, s: reverse("shop:product-list"), 200),
    "product": (
        lambda c, g, s: VariantFactory().product.get_absolute_url(),
        200,
    ),
    "cart": (lambda c, g, s: _cart(c) and reverse("shop:cart"), 200),
    "checkout": (lambda c, g, s: _cart(c) and reverse("shop:checkout"), 200),
    "order status": (lambda c, g, s: _order_page(c, g), 200),
    "donate": (lambda c, g, s: reverse("donations:donate"), 200),
    "thank-you": (lambda c, g, s: _thank_you(c, g), 200),
    "the home fund": (lambda c, g, s: reverse("the-home"), 200),
    "404": (lambda c, g, s: "/no-such-page/", 404),
    "429": (lambda c, g, s: _too_many(c, s), 429),
    "500": (lambda c, g, s: "/boom-for-the-header-test/", 500),
    "admin login": (lambda c, g, s: reverse("admin:login"), 200),
}


def assert_security_headers(response, name):
    headers = response.headers
    policy = headers.get("Content-Security-Policy", "")
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in policy.split("; ") if part
    )
    assert directives.get("default-src") == "'self'", name
    assert directives.get("script-src") == "'self'", name
    assert directives.get("style-src") == "'self'", name
    assert directives.get("object-src") == "'none'", name
    assert directives.get("base-uri") == "'self'", name
    assert directives.get("frame-ancestors") == "'none'", name
    assert directives.get("form-action") == (
        "'self' https://checkout.stripe.com https://billing.stripe.com"
    ), name
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, name

    features = dict(
        item.strip().split("=", 1)
        for item in headers.get("Permissions-Policy", "").split(",")
        if item.strip()
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features.get(feature) == "()", (name, feature)
    assert "interest-cohort" not in features, name  # retired: Chromium warns

    assert headers.get("Strict-Transport-Security") == (
        f"max-age={ONE_YEAR}; includeSubDomains; preload"
    ), name
    assert headers.get("X-Content-Type-Options") == "nosniff", name
    assert headers.get("X-Frame-Options") == "DENY", name
    assert headers.get("Cross-Origin-Opener-Policy") == "same-origin", name
    assert headers.get("Referrer-Policy") in ("same-origin", "no-referrer"), name


@pytest.mark.parametrize("name", PAGES)
def test_every_public_page_type_has_the_security_headers(
    name, visitor, local_gateway, settings
):
    reach, status = PAGES[name]
    url = reach(visitor, local_gateway, settings)
    assert_security_headers(get(visitor, url, status), name)


def test_the_admin_has_the_security_headers(visitor):
    staff = get_user_model().objects.create_superuser(
        "boss", "boss@example.org", "a long and unguessable password"
    )
    visitor.force_login(staff)
    for url in (reverse("admin:index"), reverse("admin:shop_order_changelist")):
        assert_security_headers(get(visitor, url), url)


def test_plain_http_is_sent_to_https(db):
    response = Client().get(reverse("donations:donate"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def _set_cookie_lines(response) -> dict[str, str]:
    return {name: morsel.OutputString() for name, morsel in response.cookies.items()}


def test_cookies_are_secure_http_only_and_same_site(visitor):
    variant = VariantFactory(price=Decimal("20.00"), stock=5)
    form_page = get(visitor, variant.product.get_absolute_url())
    added = post(
        visitor,
        variant.product.get_absolute_url(),
        {"variant": variant.pk, "quantity": 1},
    )
    cookies = {**_set_cookie_lines(form_page), **_set_cookie_lines(added)}
    assert {"csrftoken", "sessionid"} <= set(cookies), cookies
    for name in ("csrftoken", "sessionid"):
        line = cookies[name]
        assert "Secure" in line, line
        assert "HttpOnly" in line, line
        assert re.search(r"SameSite=Lax", line), line


def test_the_payment_pages_origins_are_the_only_others_forms_may_reach(settings):
    assert settings.SECURE_CSP["form-action"] == [
        "'self'",
        "https://checkout.stripe.com",
        "https://billing.stripe.com",
    ]
