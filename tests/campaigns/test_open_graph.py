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


def expected(
    *, url: str, kind: str, title: str, description: str, image: tuple[Tag, ...] = ()
) -> list[Tag]:
    """The tags in order: with a picture, its og:image tags, a large card and
    twitter:image tags; without, a summary card."""
    og_image = [(f"og:{name}", value) for name, value in image]
    twitter_image = [
        (f"twitter:{name}", value)
        for name, value in image
        if name in ("image", "image:alt")
    ]
    return [
        ("canonical", url),
        ("og:type", kind),
        ("og:site_name", "Redeeming Hope"),
        ("og:locale", "en_US"),
        ("og:title", title),
        ("og:description", description),
        ("og:url", url),
        *og_image,
        ("twitter:card", "summary_large_image" if image else "summary"),
        ("twitter:title", title),
        ("twitter:description", description),
        *twitter_image,
    ]


def test_a_campaign_with_a_picture(client):
    campaign = CampaignFactory(
        with_image=True, title="Wear Blue", meta_description="Short & plain."
    )
    tags = sharing_tags(client, campaign.get_absolute_url())
    picture = dict(tags).get("og:image", "")
    assert picture.startswith("http://testserver/")
    assert tags == expected(
        url=f"http://testserver{campaign.get_absolute_url()}",
        kind="article",
        title="Wear Blue",
        description="Short & plain.",
        image=(
            ("image", picture),
            ("image:type", "image/jpeg"),
            ("image:width", "1200"),
            ("image:height", "630"),
            ("image:alt", "People wearing blue"),
        ),
    )


def test_a_campaign_without_a_picture(client):
    campaign = CampaignFactory(title="Wear Blue", meta_description="Short.")
    assert sharing_tags(client, campaign.get_absolute_url()) == expected(
        url=f"http://testserver{campaign.get_absolute_url()}",
        kind="article",
        title="Wear Blue",
        description="Short.",
    )


def test_the_campaign_list(client):
    assert sharing_tags(client, reverse("campaigns:campaign-list")) == expected(
        url="http://testserver" + reverse("campaigns:campaign-list"),
        kind="website",
        title="Campaigns against human trafficking",
        description=(
            "Awareness campaigns from Redeeming Hope, a Kentucky nonprofit "
            "fighting human trafficking."
        ),
    )


def test_a_page_without_its_own_tags_has_the_default_picture(client):
    picture = "http://testserver/static/img/og-default.png"
    assert sharing_tags(client, reverse("home")) == [
        ("og:image", picture),
        ("og:image:type", "image/png"),
        ("og:image:width", "1200"),
        ("og:image:height", "630"),
        ("og:image:alt", OG_IMAGE_ALT),
    ]
