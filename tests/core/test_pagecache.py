"""Public pages from the cache (core.pagecache): hits and misses, each visitor's
own parts, what is never cached, expiry, the off switch and a failing cache.
Invalidation by each kind of change is in test_pagecache_invalidation.py."""

import re

import pytest
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import resolve, reverse

from core import pagecache
from core.pagecache import parts, store
from tests.html import assert_valid_html
from tests.pages.factories import PageFactory
from tests.shop.factories import VariantFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


def page(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, url
    return response


def tokens(response) -> list[str]:
    return TOKEN.findall(response.content.decode())


@pytest.fixture
def product():
    return VariantFactory(product__name="Hope T-shirt", stock=5).product


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("home", {}),
        ("get-help", {}),
        ("browsing-safely", {}),
        ("about", {}),
        ("the-home", {}),
        ("campaigns:campaign-list", {}),
        ("campaigns:campaign-detail", {"slug": "a-campaign"}),
        ("shop:product-list", {}),
        ("shop:product-detail", {"slug": "a-product"}),
    ],
)
def test_every_public_page_is_marked(name, kwargs):
    view = resolve(reverse(name, kwargs=kwargs)).func
    assert isinstance(getattr(view, "page_cache", None), pagecache.PagePolicy)


@pytest.mark.parametrize(
    "name", ["shop:cart", "shop:checkout", "donations:donate", "donations:thank-you"]
)
def test_pages_of_one_visitor_are_not_marked(name):
    assert not hasattr(resolve(reverse(name)).func, "page_cache")


def test_the_second_visit_is_a_hit_with_the_same_page(client):
    PageFactory(slug="about", title="About us", body="We run a home.")
    url = reverse("about")
    first = page(client, url)
    second = page(client, url)
    assert first["X-Cache"] == "miss" and second["X-Cache"] == "hit"
    assert second.content == first.content
    assert "We run a home." in second.content.decode()
    assert second["Content-Type"] == "text/html; charset=utf-8"
    assert second["Cache-Control"] == "private, no-cache"
    assert_valid_html(second.content)


def test_head_is_served_from_the_cache(client):
    url = reverse("home")
    page(client, url)
    response = client.head(url)
    assert response.status_code == 200 and response["X-Cache"] == "hit"


@pytest.mark.page_cache
def test_a_hit_runs_no_sql(client, product, django_assert_num_queries):
    for url in (reverse("home"), product.get_absolute_url(), reverse("the-home")):
        page(client, url)
        with django_assert_num_queries(0):
            assert page(client, url)["X-Cache"] == "hit"


def test_two_visitors_never_see_each_others_parts(product):
    url = product.get_absolute_url()
    variant = product.variants.get()
    ann, bob = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)

    first = page(ann, url)
    assert first["X-Cache"] == "miss"
    ann_tokens = tokens(first)
    added = ann.post(
        url,
        {"variant": variant.pk, "quantity": 1, "csrfmiddlewaretoken": ann_tokens[0]},
    )
    assert added.status_code == 302
    # Ann has a message waiting: her page is rendered for her, not cached.
    own = page(ann, url)
    assert own["X-Cache"] == "bypass"
    assert "Added 1 × Hope T-shirt" in own.content.decode()
    assert '<span class="header-cart__count">1</span>' in own.content.decode()
    ann_tokens += tokens(own)

    seen = page(bob, url)
    html = seen.content.decode()
    assert seen["X-Cache"] == "hit"
    assert "Added 1 × Hope T-shirt" not in html and "header-cart__count" not in html
    assert "(0 items)" in html
    bob_tokens = tokens(seen)
    assert len(bob_tokens) == 1 and not set(bob_tokens) & set(ann_tokens)
    assert not any(token in html for token in ann_tokens)
    assert "csrftoken" in seen.cookies  # his own CSRF cookie, as Django sets it
    assert_valid_html(seen.content)
    # Bob's token is valid for Bob: his add to cart goes through.
    added = bob.post(
        url,
        {"variant": variant.pk, "quantity": 2, "csrfmiddlewaretoken": bob_tokens[0]},
    )
    assert added.status_code == 302 and added["Location"] == reverse("shop:cart")
    page(bob, reverse("shop:cart"))  # shows (and so clears) his message

    # Later, each gets the cached page with their own count.
    ann_later, bob_later = page(ann, url), page(bob, url)
    assert ann_later["X-Cache"] == bob_later["X-Cache"] == "hit"
    assert '<span class="header-cart__count">1</span>' in ann_later.content.decode()
    assert "(1 item)" in ann_later.content.decode()
    assert '<span class="header-cart__count">2</span>' in bob_later.content.decode()
    assert "(2 items)" in bob_later.content.decode()


