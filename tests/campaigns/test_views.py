"""The public campaign pages and the staff preview."""

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import PurePosixPath

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from tests.campaigns.factories import (
    ActionDayFactory,
    CampaignFactory,
    StatisticFactory,
)
from tests.html import assert_valid_html

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


class _Collector(HTMLParser):
    """Meta tags, links and JSON-LD blocks of a page, parsed rather than grepped."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[dict] = []
        self.anchors: list[dict] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta[key] = attrs.get("content", "")
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "a":
            self.anchors.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data


def parse(response) -> _Collector:
    collector = _Collector()
    collector.feed(response.content.decode())
    return collector


def main_of(response) -> str:
    html = response.content.decode()
    return html.split('<main id="main-content"', 1)[1].split("</main>", 1)[0]


# --- publishing rules -------------------------------------------------------------


def test_published_campaign_is_public(client):
    campaign = CampaignFactory(title="Wear blue with us")
    response = client.get(campaign.get_absolute_url())
    assert response.status_code == 200
    assert "Wear blue with us" in response.content.decode()
    assert_valid_html(response.content)


def test_draft_is_404_for_the_public(client):
    campaign = CampaignFactory(status=Campaign.Status.DRAFT)
    assert client.get(campaign.get_absolute_url()).status_code == 404


def test_scheduled_campaign_is_404_until_its_time(client):
    future = CampaignFactory(publish_at=timezone.now() + dt.timedelta(hours=1))
    past = CampaignFactory(publish_at=timezone.now() - dt.timedelta(minutes=1))
    assert client.get(future.get_absolute_url()).status_code == 404
    assert client.get(past.get_absolute_url()).status_code == 200


def test_unknown_slug_is_404(client):
    response = client.get(reverse("campaigns:campaign-detail", args=["no-such-thing"]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_staff_preview_shows_a_draft_with_a_banner_and_noindex(admin_client):
    campaign = CampaignFactory(status=Campaign.Status.DRAFT, title="Still drafting")
    response = admin_client.get(campaign.get_preview_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Still drafting" in html
    assert "preview-banner" in html
    assert "Draft: only staff can see this page." in html
    assert parse(response).meta["robots"] == "noindex, nofollow"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert reverse("admin:campaigns_campaign_change", args=[campaign.pk]) in html
    assert_valid_html(response.content)


def test_staff_preview_of_a_scheduled_campaign_says_when(admin_client):
    campaign = CampaignFactory(publish_at=timezone.now() + dt.timedelta(days=2))
    html = admin_client.get(campaign.get_preview_url()).content.decode()
    assert "Scheduled: the public will see this page from" in html


def test_public_page_has_no_preview_banner_or_noindex(client):
    campaign = CampaignFactory()
    response = client.get(campaign.get_absolute_url())
    assert "preview-banner" not in response.content.decode()
    assert "robots" not in parse(response).meta


def test_preview_is_for_staff_only(client):
    campaign = CampaignFactory(status=Campaign.Status.DRAFT)
    response = client.get(campaign.get_preview_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))

    user = get_user_model().objects.create_user("visitor", password="pw-123456789")
    client.force_login(user)
    response = client.get(campaign.get_preview_url())
    assert response.status_code == 302
    assert client.get(campaign.get_absolute_url()).status_code == 404


def test_preview_of_an_unknown_slug_is_404(admin_client):
    url = reverse("campaigns:campaign-preview", args=["nope"])
    assert admin_client.get(url).status_code == 404


# --- the campaign page ------------------------------------------------------------


def test_campaign_page_shows_statistics_with_their_sources(client):
    campaign = CampaignFactory()
    campaign.statistics.add(
        StatisticFactory(
            figure="27.6 million",
            description="people in forced labour",
            source_name="ILO, Walk Free and IOM",
            source_url="https://www.ilo.org/report",
            year=2022,
            caveat="An estimate for 2021.",
            display_order=2,
        ),
        StatisticFactory(
            figure="High",
            source_name="National Human Trafficking Hotline",
            year=None,
            as_of=dt.date(2026, 6, 30),
            caveat="Hotline figures count reports, not prevalence.",
            display_order=1,
        ),
    )
    response = client.get(campaign.get_absolute_url())
    main = main_of(response)
    assert main.index("High") < main.index("27.6 million")  # display order
    assert "people in forced labour" in main
    assert "An estimate for 2021." in main
    assert "Hotline figures count reports, not prevalence." in main
    assert "as of June 30, 2026" in main
    assert "(2022)" in main
    source = next(
        a
        for a in parse(response).anchors
        if a.get("href") == "https://www.ilo.org/report"
    )
    assert source["rel"] == "noopener noreferrer"


def test_campaign_page_has_canonical_open_graph_and_twitter_tags(client):
    campaign = CampaignFactory(
        with_image=True, title="Prevention Month", meta_description="Short text."
    )
    response = client.get(campaign.get_absolute_url())
    page = parse(response)
    url = f"http://testserver{campaign.get_absolute_url()}"
    canonical = next(link for link in page.links if link.get("rel") == "canonical")
    assert canonical["href"] == url
    assert page.meta["og:url"] == url
    assert page.meta["og:title"] == "Prevention Month"
    assert page.meta["og:description"] == "Short text."
    assert page.meta["og:type"] == "article"
    assert page.meta["og:image"].startswith("http://testserver/")
    assert page.meta["og:image:width"] == "1200"
    assert page.meta["og:image:height"] == "630"
    assert page.meta["og:image:alt"] == "People wearing blue"
    assert page.meta["twitter:card"] == "summary_large_image"
    assert page.meta["twitter:image"] == page.meta["og:image"]
    assert page.meta["description"] == "Short text."


def test_social_image_is_used_when_set(client):
    from tests.campaigns.factories import jpeg_file

    campaign = CampaignFactory(
        with_image=True,
        social_image=jpeg_file(name="social.jpg", colour=(0, 0, 0)),
        social_image_alt="A share card",
    )
    page = parse(client.get(campaign.get_absolute_url()))
    # A rendition of the social image (named after its stored, random name).
    assert campaign.social_image.name
    assert PurePosixPath(campaign.social_image.name).stem in page.meta["og:image"]
    assert page.meta["og:image:alt"] == "A share card"


def test_page_without_images_has_a_summary_card_and_no_image_tags(client):
    campaign = CampaignFactory()
    response = client.get(campaign.get_absolute_url())
    page = parse(response)
    assert page.meta["twitter:card"] == "summary"
    assert "og:image" not in page.meta
    assert "<picture" not in response.content.decode()


def test_hero_is_eager_responsive_and_sized(client):
    campaign = CampaignFactory(with_image=True)
    html = client.get(campaign.get_absolute_url()).content.decode()
    found = re.search(
        r'<picture>.*?class="campaign-hero__image".*?</picture>', html, re.S
    )
    assert found, "no hero picture"
    hero = found.group(0)
    assert 'type="image/webp"' in hero
    assert 'loading="eager"' in hero
    assert re.search(r'width="\d+" height="\d+"', hero)
    assert "srcset=" in hero
    assert 'alt="People wearing blue"' in hero


def test_list_images_are_lazy(client):
    CampaignFactory(with_image=True)
    html = client.get(reverse("campaigns:campaign-list")).content.decode()
    assert 'loading="lazy"' in html
    assert 'loading="eager"' not in html


def test_body_markdown_is_sanitized(client):
    campaign = CampaignFactory(
        body=(
            "Hi <script>alert(1)</script>\n\n"
            '<img src=x onerror="alert(2)">\n\n'
            '<a href="javascript:alert(3)">click</a> [md](javascript:alert(4))\n\n'
            '<b onclick="alert(5)">bold</b> <iframe src="https://evil.test"></iframe>'
        )
    )
    main = main_of(client.get(campaign.get_absolute_url()))
    for bad in [
        "<script",
        "onerror",
        "onclick",
        "javascript:",
        "<iframe",
        "<img src=x",
    ]:
        assert bad not in main, bad


def test_titles_and_summaries_are_escaped(client):
    campaign = CampaignFactory(
        title='<script>alert("t")</script>', summary="</script><b>x</b>"
    )
    ActionDayFactory(campaign=campaign, title="</script><script>alert(1)</script>")
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert '<script>alert("t")' not in html
    assert "<script>alert(1)" not in html
    assert "</script><b>" not in html


def test_action_days_say_how_many_days_are_left(client):
    today = timezone.localdate()
    campaign = CampaignFactory()
    for offset, title in [
        (0, "Today's"),
        (1, "Tomorrow's"),
        (12, "Later"),
        (-3, "Gone"),
    ]:
        ActionDayFactory(
            campaign=campaign, title=title, date=today + dt.timedelta(days=offset)
        )
    main = main_of(client.get(campaign.get_absolute_url()))
    assert ">today<" in main
    assert ">tomorrow<" in main
    assert ">in 12 days<" in main
    assert ">this was 3 days ago<" in main


def test_action_day_json_ld_is_a_schema_org_event(client):
    campaign = CampaignFactory(with_image=True)
    all_day = ActionDayFactory(
        campaign=campaign, title="#WearBlue day", date=dt.date(2027, 1, 11)
    )
    timed = ActionDayFactory(
        campaign=campaign,
        title="Vigil",
        date=dt.date(2027, 1, 20),
        time=dt.time(18, 30),
    )
    response = client.get(campaign.get_absolute_url())
    events = [json.loads(block) for block in parse(response).json_ld]
    assert len(events) == 2
    page_url = f"http://testserver{campaign.get_absolute_url()}"
    first, second = events
    assert first["@context"] == "https://schema.org"
    assert first["@type"] == "Event"
    assert first["name"] == all_day.title
    assert first["startDate"] == "2027-01-11"
    assert first["endDate"] == "2027-01-11"
    assert (
        first["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    )
    assert first["location"] == {"@type": "VirtualLocation", "url": page_url}
    assert first["organizer"]["@type"] == "Organization"
    assert first["organizer"]["name"] == "Redeeming Hope"
    assert first["url"] == page_url
    assert first["image"][0].startswith("http://testserver/")
    assert second["name"] == timed.title
    assert second["startDate"] == "2027-01-20T18:30:00-05:00"


def test_json_ld_cannot_break_out_of_its_script(client):
    campaign = CampaignFactory()
    ActionDayFactory(campaign=campaign, title="</script><script>alert(1)</script> & co")
    response = client.get(campaign.get_absolute_url())
    (block,) = parse(response).json_ld
    assert json.loads(block)["name"] == "</script><script>alert(1)</script> & co"
    assert "\\u003C/script\\u003E" in response.content.decode()


def test_share_links_need_no_script(client):
    campaign = CampaignFactory(title="Wear blue", hashtag="#WearBlue")
    response = client.get(campaign.get_absolute_url())
    page = parse(response)
    share = [a for a in page.anchors if "share__link" in a.get("class", "")]
    hrefs = [a["href"] for a in share]
    url = "http%3A%2F%2Ftestserver%2Fcampaigns%2F" + campaign.slug
    assert any(
        h.startswith("https://www.facebook.com/sharer/sharer.php?u=" + url)
        for h in hrefs
    )
    assert any(
        h.startswith("https://twitter.com/intent/tweet?") and "hashtags=WearBlue" in h
        for h in hrefs
    )
    assert any(
        h.startswith("https://www.linkedin.com/sharing/share-offsite/?url=" + url)
        for h in hrefs
    )
    assert any(h.startswith("https://wa.me/?text=") for h in hrefs)
    assert any(h.startswith("mailto:?subject=Wear%20blue") for h in hrefs)
    assert all(a["rel"] == "noopener noreferrer" for a in share)
    html = response.content.decode()
    assert 'src="/static/js/share.js" defer' in html
    # Only this site's scripts (and JSON-LD data blocks) are on the page.
    for src in re.findall(r'<script[^>]*src="([^"]+)"', html):
        assert src.startswith("/static/")


def test_campaign_page_links_the_feed_and_has_the_hotline(client):
    campaign = CampaignFactory()
    response = client.get(campaign.get_absolute_url())
    feed = next(
        link for link in parse(response).links if link.get("rel") == "alternate"
    )
    assert feed["type"] == "application/atom+xml"
    assert feed["href"] == reverse("campaigns:campaign-feed")
    assert 'href="tel:+18883737888"' in main_of(response)


def test_main_navigation_marks_campaigns(client):
    campaign = CampaignFactory()
    html = client.get(reverse("campaigns:campaign-list")).content.decode()
    assert '<a href="/campaigns/" aria-current="page">Campaigns</a>' in html
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert '<a href="/campaigns/" aria-current="true">Campaigns</a>' in html
    html = client.get(reverse("get-help")).content.decode()
    assert '<a href="/campaigns/">Campaigns</a>' in html
    nav = html.split('aria-label="Main"', 1)[1]
    assert nav.index("Campaigns") < nav.index("Get help")


# --- the list -----------------------------------------------------------------------


def test_list_has_current_upcoming_and_past_sections_newest_first(client):
    today = timezone.localdate()
    days = dt.timedelta
    CampaignFactory(
        title="Old past", start_date=today - days(90), end_date=today - days(60)
    )
    CampaignFactory(
        title="Recent past", start_date=today - days(30), end_date=today - days(1)
    )
    CampaignFactory(
        title="Running", start_date=today - days(2), end_date=today + days(2)
    )
    CampaignFactory(
        title="Next year", start_date=today + days(300), end_date=today + days(330)
    )
    CampaignFactory(title="Soon", start_date=today + days(3), end_date=today + days(4))
    CampaignFactory(title="Hidden draft", status=Campaign.Status.DRAFT)
    response = client.get(reverse("campaigns:campaign-list"))
    assert response.status_code == 200
    main = main_of(response)
    order = [
        "Happening now",
        "Running",
        "Coming up",
        "Next year",
        "Soon",
        "Past campaigns",
        "Recent past",
        "Old past",
    ]
    positions = [main.index(text) for text in order]
    assert positions == sorted(positions)
    assert "Hidden draft" not in main
    assert_valid_html(response.content)


def test_list_is_paginated(client):
    for _ in range(14):
        CampaignFactory()
    first = client.get(reverse("campaigns:campaign-list"))
    assert first.context["page_obj"].paginator.num_pages == 2
    assert len(first.context["page_obj"].object_list) == 12
    assert 'rel="next"' in first.content.decode()
    second = client.get(reverse("campaigns:campaign-list") + "?page=2")
    assert len(second.context["page_obj"].object_list) == 2
    canonical = next(
        link for link in parse(second).links if link.get("rel") == "canonical"
    )
    assert canonical["href"].endswith("/campaigns/?page=2")
    # Nonsense page numbers fall back to a real page instead of an error.
    assert (
        client.get(reverse("campaigns:campaign-list") + "?page=abc").status_code == 200
    )
    assert (
        client.get(reverse("campaigns:campaign-list") + "?page=99").status_code == 200
    )


def test_empty_list_says_so(client):
    response = client.get(reverse("campaigns:campaign-list"))
    assert "There are no campaigns to show yet." in response.content.decode()


def test_only_get_is_allowed(client):
    campaign = CampaignFactory()
    assert client.post(reverse("campaigns:campaign-list")).status_code == 405
    assert client.post(campaign.get_absolute_url()).status_code == 405


# --- query counts -------------------------------------------------------------------


def _catalogue(size: int) -> Campaign:
    """`size` campaigns, each citing `size` statistics, the first with `size` days."""
    statistics = StatisticFactory.create_batch(size)
    campaigns = [CampaignFactory(with_image=(n < 2)) for n in range(size)]
    for campaign in campaigns:
        campaign.statistics.set(statistics)
    for n in range(size):
        ActionDayFactory(
            campaign=campaigns[0], date=timezone.localdate() + dt.timedelta(days=n)
        )
    return campaigns[0]


# List: one count and one page of rows with annotated counts.
# Campaign page: the campaign, its statistics and its action days.
@pytest.mark.parametrize(("view", "max_queries"), [("list", 2), ("detail", 3)])
def test_query_count_does_not_grow_with_the_catalogue(
    client, django_assert_max_num_queries, view, max_queries
):
    for size in (3, 50):
        Campaign.objects.all().delete()
        campaign = _catalogue(size)
        url = {
            "list": reverse("campaigns:campaign-list"),
            "detail": campaign.get_absolute_url(),
        }[view]
        client.get(url)  # warm the rendition cache: first views write image files
        with django_assert_max_num_queries(max_queries):
            response = client.get(url)
        assert response.status_code == 200


def test_home_reads_campaigns_in_two_queries_whatever_their_number(
    client, django_assert_max_num_queries
):
    """The home page also shows other apps' content, so only campaigns' part is
    counted: the featured campaign and the next action day (its campaign joined)."""
    for size in (3, 50):
        Campaign.objects.all().delete()
        _catalogue(size)
        client.get(reverse("home"))  # warm the rendition cache
        with django_assert_max_num_queries(20) as captured:
            response = client.get(reverse("home"))
        assert response.status_code == 200
        ours = [
            query["sql"]
            for query in captured.captured_queries
            if "campaigns_campaign" in query["sql"]
        ]
        assert len(ours) == 2, ours


# --- the home page ------------------------------------------------------------------


def test_home_shows_the_featured_campaign_and_the_next_action_day(client):
    today = timezone.localdate()
    CampaignFactory(title="Running, not featured")
    featured = CampaignFactory(
        title="Featured month",
        summary="The featured summary.",
        is_featured=True,
        start_date=today + dt.timedelta(days=20),
        end_date=today + dt.timedelta(days=50),
    )
    ActionDayFactory(campaign=featured, title="Far", date=today + dt.timedelta(days=25))
    ActionDayFactory(campaign=featured, title="Near", date=today + dt.timedelta(days=3))
    ActionDayFactory(
        campaign=CampaignFactory(status=Campaign.Status.DRAFT),
        title="Draft day",
        date=today + dt.timedelta(days=1),
    )
    response = client.get(reverse("home"))
    main = main_of(response)
    assert "Featured month" in main
    assert "The featured summary." in main
    assert f'href="{featured.get_absolute_url()}"' in main
    assert "Running, not featured" not in main
    assert "Near" in main and "in 3 days" in main
    assert "Far" not in main and "Draft day" not in main
    assert_valid_html(response.content)


def test_home_without_campaigns_has_no_campaign_section(client):
    main = main_of(client.get(reverse("home")))
    assert "home-campaigns" not in main
