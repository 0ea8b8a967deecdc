"""The Prevention Month campaign leads with what to do: the next action day
(#WearBlue on January 11) near the top with a link down to it, an "Add to Google
Calendar" link beside the .ics file, HHS's theme given as HHS's of its year, and
no Kentucky claim without a sourced figure."""

import datetime as dt
import hashlib
import re
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns import sharing
from campaigns.models import ActionDay, Campaign
from demo import campaigns as demo
from demo import pages as pages_demo
from tests.campaigns.factories import CampaignFactory
from tests.html import search

pytestmark = pytest.mark.django_db


def _seed() -> Campaign:
    pages_demo.seed()
    demo.seed()
    return Campaign.objects.get(slug=demo.CAMPAIGN_SLUG)


def _on(day: dt.date):
    noon = dt.datetime.combine(
        day, dt.time(12, 0), tzinfo=timezone.get_current_timezone()
    )
    return mock.patch("django.utils.timezone.now", return_value=noon)


def _campaign_html(client, campaign: Campaign) -> str:
    return client.get(campaign.get_absolute_url()).content.decode()


def test_the_action_day_and_what_to_do_come_first_with_a_jump_link(client):
    campaign = _seed()
    day = campaign.action_days.get()
    with _on(campaign.start_date):
        html = _campaign_html(client, campaign)
    lead = html.index('class="card action-lead"')
    assert lead < html.index('<div class="prose">')
    callout = html[lead : html.index("</aside>", lead)]
    assert "#WearBlue day" in callout
    assert f"{day.date:%A}, January 11" in callout
    assert "In 10 days" in callout
    assert "Wear blue, take a photo" in callout
    assert f'href="#action-day-{day.pk}"' in callout
    assert f'id="action-day-{day.pk}"' in html
    # The body opens with what to do, #WearBlue first.
    prose = html[html.index('<div class="prose">') :]
    first_heading = search(r"<h2[^>]*>(.*?)</h2>", prose).group(1)
    assert first_heading == "What you can do this month"
    assert prose.index("#WearBlue on January 11") < prose.index("Learn the signs")


def test_no_lead_once_the_campaigns_days_are_past(client):
    campaign = _seed()
    with _on(campaign.end_date):
        html = _campaign_html(client, campaign)
    assert "action-lead" not in html
    assert "action-day-" in html  # the day itself is still listed


def test_hhs_theme_is_hhss_of_its_year_not_this_years(client):
    campaign = _seed()
    html = _campaign_html(client, campaign)
    assert "In 2024, HHS's theme was" in campaign.theme
    assert "HHS’s theme in 2024" in html or "HHS's theme in 2024" in html
    for wording in ("The 2024 theme", "HHS theme for 2024"):
        assert wording not in html, wording


def test_no_kentucky_claim_without_a_sourced_figure(client):
    campaign = _seed()
    html = _campaign_html(client, campaign)
    assert "high number of" not in html
    assert "more common in recent years" not in html
    # The duty to report stays: a fact with its number, not a statistic.
    assert "1-877-597-2331" in html
    assert "Kentucky picture" not in campaign.meta_description


EARLIER_BODY = (
    "Every January...\n\n## Kentucky\n\nAccording to the National Human "
    "Trafficking Hotline, Kentucky has a high number of cases. See {get_help_url}.\n"
)


def test_seed_brings_an_earlier_demo_campaign_up_to_date(monkeypatch):
    monkeypatch.setattr(
        demo,
        "EARLIER_BODY_SHA256",
        hashlib.sha256(EARLIER_BODY.encode()).hexdigest(),
    )
    campaign = CampaignFactory(
        slug=demo.CAMPAIGN_SLUG,
        body=EARLIER_BODY.replace("{get_help_url}", reverse("get-help")),
        theme=demo.EARLIER_THEME,
        meta_description=demo.EARLIER_META_DESCRIPTION,
    )
    _seed()
    _seed()
    campaign.refresh_from_db()
    assert campaign.theme == demo.THEME
    assert campaign.meta_description == demo.META_DESCRIPTION
    assert campaign.body.startswith("Every January the United States observes")
    assert "high number of" not in campaign.body
    assert "/get-help/" in campaign.body


def test_seed_leaves_words_staff_changed():
    campaign = CampaignFactory(
        slug=demo.CAMPAIGN_SLUG,
        body="Our own words.",
        theme="Our own theme",
        meta_description="Our own description.",
    )
    _seed()
    campaign.refresh_from_db()
    assert (campaign.body, campaign.theme, campaign.meta_description) == (
        "Our own words.",
        "Our own theme",
        "Our own description.",
    )


def test_add_to_google_calendar_is_a_plain_link_that_says_it_opens_google(client):
    campaign = _seed()
    day = campaign.action_days.get()
    html = _campaign_html(client, campaign)
    match = re.search(
        r'<a href="(https://calendar\.google\.com/[^"]+)" rel="([^"]+)">'
        r"Add to Google Calendar",
        html,
    )
    assert match, "no Add to Google Calendar link"
    assert "noopener" in match.group(2).split()
    assert "opens Google" in html[match.end() : match.end() + 300]
    url = urlsplit(match.group(1).replace("&amp;", "&"))
    assert (url.netloc, url.path) == ("calendar.google.com", "/calendar/render")
    query = parse_qs(url.query)
    assert query["action"] == ["TEMPLATE"]
    assert query["text"] == ["#WearBlue day"]
    year = day.date.year
    assert query["dates"] == [f"{year}0111/{year}0112"]
    assert "Wear blue, take a photo" in query["details"][0]
    assert campaign.get_absolute_url() in query["details"][0]
    # Nothing of Google's is loaded by the page: no script, image or frame.
    assert not re.search(r'(src|srcset)="https://[^"]*google', html)
    # Navigation is not limited by the page's policies.
    response = client.get(campaign.get_absolute_url())
    assert "navigate-to" not in response["Content-Security-Policy"]
    assert "calendar" not in response.get("Permissions-Policy", "")


def test_a_timed_day_goes_to_google_in_utc():
    day = ActionDay(
        campaign=CampaignFactory.build(slug="x"),
        title="Vigil",
        date=dt.date(2027, 1, 11),
        time=dt.time(18, 30),
    )
    query = parse_qs(
        urlsplit(sharing.google_calendar_url(day, page_url="https://x/")).query
    )
    # 6:30 pm in Louisville in January is 23:30 UTC; one hour long, as the .ics.
    assert query["dates"] == ["20270111T233000Z/20270112T003000Z"]


def test_the_theme_field_asks_whose_theme_and_which_year(admin_client):
    html = admin_client.get(reverse("admin:campaigns_campaign_add")).content.decode()
    assert "Say whose theme it is and of which year" in html
