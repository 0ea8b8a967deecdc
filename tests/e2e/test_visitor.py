"""A visitor finds help and leaves quickly, on real pages in a real browser."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    call_command("seed_demo", verbosity=0)
    return live_server.url


def test_visitor_finds_the_hotline_and_leaves_by_the_button(
    page, site, settings, assert_accessible
):
    page.goto(site + reverse("home"))
    expect(page).to_have_title(
        "Fighting human trafficking in Kentucky | Redeeming Hope"
    )
    assert_accessible(page)

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Get help"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Get help")
    assert_accessible(page)

    hotline = page.get_by_role(
        "complementary", name="National Human Trafficking Hotline"
    )
    expect(hotline.get_by_role("link", name="Call 1-888-373-7888")).to_have_attribute(
        "href", "tel:+18883737888"
    )
    expect(hotline.get_by_role("link", name="Text 233733")).to_have_attribute(
        "href", "sms:233733"
    )

    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url(settings.QUICK_EXIT_URL)
    expect(page).to_have_title("Weather")
    # location.replace: Back goes to the page before Get help, never to Get help.
    page.go_back()
    assert reverse("get-help") not in page.url


def test_shift_three_times_leaves_the_page(page, site, settings, assert_accessible):
    page.goto(site + reverse("browsing-safely"))
    assert_accessible(page)
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(settings.QUICK_EXIT_URL)
    expect(page).to_have_title("Weather")


def test_two_shift_presses_and_other_keys_do_not_leave(page, site):
    page.goto(site + reverse("about"))
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("a")
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert page.url.startswith(site)


def test_pages_are_accessible_on_a_narrow_phone(page, site, assert_accessible):
    page.set_viewport_size({"width": 320, "height": 640})
    for name in ["about", "donations:donate", "the-home"]:
        page.goto(site + reverse(name))
        assert_accessible(page)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= 320, f"{name} scrolls sideways at 320px"
    page.goto(site + "/no-such-page/")
    assert_accessible(page)
