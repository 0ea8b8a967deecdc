"""Atom feed of published campaigns, newest first, for feed readers and partners.

Atom's <summary> is published as HTML (Django's Atom1Feed marks it type="html"),
but a campaign's summary is plain text that staff type: it is escaped here, so
a reader shows "<script>" as those characters instead of running it."""

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models.functions import Coalesce
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, CampaignQuerySet

FEED_LENGTH = 20


class CampaignFeed(Feed):
    feed_type = Atom1Feed
    title = _("Redeeming Hope: awareness campaigns")
    subtitle = _(
        "Campaigns against human trafficking from Redeeming Hope, a Kentucky nonprofit."
    )
    link = reverse_lazy("campaigns:campaign-list")
    author_name = settings.SITE_NAME

    def items(self) -> CampaignQuerySet:
        return (
            Campaign.objects.published()
            .annotate(published_on=Coalesce("publish_at", "created_at"))
            .order_by("-published_on", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, item: Campaign) -> str:
        return item.title

    def item_description(self, item: Campaign) -> str:
        # Plain text, published where readers expect HTML.
        return escape(item.summary)

    def item_pubdate(self, item: Campaign) -> dt.datetime:
        # What items() orders by (published_on), read from the instance.
        return item.publish_at or item.created_at

    def item_updateddate(self, item: Campaign) -> dt.datetime:
        return item.updated_at

    def item_categories(self, item: Campaign) -> list[str]:
        return [f"#{item.hashtag_text}"] if item.hashtag else []
