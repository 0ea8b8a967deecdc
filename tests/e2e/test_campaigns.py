"""A visitor reads a campaign, checks a source and saves #WearBlue day to a calendar."""

import datetime as dt
import mimetypes
import re
from pathlib import Path

import icalendar
import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import ActionDay, Campaign
from demo import campaigns as demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, settings, page):
    """The seeded site; uploaded media are served from MEDIA_ROOT (DEBUG is off)."""
    call_command("seed_demo", verbosity=0)
    media_root = Path(settings.MEDIA_ROOT)

    def serve_media(route):
        path = route.request.url.split(settings.MEDIA_URL, 1)[1].split("?", 1)[0]
        file = media_root / path
        if not file.is_file():
            return route.fulfill(status=404, body="")
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return route.fulfill(
            status=200, body=file.read_bytes(), content_type=content_type
        )

    page.route(f"{live_server.url}{settings.MEDIA_URL}**", serve_media)
    return live_server.url


@pytest.fixture
def console_errors(page):
    """Console errors and CSP violations seen while the test runs."""
    errors = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_visitor_reads_the_campaign_and_downloads_the_calendar_file(
    page, site, assert_accessible, console_errors, tmp_path
):
    page.goto(site + reverse("home"))
    expect(
        page.get_by_role("heading", name="Human Trafficking Prevention Month")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Campaigns"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Campaigns")
    expect(page).to_have_title("Campaigns | Redeeming Hope")
    assert_accessible(page)

    page.get_by_role("link", name="Human Trafficking Prevention Month").click()
    campaign = Campaign.objects.get(slug=demo.CAMPAIGN_SLUG)
    page.wait_for_url(site + campaign.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Human Trafficking Prevention Month"
    )
    expect(
        page.get_by_text("Activate Connections to Prevent Human Trafficking").first
    ).to_be_visible()

    hero = page.locator("img.campaign-hero__image")
    expect(hero).to_have_attribute("loading", "eager")
    expect(hero).to_have_attribute("width", "1600")
    assert hero.evaluate("img => img.complete && img.naturalWidth > 0"), (
        "hero did not load"
    )

    facts = page.get_by_role("region", name="Facts and figures")
    expect(facts.get_by_text("27.6 million")).to_be_visible()
    tip_report = facts.get_by_role(
        "link", name="U.S. Department of State, 2021 Trafficking in Persons Report"
    )
    expect(tip_report).to_have_attribute(
        "href", "https://www.state.gov/reports/2021-trafficking-in-persons-report/"
    )
    expect(tip_report).to_have_attribute("rel", "noopener noreferrer")
    un_protocol = facts.get_by_role("listitem").filter(has_text="178")
    expect(un_protocol).to_contain_text("as of 2021")
    expect(un_protocol.get_by_role("link")).to_have_attribute(
        "href", re.compile(r"^https://treaties\.un\.org/")
    )
    # The page leads with the action: the next action day, linked to its card.
    lead = page.get_by_role("complementary", name=re.compile("#WearBlue day"))
    expect(lead).to_be_visible()
    lead.get_by_role("link", name="How to take part, and a calendar reminder").click()
    expect(
        page.locator(f"#action-day-{ActionDay.objects.get().pk}")
    ).to_be_in_viewport()
    google = page.get_by_role("link", name="Add to Google Calendar for #WearBlue day")
    expect(google).to_have_attribute(
        "href", re.compile(r"^https://calendar\.google\.com/calendar/render\?")
    )
    expect(google).to_have_attribute("rel", re.compile(r"\bnoopener\b"))

    share = page.get_by_role("region", name="Share this campaign")
    expect(share.get_by_role("link", name="Facebook")).to_be_visible()
    assert_accessible(page)

    day = ActionDay.objects.get()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to calendar for #WearBlue day").click()
    download = download_info.value
    assert download.suggested_filename == f"wearblue-day-{day.date:%Y-%m-%d}.ics"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    calendar = icalendar.Calendar.from_ical(saved.read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == day.date
    assert event.decoded("DTEND") == day.date + dt.timedelta(days=1)
    assert "#WearBlue" in str(event["DESCRIPTION"])

    # JSON-LD is a data block: the Content Security Policy has nothing to refuse.
    assert page.locator('script[type="application/ld+json"]').count() == 1
    assert not [e for e in console_errors if "Content Security Policy" in e], (
        console_errors
    )
    assert not [e for e in console_errors if "Refused" in e], console_errors


def test_campaign_pages_are_accessible_on_a_narrow_phone(
    page, site, assert_accessible, console_errors
):
    page.set_viewport_size({"width": 320, "height": 640})
    campaign = Campaign.objects.get(slug=demo.CAMPAIGN_SLUG)
    for url in [
        reverse("home"),
        reverse("campaigns:campaign-list"),
        campaign.get_absolute_url(),
    ]:
        page.goto(site + url)
        assert_accessible(page)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= 320, f"{url} scrolls sideways at 320px"
    assert not [e for e in console_errors if "Content Security Policy" in e], (
        console_errors
    )


def test_native_share_button_appears_only_with_the_web_share_api(page, site):
    campaign = Campaign.objects.get(slug=demo.CAMPAIGN_SLUG)
    page.goto(site + campaign.get_absolute_url())
    has_share = page.evaluate("typeof navigator.share === 'function'")
    native = page.get_by_role("button", name="Share…")
    if has_share:
        expect(native).to_be_visible()
    else:
        expect(native).to_be_hidden()

    page.add_init_script("navigator.share = () => Promise.resolve();")
    page.reload()
    expect(page.get_by_role("button", name="Share…")).to_be_visible()
