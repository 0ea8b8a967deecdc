"""sitemap.xml entries for the standing pages."""

import datetime as dt

from django.contrib.sitemaps import Sitemap

from pages.models import PAGE_URL_NAMES, Page, PageQuerySet


class PageSitemap(Sitemap):
    """Published standing pages (Home, Get help, About, ...) at their fixed URLs."""

    changefreq = "monthly"

    def items(self) -> PageQuerySet:
        return Page.objects.published().filter(slug__in=PAGE_URL_NAMES).order_by("pk")

    def lastmod(self, item: Page) -> dt.datetime:
        return item.updated_at
