"""The Atom feed, sitemap.xml and robots.txt."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from tests.campaigns.factories import CampaignFactory
from tests.pages.factories import PageFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_feed_lists_published_campaigns_newest_first(client):
    now = timezone.now()
    CampaignFactory(title="Older", publish_at=now - dt.timedelta(days=3))
    CampaignFactory(
        title="Newer",
        publish_at=now - dt.timedelta(days=1),
        summary="Summary of newer.",
    )
    CampaignFactory(title="Draft", status=Campaign.Status.DRAFT)
    CampaignFactory(title="Scheduled", publish_at=now + dt.timedelta(days=1))

    response = client.get(reverse("campaigns:campaign-feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert titles == ["Newer", "Older"]
    newer = entries[0]
    link = newer.find(f"{ATOM}link")
    assert link is not None
    assert link.get("href", "").startswith("http://testserver/campaigns/")
    assert newer.findtext(f"{ATOM}summary") == "Summary of newer."
    category = newer.find(f"{ATOM}category")
    assert category is not None and category.get("term") == "#WearBlue"


def test_sitemap_lists_pages_the_list_and_published_campaigns(client):
    PageFactory(slug="get-help", title="Get help")
    PageFactory(slug="about", title="About", is_published=False)
    PageFactory(slug="not-a-standing-page")
    public = CampaignFactory(slug="public-one")
    CampaignFactory(slug="a-draft", status=Campaign.Status.DRAFT)
    CampaignFactory(slug="later", publish_at=timezone.now() + dt.timedelta(hours=1))

    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    urlset = ET.fromstring(response.content)
    locations = {
        url.findtext(f"{SITEMAP}loc") for url in urlset.findall(f"{SITEMAP}url")
    }
    assert locations == {
        "http://testserver/get-help/",
        # Migrations create these on every site.
        "http://testserver/privacy/",
        "http://testserver/contact/",
        "http://testserver/shipping-returns/",
        "http://testserver/campaigns/",
        f"http://testserver{public.get_absolute_url()}",
    }
    lastmods = [
        url.findtext(f"{SITEMAP}lastmod") for url in urlset.findall(f"{SITEMAP}url")
    ]
    assert any(lastmods)


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines


def test_feed_publishes_the_plain_text_summary_as_text_not_markup(client):
    """A summary is plain text; Atom's summary is HTML, so markup typed there
    must reach feed readers escaped, never live."""
    CampaignFactory(
        title="Typed markup",
        summary='Read <script>alert(1)</script> & <img src=x onerror="alert(2)">',
    )
    response = client.get(reverse("campaigns:campaign-feed"))
    summary = ET.fromstring(response.content).find(f"{ATOM}entry/{ATOM}summary")
    assert summary is not None and summary.get("type") == "html"
    # What a reader renders as HTML: the text, escaped once, with no tag in it.
    html = summary.text or ""
    assert "<script" not in html and "<img" not in html
    assert html == (
        "Read &lt;script&gt;alert(1)&lt;/script&gt; &amp; "
        "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;"
    )
