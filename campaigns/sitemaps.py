"""sitemap.xml entries for the campaigns list and every published campaign."""

import datetime as dt

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from campaigns.models import Campaign, CampaignQuerySet


class CampaignIndexSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return ["campaigns:campaign-list"]

    def location(self, item: str) -> str:
        return reverse(item)


class CampaignSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> CampaignQuerySet:
        return Campaign.objects.published().order_by("-start_date", "-pk")

    def lastmod(self, item: Campaign) -> dt.datetime:
        return item.updated_at


SITEMAPS = {
    "campaign-index": CampaignIndexSitemap,
    "campaigns": CampaignSitemap,
}
