"""
The shell every page shares, in a real browser: it reflows down to 320 CSS px, it
passes axe in the light and the dark color scheme, it prints without its controls,
the Quick exit hint exists only where its script runs, and on a phone the header
and the hotline leave most of the first screen to the page.
"""

import gzip
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from shop.models import Product

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
BUDGET_BYTES = 60 * 1024  # HTML + CSS + JS of one page, gzip-compressed


@pytest.fixture
def site(live_server, local_gateway, page):
    call_command("seed_demo", verbosity=0)
    # Uploaded images are not served with DEBUG off; the layout does not need them.
    page.route(
        f"{live_server.url}/media/**",
        lambda route: route.fulfill(status=404, body=""),
    )
    return live_server.url


def _public_urls(site: str) -> dict[str, str]:
    product = Product.objects.filter(is_active=True).order_by("pk").first()
    assert product is not None
    campaign = reverse(
        "campaigns:campaign-detail",
        kwargs={"slug": "human-trafficking-prevention-month"},
    )
    urls = {
        "home": reverse("home"),
        "campaigns": reverse("campaigns:campaign-list"),
        "campaign": campaign,
        "get-help": reverse("get-help"),
        "browsing-safely": reverse("browsing-safely"),
        "about": reverse("about"),
        "donate": reverse("donations:donate"),
        "the-home": reverse("the-home"),
        "shop": reverse("shop:product-list"),
        "product": product.get_absolute_url(),
    }
    return {name: site + path for name, path in urls.items()}


def _fill_cart_and_check_out(page, site: str, *, zip_code: str = "40202") -> str:
    """Put a mug in the cart and fill in the checkout form; returns the cart's URL."""
    page.goto(site + reverse("shop:product-list"))
    page.get_by_role("link", name="Redeeming Hope mug").click()
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cart")
    cart = page.url
    page.get_by_role("link", name="Check out").click()
    page.get_by_label("Email address").fill("reader@example.org")
    page.get_by_label("Full name").fill("Rae Reader With A Rather Long Name")
    page.get_by_role("radio", name=re.compile("Ship to a US address")).check()
    page.get_by_label("Address line 1").fill("500 W Jefferson St")
    page.get_by_label("City").fill("Louisville")
    page.get_by_label("State").select_option("KY")
    page.get_by_label("ZIP code").fill(zip_code)
    page.get_by_role("button", name="Continue to payment").click()
    return cart


def _fill_cart_and_reach_payment(page, site: str) -> dict[str, str]:
    """Cart, checkout and the local test payment page, reached as a buyer would."""
    cart = _fill_cart_and_check_out(page, site)
    expect(page.get_by_role("button", name=re.compile(r"^Pay "))).to_be_visible()
    return {
        "cart": cart,
        "checkout": site + reverse("shop:checkout"),
        "payment": page.url,
    }


def _all_urls(page, site):
    return {**_public_urls(site), **_fill_cart_and_reach_payment(page, site)}


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_no_page_scrolls_sideways(page, site, width):
    """WCAG 1.4.10 Reflow: 320 CSS px wide without a horizontal scroll bar."""
    urls = _all_urls(page, site)
    page.set_viewport_size({"width": width, "height": 800})
    for name, url in urls.items():
        page.goto(url)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{name} is {scroll_width}px wide at {width}px"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_passes_axe_in_both_color_schemes(
    page, site, scheme, assert_accessible
):
    urls = _all_urls(page, site)
    page.emulate_media(color_scheme=scheme)
    for url in urls.values():
        page.goto(url)
        assert_accessible(page)
    # The open menu on a phone, too.
    page.set_viewport_size(PHONE)
    page.goto(urls["get-help"])
    page.get_by_text("Menu", exact=True).click()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Donate")
    ).to_be_visible()
    assert_accessible(page)


def test_the_dark_scheme_is_dark(page, site):
    page.emulate_media(color_scheme="dark")
    page.goto(site + reverse("get-help"))
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    red, green, blue = (int(n) for n in re.findall(r"\d+", background)[:3])
    assert max(red, green, blue) < 60, background


def test_no_page_weighs_more_than_60_kb_compressed(page, site):
    """HTML, CSS and JavaScript of each page, gzip-compressed (images excluded)."""
    urls = _all_urls(page, site)
    sizes: dict[str, int] = {}

    def count(response):
        if response.request.resource_type in {"document", "stylesheet", "script"}:
            body = response.body() if response.status == 200 else b""
            sizes[response.url] = len(gzip.compress(body))

    page.on("response", count)
    for name, url in urls.items():
        sizes.clear()
        # With routes set (see `site`), Playwright bypasses the HTTP cache: each
        # page loads its CSS and JavaScript again, and they are counted again.
        page.goto(url, wait_until="load")
        total = sum(sizes.values())
        assert total <= BUDGET_BYTES, f"{name}: {total} bytes ({sizes})"


