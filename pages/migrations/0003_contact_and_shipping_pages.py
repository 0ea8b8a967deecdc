# The Contact and the Shipping and returns pages must exist on every site,
# production included (which never runs seed_demo): the footer of every page links
# to them. Create each, published, when it is missing. Their words come from
# pages/content/ as they stand when this runs; staff edit them in the admin
# afterwards, and this never overwrites a page that exists. The contact details
# themselves (email, phone, mailing address) and the shop's rates are not in the
# words: the pages show them from the settings.

from pathlib import Path

from django.conf import settings
from django.db import migrations
from django.urls import NoReverseMatch, reverse

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"

PAGES = [
    {
        "slug": "contact",
        "title": "Contact us",
        "meta_description": (
            "How to reach Redeeming Hope by email, phone or mail, about an order, "
            "a gift, volunteering or a talk."
        ),
    },
    {
        "slug": "shipping-returns",
        "title": "Shipping and returns",
        "meta_description": (
            "What shipping costs, free local pickup in Louisville, and how returns "
            "and refunds work in the Redeeming Hope store."
        ),
    },
]


def _privacy_url():
    try:
        return reverse("privacy")
    except NoReverseMatch:
        return "/privacy/"


def create_pages(apps, schema_editor):
    Page = apps.get_model("pages", "Page")
    email = getattr(settings, "ORGANIZATION_EMAIL", "hello@redeeminghope.org")
    for spec in PAGES:
        if Page.objects.filter(slug=spec["slug"]).exists():
            continue
        body = (
            (CONTENT_DIR / f"{spec['slug']}.md")
            .read_text(encoding="utf-8")
            .replace("{privacy_url}", _privacy_url())
            .replace("{contact_email}", email)
        )
        Page.objects.create(**spec, body=body, is_published=True)


class Migration(migrations.Migration):
    dependencies = [("pages", "0002_privacy_page")]

    # Going back leaves the pages: staff may have edited them.
    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
