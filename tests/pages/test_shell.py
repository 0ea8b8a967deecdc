"""The shell every page shares, as the server sends it (browser checks: tests/e2e)."""

import re

import pytest
from django.urls import reverse

from shop.cart import SESSION_KEY
from tests.html import search
from tests.shop.factories import VariantFactory

pytestmark = pytest.mark.django_db


def _header(html: str) -> str:
    return search(r'<header class="site-header">(.*?)</header>', html, re.S).group(1)


def test_the_menu_is_a_details_element_that_works_without_javascript(client):
    html = client.get(reverse("about")).content.decode()
    header = _header(html)
    assert '<details class="site-menu"' in header
    assert '<summary class="site-menu__toggle">' in header
    assert 'aria-label="Main"' in header
    assert 'href="/about/" aria-current="page"' in header


def test_the_quick_exit_hint_is_added_by_its_script_only(client):
    html = client.get(reverse("home")).content.decode()
    region = search(r'<div class="quick-exit".*?</div>\s*</div>', html, re.S).group(0)
    # The words travel in a data attribute for quick-exit.js; no text, no link.
    assert 'data-quick-exit-hint="or press Shift 3 times"' in region
    assert ">or press Shift" not in region
    assert region.count("<a ") == 1
    assert reverse("browsing-safely") not in region


def test_the_hotline_is_one_row_of_call_text_and_chat(client):
    html = client.get(reverse("home")).content.decode()
    hotline = search(r'<aside class="hotline".*?</aside>', html, re.S).group(0)
    hrefs = re.findall(r'class="hotline__link" href="([^"]+)"', hotline)
    assert hrefs == [
        "tel:+18883737888",
        "sms:233733",
        "https://humantraffickinghotline.org/chat",
    ]
    assert 'href="tel:911"' in hotline


def test_the_header_shows_the_cart_once_it_has_something(client):
    assert "header-cart" not in _header(client.get(reverse("about")).content.decode())

    variant = VariantFactory()
    session = client.session
    session[SESSION_KEY] = {str(variant.pk): 2}
    session.save()
    header = _header(client.get(reverse("about")).content.decode())
    assert f'<a class="header-cart" href="{reverse("shop:cart")}"' in header
    assert '<span class="header-cart__count">2</span>' in header
    assert "items</span>" in header
