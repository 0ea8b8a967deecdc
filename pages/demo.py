"""
Demo content for the standing pages (Home's introduction, Get help, Browsing
safely, About, Privacy), written from the content brief.

`seed_demo` calls `seed()`. It only creates what is missing (keyed by slug), so a
second run changes nothing and never overwrites what staff have edited since.
"""

from email.utils import parseaddr
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from pages.models import Page

CONTENT_DIR = Path(__file__).resolve().parent / "demo_content"

PAGES = [
    {
        "slug": "home",
        "title": "Together we can end human trafficking in Kentucky",
        "meta_description": (
            "Redeeming Hope is a Kentucky nonprofit fighting sex and labor "
            "trafficking: learn the signs, get help, and help build a safe home "
            "for survivors."
        ),
    },
    {
        "slug": "get-help",
        "title": "Get help",
        "meta_description": (
            "Help if this is happening to you, the signs of sex and labor "
            "trafficking if you are worried about someone, and Kentucky's duty to "
            "report a child."
        ),
    },
    {
        "slug": "browsing-safely",
        "title": "Browsing safely",
        "meta_description": (
            "What the Quick exit button on this site does, why Back can still reach "
            "pages you visited before it, and how to browse more safely."
        ),
    },
    {
        "slug": "about",
        "title": "About Redeeming Hope",
        "meta_description": (
            "Redeeming Hope is a Kentucky nonprofit fighting human trafficking and "
            "building a safe home for survivors, funded by 100% of our store's profit."
        ),
    },
    {
        # Also created by a data migration (pages 0002): production never seeds.
        "slug": "privacy",
        "title": "Privacy",
        "meta_description": (
            "What Redeeming Hope collects when you shop or give, why, who handles "
            "it, how long we keep it, and how to get a copy or have it erased."
        ),
    },
]


def fill_placeholders(body: str) -> str:
    """The site's own links and figures in a page's Markdown."""
    return (
        body.replace("{browsing_safely_url}", reverse("browsing-safely"))
        .replace("{contact_email}", contact_email())
        .replace("{retention_days}", str(settings.SHOP_UNPAID_ORDER_RETENTION_DAYS))
    )


def contact_email() -> str:
    """Where people write to us: the address our emails come from."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL


def seed() -> int:
    """Create the standing pages that do not exist yet; returns how many."""
    return _seed_pages()


def _seed_pages() -> int:
    created = 0
    for spec in PAGES:
        body = (CONTENT_DIR / f"{spec['slug']}.md").read_text(encoding="utf-8")
        body = fill_placeholders(body)
        _, was_created = Page.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "title": spec["title"],
                "meta_description": spec["meta_description"],
                "body": body,
                "is_published": True,
            },
        )
        created += was_created
    return created
