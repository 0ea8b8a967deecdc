"""
Demo content for the standing pages (Home's introduction, Get help, Browsing
safely, About, Privacy, Contact, Shipping and returns), written from the content
brief.

`seed_demo` calls `seed()`. It only creates what is missing (keyed by slug), so a
second run changes nothing and never overwrites what staff have edited since.
"""

from pathlib import Path

from django.conf import settings
from django.urls import reverse

from pages.models import Page

CONTENT_DIR = Path(__file__).resolve().parent / "content" / "pages"
# The words of the pages every site has, production included: pages' data
# migrations (0002, 0003) create them from these files when they are missing.
STANDING_CONTENT_DIR = Path(__file__).resolve().parent.parent / "pages" / "content"
STANDING_SLUGS = {"privacy", "contact", "shipping-returns"}

CONTACT_TITLE = "Contact us"
CONTACT_DESCRIPTION = (
    "How to reach Redeeming Hope by email, phone or mail, about an order, a gift, "
    "volunteering or a talk."
)
SHIPPING_TITLE = "Shipping and returns"
SHIPPING_DESCRIPTION = (
    "What shipping costs, free local pickup in Louisville, and how returns and "
    "refunds work in the Redeeming Hope store."
)

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
    # These two are also created by a data migration (pages 0003).
    {
        "slug": "contact",
        "title": CONTACT_TITLE,
        "meta_description": CONTACT_DESCRIPTION,
    },
    {
        "slug": "shipping-returns",
        "title": SHIPPING_TITLE,
        "meta_description": SHIPPING_DESCRIPTION,
    },
]


def fill_placeholders(body: str) -> str:
    """The site's own links and figures in a page's Markdown."""
    return (
        body.replace("{browsing_safely_url}", reverse("browsing-safely"))
        .replace("{privacy_url}", reverse("privacy"))
        .replace("{the_home_url}", reverse("the-home"))
        .replace("{contact_email}", settings.ORGANIZATION_EMAIL)
        .replace("{retention_days}", str(settings.SHOP_UNPAID_ORDER_RETENTION_DAYS))
    )


def seed() -> int:
    """Create the standing pages that do not exist yet; returns how many."""
    created = _seed_pages()
    _link_earlier_about_promise()
    return created


# What earlier demos wrote on About, without the link to the numbers.
EARLIER_ABOUT_PROMISE = "We publish the numbers behind this promise."


def _link_earlier_about_promise() -> None:
    """A database seeded by an earlier demo gets About's promise linked to the
    Home fund's page; words staff changed are left as they are."""
    about = Page.objects.filter(slug="about", body__contains=EARLIER_ABOUT_PROMISE)
    page = about.first()
    if page is None:
        return
    linked = f"[{EARLIER_ABOUT_PROMISE[:-1]}]({reverse('the-home')})."
    page.body = page.body.replace(EARLIER_ABOUT_PROMISE, linked)
    page.save(update_fields=["body", "updated_at"])


def _seed_pages() -> int:
    created = 0
    for spec in PAGES:
        folder = STANDING_CONTENT_DIR if spec["slug"] in STANDING_SLUGS else CONTENT_DIR
        body = (folder / f"{spec['slug']}.md").read_text(encoding="utf-8")
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