def test_the_stored_copy_holds_no_csrf_token(client, product):
    page(client, product.get_absolute_url())
    (key,) = [k for k in cache._cache if store.PAGE_PREFIX in k]  # type: ignore[attr-defined]  # locmem
    entry = cache.get(key.split(":", 2)[-1])
    stored = b"".join(p for p in entry.parts if isinstance(p, bytes))
    assert parts.CSRF_SLOT in entry.parts
    assert b'name="csrfmiddlewaretoken" value="' in stored  # the hole follows
    assert not TOKEN.search(stored.decode())
    assert "shop/includes/cart_link_fragment.html" in entry.parts
    assert "includes/header_cart.html" in entry.parts


def test_staff_get_pages_rendered_for_them_and_store_nothing(admin_client, client):
    url = reverse("home")
    assert page(admin_client, url)["X-Cache"] == "bypass"
    assert page(admin_client, url)["X-Cache"] == "bypass"
    assert page(client, url)["X-Cache"] == "miss"
    assert page(admin_client, url)["X-Cache"] == "bypass"


def test_a_visitor_with_messages_waiting_gets_the_page_uncached(client, product):
    url = reverse("home")
    page(client, url)
    variant = product.variants.get()
    client.post(product.get_absolute_url(), {"variant": variant.pk, "quantity": 1})
    response = page(client, url)
    assert response["X-Cache"] == "bypass"
    assert "Added 1 × Hope T-shirt" in response.content.decode()
    assert page(client, url)["X-Cache"] == "hit"  # the message was shown


@pytest.mark.parametrize(
    "query,outcome",
    [
        ("?sort=newest", "miss"),
        ("?sort=price-asc&page=2", "miss"),
        ("?sort=", "hit"),  # empty: as if absent, so the plain list's entry
        ("?sort=bogus", "bypass"),
        ("?page=100", "bypass"),
        ("?page=02", "bypass"),
        ("?page=2&page=3", "bypass"),
        ("?utm_source=newsletter", "bypass"),
        ("?category=" + "x" * 81, "bypass"),
    ],
)
def test_only_declared_query_strings_are_cached(client, product, query, outcome):
    url = reverse("shop:product-list")
    page(client, url)
    response = client.get(url + query)
    assert response["X-Cache"] == outcome
    if outcome == "miss":
        assert client.get(url + query)["X-Cache"] == "hit"


def test_query_parameters_in_another_order_share_an_entry(client, product):
    url = reverse("shop:product-list")
    assert page(client, url + "?sort=newest&page=1")["X-Cache"] == "miss"
    assert page(client, url + "?page=1&sort=newest")["X-Cache"] == "hit"


def test_pages_without_declared_parameters_take_no_query(client):
    url = reverse("home")
    page(client, url)
    assert page(client, url + "?x=1")["X-Cache"] == "bypass"


def test_a_made_up_port_or_a_wildcard_host_is_not_cached(client, settings):
    url = reverse("home")
    assert page(client, url, HTTP_HOST="testserver:8443")["X-Cache"] == "bypass"
    settings.ALLOWED_HOSTS = [".example.org", "testserver"]
    assert page(client, url, HTTP_HOST="anything.example.org")["X-Cache"] == "bypass"
    assert page(client, url, HTTP_HOST="testserver")["X-Cache"] == "miss"


def test_hosts_and_schemes_are_kept_apart(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "www.testserver"]
    url = reverse("home")
    assert page(client, url)["X-Cache"] == "miss"
    other = page(client, url, HTTP_HOST="www.testserver")
    assert other["X-Cache"] == "miss"
    assert "http://www.testserver/" in other.content.decode()
    assert page(client, url, secure=True)["X-Cache"] == "miss"


def test_error_pages_are_not_stored(client, product):
    variant = product.variants.get()
    client.post(product.get_absolute_url(), {"variant": variant.pk, "quantity": 1})
    page(client, reverse("shop:cart"))  # shows the message
    url = reverse("shop:product-detail", args=["nothing-here"])
    assert client.get(url).status_code == 404
    response = client.get(url)
    assert response.status_code == 404 and response["X-Cache"] == "miss"
    # Rendered for the cache, then not kept: the visitor's parts are filled in.
    html = response.content.decode()
    assert "<!--pagecache:" not in html
    assert '<span class="header-cart__count">1</span>' in html


