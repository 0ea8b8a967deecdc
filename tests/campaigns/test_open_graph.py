"""The sharing tags in the head (canonical link, Open Graph, Twitter card) of
each page that sets its own, drawn by one include: every tag, in order."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from core.templatetags.brand import OG_IMAGE_ALT
from tests.campaigns.factories import CampaignFactory

pytestmark = pytest.mark.django_db

Tag = tuple[str, str]


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[Tag] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "canonical":
            self.tags.append(("canonical", a.get("href") or ""))
        name = a.get("property") or a.get("name") or ""
        if tag == "meta" and re.match(r"(og|twitter):", name):
            self.tags.append((name, a.get("content") or ""))


def sharing_tags(client, url: str) -> list[Tag]:
    head = _Head()
    head.feed(client.get(url).content.decode())
    return head.tags


def test_a_campaign_with_a_picture(client):
    campaign = CampaignFactory(
        with_image=True, title="Wear Blue", meta_description="Short & plain."
    )
    url = f"http://testserver{campaign.get_absolute_url()}"
    tags = dict(sharing_tags(client, campaign.get_absolute_url()))
    image = tags.get("og:image", "")
    assert image.startswith("http://testserver/")
    assert sharing_tags(client, campaign.get_absolute_url()) == [
        ("canonical", url),
        ("og:type", "article"),
        ("og:site_name", "Redeeming Hope"),
        ("og:locale", "en_US"),
        ("og:title", "Wear Blue"),
        ("og:description", "Short & plain."),
        ("og:url", url),
        ("og:image", image),
        ("og:image:type", "image/jpeg"),
        ("og:image:width", "1200"),
        ("og:image:height", "630"),
        ("og:image:alt", "People wearing blue"),
        ("twitter:card", "summary_large_image"),
        ("twitter:title", "Wear Blue"),
        ("twitter:description", "Short & plain."),
        ("twitter:image", image),
        ("twitter:image:alt", "People wearing blue"),
    ]


def test_a_campaign_without_a_picture(client):
    campaign = CampaignFactory(title="Wear Blue", meta_description="Short.")
    url = f"http://testserver{campaign.get_absolute_url()}"
    assert sharing_tags(client, campaign.get_absolute_url()) == [
        ("canonical", url),
        ("og:type", "article"),
        ("og:site_name", "Redeeming Hope"),
        ("og:locale", "en_US"),
        ("og:title", "Wear Blue"),
        ("og:description", "Short."),
        ("og:url", url),
        ("twitter:card", "summary"),
        ("twitter:title", "Wear Blue"),
        ("twitter:description", "Short."),
    ]


def test_the_campaign_list(client):
    url = "http://testserver" + reverse("campaigns:campaign-list")
    title = "Campaigns against human trafficking"
    description = (
        "Awareness campaigns from Redeeming Hope, a Kentucky nonprofit fighting "
        "human trafficking."
    )
    assert sharing_tags(client, reverse("campaigns:campaign-list")) == [
        ("canonical", url),
        ("og:type", "website"),
        ("og:site_name", "Redeeming Hope"),
        ("og:locale", "en_US"),
        ("og:title", title),
        ("og:description", description),
        ("og:url", url),
        ("twitter:card", "summary"),
        ("twitter:title", title),
        ("twitter:description", description),
    ]


def test_a_page_without_its_own_tags_has_the_default_picture(client):
    picture = "http://testserver/static/img/og-default.png"
    assert sharing_tags(client, reverse("home")) == [
        ("og:image", picture),
        ("og:image:type", "image/png"),
        ("og:image:width", "1200"),
        ("og:image:height", "630"),
        ("og:image:alt", OG_IMAGE_ALT),
    ]