def test_print_leaves_out_navigation_quick_exit_and_share_buttons(page, site):
    url = _public_urls(site)["campaign"]
    page.goto(url)
    page.emulate_media(media="print")
    for selector in [".site-menu", ".quick-exit", ".share", ".skip-link"]:
        expect(page.locator(selector).first).to_be_hidden()
    # Sources print with their addresses; a statistic card is not split.
    source = page.locator(".stat__source a").first
    after = source.evaluate("a => getComputedStyle(a, '::after').content")
    assert "http" in after
    assert page.locator(".stat").first.evaluate(
        "el => getComputedStyle(el).breakInside"
    ) in {"avoid", "avoid-page"}


def test_get_help_prints_on_one_or_two_pages(page, site):
    page.goto(site + reverse("get-help"))
    pdf = page.pdf(format="Letter")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 2, f"Get help prints on {pages} pages"


def test_quick_exit_hint_only_where_its_script_runs(browser, live_server, site):
    context = browser.new_context(java_script_enabled=False)
    try:
        no_js = context.new_page()
        no_js.goto(site + reverse("get-help"))
        region = no_js.get_by_role("region", name="Quick exit")
        expect(region.get_by_role("link", name="Quick exit")).to_be_visible()
        expect(region).not_to_contain_text("Shift")
        assert no_js.locator(".quick-exit__hint").count() == 0
    finally:
        context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        with_js = context.new_page()
        with_js.goto(site + reverse("get-help"))
        region = with_js.get_by_role("region", name="Quick exit")
        expect(region.get_by_text("or press Shift 3 times")).to_be_visible()
        # The hint is text, not a link deeper into the site.
        expect(region.get_by_role("link")).to_have_count(1)
    finally:
        context.close()


def test_header_and_hotline_take_at_most_a_third_of_a_phone_screen(page, site):
    page.set_viewport_size(PHONE)
    for name in ["home", "get-help", "shop"]:
        page.goto(_public_urls(site)[name])
        bottom = page.locator("#hotline").evaluate(
            "el => el.getBoundingClientRect().bottom"
        )
        assert bottom <= PHONE["height"] / 3, f"{name}: the shell ends at {bottom}px"
        # Call, Text and Chat on one row.
        tops = {
            round(box["y"])
            for box in (
                link.bounding_box() for link in page.locator(".hotline__link").all()
            )
        }
        assert len(tops) == 1, tops


def test_the_menu_works_without_javascript(browser, site):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site + reverse("home"))
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Get help")).to_be_hidden()
        page.get_by_text("Menu", exact=True).click()
        nav.get_by_role("link", name="Get help").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Get help")
    finally:
        context.close()


def test_escape_closes_the_menu_and_returns_focus(page, site):
    page.set_viewport_size(PHONE)
    page.goto(site + reverse("home"))
    toggle = page.get_by_text("Menu", exact=True)
    toggle.click()
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Shop")
    expect(link).to_be_visible()
    page.keyboard.press("Escape")
    expect(link).to_be_hidden()
    expect(toggle).to_be_focused()


def test_the_cart_link_appears_in_the_header_once_the_cart_has_something(page, site):
    page.goto(site + reverse("about"))
    header = page.locator(".site-header")
    expect(header.get_by_role("link", name=re.compile("^Cart"))).to_have_count(0)
    _fill_cart_and_reach_payment(page, site)
    page.goto(site + reverse("about"))
    expect(header.get_by_role("link", name="Cart 1 item")).to_be_visible()


@pytest.mark.parametrize(
    "viewport",
    [{"width": 640, "height": 400}, {"width": 320, "height": 200}],
    ids=["200-percent", "400-percent"],
)
def test_quick_exit_never_covers_text_when_zoomed(page, site, viewport):
    """A 1280x800 screen at 200% and 400% zoom: the button stays in the header."""
    page.set_viewport_size(viewport)
    page.goto(site + reverse("get-help"))
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    box = page.get_by_role("link", name="Quick exit").bounding_box()
    assert box["y"] + box["height"] <= 0, "Quick exit floats over the text"


def test_error_summary_links_bring_the_label_into_view(page, site):
    page.set_viewport_size(PHONE)
    _fill_cart_and_check_out(page, site, zip_code="4020")
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("ZIP code")).to_be_focused()
    box = page.locator("label[for='id_zip_code']").bounding_box()
    exit_box = page.get_by_role("link", name="Quick exit").bounding_box()
    assert box["y"] >= exit_box["y"] + exit_box["height"], (
        "the label is under the Quick exit button"
    )
    assert box["y"] + box["height"] <= PHONE["height"]
