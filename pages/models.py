from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PageQuerySet(models.QuerySet):
    def published(self) -> "PageQuerySet":
        return self.filter(is_published=True)


class Page(models.Model):
    """
    A standing page whose words staff edit in the admin: Home's introduction,
    Get help, Browsing safely, About, Privacy, Contact, Shipping and returns. The URL
    of each is fixed by the site (see `PAGE_URL_NAMES`), so a slug names which page a
    row is: a standing page keeps its slug, stays published and is never deleted
    (the admin refuses), or every link to it would answer "Page not found".
    """

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    meta_description = models.CharField(
        _("meta description"),
        max_length=300,
        help_text=_("One or two sentences shown by search engines and link previews."),
    )
    body = models.TextField(
        _("body"),
        help_text=_("Markdown: ## headings, **bold**, lists, [links](https://…)."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("page")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(PAGE_URL_NAMES.get(self.slug, "home"))

    @property
    def is_standing(self) -> bool:
        """One of the pages the site links to at a fixed address (footer, menus)."""
        return is_standing_slug(self.slug)


# Slug of a page row -> the URL name that shows it.
PAGE_URL_NAMES = {
    "home": "home",
    "get-help": "get-help",
    "browsing-safely": "browsing-safely",
    "about": "about",
    "privacy": "privacy",
    "contact": "contact",
    "shipping-returns": "shipping-returns",
}


def is_standing_slug(slug: str) -> bool:
    return slug in PAGE_URL_NAMES
