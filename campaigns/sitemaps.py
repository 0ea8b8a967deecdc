"""sitemap.xml: the standing pages, the campaigns list and every published campaign."""

import datetime as dt

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from campaigns.models import PAGE_URL_NAMES, Campaign, Page


class PageSitemap(Sitemap):
    """Published standing pages (Home, Get help, About, ...) at their fixed URLs."""

    changefreq = "monthly"

    def items(self):
        return Page.objects.published().filter(slug__in=PAGE_URL_NAMES).order_by("pk")

    def lastmod(self, item: Page) -> dt.datetime:
        return item.updated_at


class CampaignIndexSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return ["campaigns:campaign-list"]

    def location(self, item: str) -> str:
        return reverse(item)


class CampaignSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Campaign.objects.published().order_by("-start_date", "-pk")

    def lastmod(self, item: Campaign) -> dt.datetime:
        return item.updated_at


SITEMAPS = {
    "pages": PageSitemap,
    "campaign-index": CampaignIndexSitemap,
    "campaigns": CampaignSitemap,
}
