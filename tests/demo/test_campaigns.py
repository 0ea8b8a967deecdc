"""The demo's awareness content: complete, sourced, idempotent, respectful of edits.

Only the standing pages and campaigns are seeded here (`seed_demo` itself, which
adds the shop and donations, is tested in tests/pages)."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from campaigns.models import ActionDay, Campaign, Statistic
from demo import campaigns as demo
from demo import pages as pages_demo
from pages.models import Page

pytestmark = pytest.mark.django_db


def _seed() -> None:
    pages_demo.seed()
    demo.seed()


def _counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "campaigns": Campaign.objects.count(),
        "statistics": Statistic.objects.count(),
        "action_days": ActionDay.objects.count(),
        "links": Campaign.statistics.through.objects.count(),
    }


def test_seed_creates_the_prevention_month_campaign():
    _seed()
    campaign = Campaign.objects.get(slug=demo.CAMPAIGN_SLUG)
    assert campaign.title == "Human Trafficking Prevention Month"
    assert "Activate Connections to Prevent Human Trafficking" in campaign.theme
    assert "2024" in campaign.theme and "HHS" in campaign.theme
    assert campaign.is_public() and campaign.is_featured
    assert (campaign.start_date.month, campaign.start_date.day) == (1, 1)
    assert (campaign.end_date.month, campaign.end_date.day) == (1, 31)
    assert "## Kentucky" in campaign.body
    assert "1-877-597-2331" in campaign.body
    assert "/get-help/" in campaign.body
    assert campaign.hero_image and campaign.hero_image_alt
    assert campaign.hero_image_width == 1600

    (day,) = campaign.action_days.all()
    assert (day.date.month, day.date.day) == (1, 11)
    assert day.date.year == campaign.start_date.year
    assert day.time is None
    assert day.hashtag == "#WearBlue"


def test_seed_statistics_carry_their_sources():
    _seed()
    campaign = Campaign.objects.get(slug=demo.CAMPAIGN_SLUG)
    statistics = {s.figure: s for s in campaign.statistics.all()}
    assert set(statistics) >= {"27.6 million", "About 50 million", "178", "14 of 188"}
    for statistic in statistics.values():
        statistic.full_clean()  # http(s) source, etc.
        assert statistic.source_name
    assert "ILO, Walk Free and IOM" in statistics["27.6 million"].source_name
    assert statistics["27.6 million"].year == 2022
    assert statistics["14 of 188"].year == 2021
    assert "2021 Trafficking in Persons Report" in statistics["14 of 188"].source_name
    assert "United Nations Treaty Collection" in statistics["178"].source_name
    assert statistics["178"].source_url.startswith("https://treaties.un.org/")
    assert "as of 2021" in statistics["178"].description
    assert statistics["178"].year == 2021


def test_every_seeded_statistic_is_a_number_with_a_source_and_a_date():
    """Statements without a number belong in the text, not in a statistic card."""
    _seed()
    for statistic in Statistic.objects.all():
        assert any(c.isdigit() for c in statistic.figure), statistic.figure
        assert statistic.source_name and statistic.source_url
        assert statistic.year or statistic.as_of, statistic.slug
    figures = set(Statistic.objects.values_list("figure", flat=True))
    assert not figures & {"High, and rising", "Everyone", "24/7, 200+ languages"}


def test_the_month_is_named_in_full():
    _seed()
    campaign = Campaign.objects.get(slug=demo.CAMPAIGN_SLUG)
    full_name = "National Human Trafficking Prevention Month"
    assert full_name in campaign.summary
    assert full_name in campaign.body.replace("\n", " ")
    assert full_name in campaign.meta_description


def test_seed_is_idempotent():
    _seed()
    first = _counts()
    stamps = dict(Campaign.objects.values_list("slug", "updated_at"))
    _seed()
    assert _counts() == first
    assert dict(Campaign.objects.values_list("slug", "updated_at")) == stamps
    assert demo.seed() == 0


def test_seed_never_overwrites_staff_edits():
    _seed()
    Campaign.objects.filter(slug=demo.CAMPAIGN_SLUG).update(
        title="Edited", status="draft"
    )
    Statistic.objects.filter(slug="un-protocol-parties").update(figure="180")
    ActionDay.objects.all().delete()
    campaign = Campaign.objects.get(slug=demo.CAMPAIGN_SLUG)
    campaign.statistics.remove(
        Statistic.objects.get(slug="modern-slavery-worldwide-2021")
    )

    _seed()
    campaign.refresh_from_db()
    assert campaign.title == "Edited" and campaign.status == "draft"
    assert Statistic.objects.get(slug="un-protocol-parties").figure == "180"
    assert not ActionDay.objects.exists()  # staff removed it; the seed leaves it so
    assert not campaign.statistics.filter(slug="modern-slavery-worldwide-2021").exists()


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (dt.date(2026, 11, 29), 2027),
        (dt.date(2027, 1, 20), 2027),
        (dt.date(2027, 2, 1), 2028),
    ],
)
def test_demo_campaign_is_the_coming_or_running_january(today, year):
    assert demo._next_january(today) == year


def test_seeded_pages_render(client):
    _seed()
    campaign = Campaign.objects.get(slug=demo.CAMPAIGN_SLUG)
    assert client.get("/campaigns/").status_code == 200
    response = client.get(campaign.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Activate Connections to Prevent Human Trafficking" in html
    assert "https://www.state.gov/reports/2021-trafficking-in-persons-report/" in html
    home = client.get("/").content.decode()
    assert "Human Trafficking Prevention Month" in home


def test_every_page_that_mentions_the_month_names_it_in_full_once(client):
    _seed()
    campaign = Campaign.objects.get(slug=demo.CAMPAIGN_SLUG)
    for url in ["/", "/campaigns/", campaign.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert "Human Trafficking Prevention Month" in html, url
        assert "National Human Trafficking Prevention Month" in html, url
        # The HHS theme is shown with its year wherever it is shown.
        if "Activate Connections" in html:
            assert "2024" in html, url


def test_home_shows_the_wear_blue_day_with_days_left(client):
    _seed()
    day = ActionDay.objects.get()
    # Ten days before #WearBlue, evening in Kentucky (already the next day in UTC).
    evening = dt.datetime.combine(
        day.date - dt.timedelta(days=10),
        dt.time(21, 0),
        tzinfo=timezone.get_current_timezone(),
    )
    with mock.patch("django.utils.timezone.now", return_value=evening):
        html = client.get("/").content.decode()
    assert "#WearBlue day" in html
    assert "in 10 days" in html