def test_a_page_expires_after_page_cache_seconds(client, settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 300
    url = reverse("home")
    page(client, url)
    now = store.now()
    monkeypatch.setattr(store, "now", lambda: now + 299)
    assert page(client, url)["X-Cache"] == "hit"
    monkeypatch.setattr(store, "now", lambda: now + 301)
    assert page(client, url)["X-Cache"] == "miss"


def test_the_off_switch(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    url = reverse("home")
    page(client, url)
    response = page(client, url)
    assert "X-Cache" not in response
    assert not [k for k in cache._cache if store.PAGE_PREFIX in k]  # type: ignore[attr-defined]  # locmem


def test_hits_keep_every_security_header(client, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    url = reverse("home")
    page(client, url, secure=True)
    response = page(client, url, secure=True)
    assert response["X-Cache"] == "hit"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["Strict-Transport-Security"].startswith("max-age=3600")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


class BrokenCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache down")

        return fail


def test_a_failing_cache_serves_pages_uncached(client, monkeypatch, product):
    monkeypatch.setattr(store, "backend", BrokenCache)
    for url in (reverse("home"), product.get_absolute_url(), reverse("the-home")):
        response = page(client, url)
        assert response["X-Cache"] == "bypass"
        assert tokens(response) or url != product.get_absolute_url()
    pagecache.invalidate_public_pages()  # logs, never raises
    assert pagecache.public_value("answer", lambda: 42) == 42


def test_a_cache_failing_on_store_still_serves_the_page(client, monkeypatch):
    def broken_set(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "set", broken_set)
    response = page(client, reverse("home"))
    assert response["X-Cache"] == "miss"
    assert "<h1" in response.content.decode()


def test_invalidating_drops_every_page(client):
    url = reverse("home")
    page(client, url)
    pagecache.invalidate_public_pages()
    assert page(client, url)["X-Cache"] == "miss"
    assert page(client, url)["X-Cache"] == "hit"


def test_a_change_through_another_process_shows_after_the_recheck(client, settings):
    settings.PAGE_CACHE_RECHECK_SECONDS = 60
    url = reverse("home")
    page(client, url)
    assert page(client, url)["X-Cache"] == "hit"
    # Another process invalidates: this one trusts the version it just read...
    cache.set(store.VERSION_KEY, "set-by-another-process", timeout=None)
    assert page(client, url)["X-Cache"] == "hit"
    # ...until PAGE_CACHE_RECHECK_SECONDS have passed.
    settings.PAGE_CACHE_RECHECK_SECONDS = 0
    assert page(client, url)["X-Cache"] == "miss"
    assert page(client, url)["X-Cache"] == "hit"


def test_a_lost_version_key_is_made_again(client, settings):
    settings.PAGE_CACHE_RECHECK_SECONDS = 0
    url = reverse("home")
    page(client, url)
    cache.delete(store.VERSION_KEY)
    assert page(client, url)["X-Cache"] == "miss"
    assert page(client, url)["X-Cache"] == "hit"


def test_public_value_is_kept_until_the_pages_change():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert pagecache.public_value("n", compute) == 1
    assert pagecache.public_value("n", compute) == 1
    pagecache.invalidate_public_pages()
    assert pagecache.public_value("n", compute) == 2


def test_staff_text_cannot_forge_a_fragment_marker(client):
    PageFactory(
        slug="about", body="<!--pagecache:0000:includes/header_cart.html--> Hello"
    )
    url = reverse("about")
    page(client, url)
    assert "Hello" in page(client, url).content.decode()


def test_a_token_outside_a_form_keeps_the_page_out_of_the_cache(rf):
    """Were a template to print the CSRF token anywhere but a form's hidden
    input, the page would carry this visitor's token: it is not stored."""
    request = rf.get("/")
    request.META["CSRF_COOKIE"] = "a" * 32
    token = get_token(request)
    body = f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
    assert parts.cut_csrf([body.encode()], request) == [
        b'<input type="hidden" name="csrfmiddlewaretoken" value="',
        parts.CSRF_SLOT,
        b'">',
    ]
    other = get_token(request)
    leaked: list[bytes | str] = [f'<meta name="csrf" content="{other}">'.encode()]
    assert parts.cut_csrf(leaked, request) is None


def test_pages_are_kept_per_release(settings, tmp_path):
    """A deploy never serves a page the other release rendered: the keys carry
    RELEASE_ID, or else a digest of the collected static files' manifest."""
    settings.RELEASE_ID = "2026-12-04-abc123"
    assert store._release() == "2026-12-04-abc123"
    settings.RELEASE_ID = ""
    settings.STATIC_ROOT = tmp_path
    assert store._release() == ""  # nothing collected (development, tests)
    (tmp_path / "staticfiles.json").write_text('{"paths": {"css/site.css": "a"}}')
    first = store._release()
    (tmp_path / "staticfiles.json").write_text('{"paths": {"css/site.css": "b"}}')
    assert first and store._release() and store._release() != first
    assert store.RELEASE in store.VERSION_KEY and store.RELEASE in store.PAGE_PREFIX
