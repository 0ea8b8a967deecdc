"""The brand and the home page's hero as a visitor sees them, in a real browser."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.donations.factories import HomeFundFactory
from tests.pages.factories import PageFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def home(live_server):
    PageFactory(slug="home", title="Together we can end human trafficking")
    HomeFundFactory()
    return live_server.url + reverse("home")


def box(page, selector):
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("width", [320, 390])
def test_the_brand_stays_on_one_line_beside_quick_exit(page, home, width):
    page.set_viewport_size({"width": width, "height": 700})
    page.goto(home)
    name, mark = box(page, ".brand__name"), box(page, ".brand__mark")
    line = page.locator(".brand__name").evaluate(
        "el => parseFloat(getComputedStyle(el).lineHeight) ||"
        " parseFloat(getComputedStyle(el).fontSize) * 1.6"
    )
    assert name["height"] < line * 1.5  # one line
    assert mark["width"] >= 24 and mark["height"] >= 24
    exit_button = box(page, ".quick-exit__button")
    assert name["x"] + name["width"] <= exit_button["x"]  # not under Quick exit
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_desktop_hero_has_its_calls_to_action_and_the_fund_side_by_side(
    page, home, assert_accessible
):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(home)
    hero = page.locator(".home-hero")
    for name in ("Get help", "Shop for the home", "Donate"):
        link = hero.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        assert link.bounding_box()["y"] + link.bounding_box()["height"] <= 800
    title, fund = box(page, ".home-hero h1"), box(page, ".home-fund")
    assert fund["x"] > title["x"] + title["width"]  # beside, not below
    assert fund["y"] < 800 and box(page, "progress.fund-progress__bar")["y"] < 800
    assert_accessible(page)


def test_phone_hero_shows_get_help_before_the_fold(page, home):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(home)
    link = page.locator(".home-hero").get_by_role("link", name="Get help")
    assert link.bounding_box()["y"] + link.bounding_box()["height"] <= 844
