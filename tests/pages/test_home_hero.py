"""The home page opens with the mission, three calls to action and, beside them,
the Home fund's progress."""

import re

import pytest
from django.urls import reverse

from tests.donations.factories import HomeFundFactory
from tests.pages.factories import PageFactory

pytestmark = pytest.mark.django_db


def hero(html: str) -> str:
    """The hero's text column (the fund's card follows it)."""
    start = html.index('<section class="home-hero"')
    return html[start : html.index('<section class="home-fund"', start)]


def test_hero_has_the_title_and_the_calls_to_action(client):
    PageFactory(slug="home", title="Together we can end human trafficking")
    html = client.get(reverse("home")).content.decode()
    section = hero(html)
    assert (
        '<h1 id="home-hero-title">Together we can end human trafficking</h1>' in section
    )
    links = re.findall(r'<a class="button[^"]*" href="([^"]+)">([^<]+)</a>', section)
    assert links[:3] == [
        (reverse("get-help"), "Get help"),
        (reverse("shop:product-list"), "Shop for the home"),
        (reverse("donations:donate"), "Donate"),
    ]
    # Get help comes first and stands out.
    assert re.search(r'<a class="button button--large" href="/get-help/">', section)


def test_hero_shows_the_home_funds_progress_once(client):
    HomeFundFactory()
    html = client.get(reverse("home")).content.decode()
    assert html.count("<progress") == 1
    fund = html.index('id="home-fund-title"')
    assert html.index('<section class="home-hero"') < fund < html.index("</main>")
    assert 'id="fund-progress-label-home"' in html
    assert 'src="/static/img/home-at-dawn.svg" alt=""' in html


def test_hero_renders_without_the_home_page_row(client):
    html = client.get(reverse("home")).content.decode()
    assert '<h1 id="home-hero-title">Redeeming Hope</h1>' in html
    assert "Get help</a>" in html
