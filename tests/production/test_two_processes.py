"""
Several stateless app servers behind a load balancer: two gunicorn processes with
the production settings share one database and one Redis (cache, sessions, rate
limits), and a visitor whose requests alternate between them sees one site.

Needs Redis (database 13); skipped with the reason when it is not running, except
on CI (CI=true), where that fails.
"""

import re
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie

import pytest

from tests.production.servers import (
    app_servers,
    database_url,
    delete_prefixed,
    drop_database,
    key_prefix,
    manage,
    production_env,
    require_redis,
)
from tests.shop.factories import SHIPPING_ADDRESS

SETUP = """
from decimal import Decimal
from tests.shop.factories import VariantFactory
variant = VariantFactory(product__name="Blue Shirt", product__slug="blue-shirt",
                         price=Decimal("25.00"), stock=50)
print(variant.pk)
"""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """One browser: its cookies go to whichever server it is sent to."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(_NoRedirects)

    def request(self, url: str, data: dict[str, str] | None = None):
        body = None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if data is not None:
            data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}
            body = urllib.parse.urlencode(data).encode()
            headers["Referer"] = url
        request = urllib.request.Request(url, data=body, headers=headers)
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.read().decode()


def cart_count(html: str) -> int:
    match = re.search(r'header-cart__count">(\d+)<', html)
    return int(match.group(1)) if match else 0


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("two-processes")
    cache, prefix = require_redis(13), key_prefix()
    database = database_url(tmp, "two_processes")
    env = production_env(
        database=database,
        cache=cache,
        CACHE_KEY_PREFIX=prefix,
        MEDIA_ROOT=str(tmp / "media"),
        SHOP_CHECKOUT_RATE_PER_VISITOR="2/10m",
    )
    manage("migrate", "--noinput", env=env)
    variant_id = manage("shell", "--no-imports", "-c", SETUP, env=env).stdout.strip()
    with app_servers(env, 2, tmp) as servers:
        servers.env = env
        yield servers, int(variant_id)
    delete_prefixed(cache, prefix)
    drop_database(database)


def add_to_cart(visitor: Visitor, server: str, variant_id: int, quantity: int):
    visitor.request(f"{server}/shop/products/blue-shirt/")  # the CSRF cookie
    status, _ = visitor.request(
        f"{server}/shop/products/blue-shirt/",
        {"variant": str(variant_id), "quantity": str(quantity)},
    )
    assert status == 302


def test_a_cart_made_on_one_server_is_seen_and_changed_on_the_other(site):
    (servers, variant_id), visitor = site, Visitor()
    one, two = servers.urls
    add_to_cart(visitor, one, variant_id, 2)
    status, html = visitor.request(f"{two}/shop/cart/")
    assert status == 200, servers.logs()
    assert "Blue Shirt" in html and cart_count(html) == 2

    # Changed through the second server: the first must not serve its old copy
    # of the session (cached_db reads the session from the shared cache).
    status, _ = visitor.request(
        f"{two}/shop/cart/update/", {"variant": str(variant_id), "quantity": "3"}
    )
    assert status == 302
    _, html = visitor.request(f"{one}/shop/cart/")
    assert cart_count(html) == 3


def test_a_rate_limit_counts_across_servers(site):
    (servers, variant_id), visitor = site, Visitor()
    one, two = servers.urls
    add_to_cart(visitor, one, variant_id, 1)
    visitor.request(f"{one}/shop/checkout/")
    statuses = [
        visitor.request(f"{server}/shop/checkout/", SHIPPING_ADDRESS)[0]
        for server in (one, two, one)
    ]
    # SHOP_CHECKOUT_RATE_PER_VISITOR=2/10m, counted in Redis by both servers.
    assert statuses == [302, 302, 429], servers.logs()


def test_both_servers_report_healthy(site):
    servers, _ = site
    for url in servers.urls:
        status, body = Visitor().request(f"{url}/healthz")
        assert (status, body) == (200, '{"database": "ok", "cache": "ok"}')


REPRICE = """
from shop.models import Variant
variant = Variant.objects.get(pk={pk})
variant.price = "31.00"
variant.save()  # save(), not update(): what the admin does, signals included
"""


def fetch(url: str) -> tuple[str, str]:
    """A first-time visitor's GET (no cookies): the page and its X-Cache."""
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.headers.get("X-Cache", ""), response.read().decode()


def test_a_page_changed_elsewhere_is_not_served_stale(site):
    """Pages are cached in Redis and in each process; a change saved by another
    process (the admin, a command) replaces the shared version, and each server
    notices within PAGE_CACHE_RECHECK_SECONDS (1 s)."""
    (servers, variant_id) = site
    one, two = servers.urls
    product = "/shop/products/blue-shirt/"
    for url in (one, two, one, two):
        fetch(f"{url}{product}")
    for url in (one, two):
        cached, html = fetch(f"{url}{product}")
        assert cached == "hit" and "$25.00" in html, url
    script = REPRICE.format(pk=variant_id)
    manage("shell", "--no-imports", "-c", script, env=servers.env)
    for url in (one, two):
        deadline = time.monotonic() + 5
        while True:
            _, html = fetch(f"{url}{product}")
            if "$31.00" in html or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert "$31.00" in html and "$25.00" not in html, url
        cached, html = fetch(f"{url}{product}")
        assert cached == "hit" and "$31.00" in html, url  # cached again, new price
