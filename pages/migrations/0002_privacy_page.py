# The privacy page must exist on every site, production included (which never
# runs seed_demo): create it, published, when there is none. Its words come from
# pages/content/privacy.md as they stand when this runs; staff edit them in
# the admin afterwards, and this never overwrites a page that exists.

from email.utils import parseaddr
from pathlib import Path

from django.conf import settings
from django.db import migrations
from django.urls import NoReverseMatch, reverse

CONTENT = Path(__file__).resolve().parent.parent / "content" / "privacy.md"


def _browsing_safely_url():
    try:
        return reverse("browsing-safely")
    except NoReverseMatch:
        return "/browsing-safely/"


def create_privacy_page(apps, schema_editor):
    Page = apps.get_model("pages", "Page")
    if Page.objects.filter(slug="privacy").exists():
        return
    contact = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    days = getattr(settings, "SHOP_UNPAID_ORDER_RETENTION_DAYS", 30)
    body = (
        CONTENT.read_text(encoding="utf-8")
        .replace("{browsing_safely_url}", _browsing_safely_url())
        .replace("{contact_email}", contact)
        .replace("{retention_days}", str(days))
    )
    Page.objects.create(
        slug="privacy",
        title="Privacy",
        meta_description=(
            "What Redeeming Hope collects when you shop or give, why, who handles "
            "it, how long we keep it, and how to get a copy or have it erased."
        ),
        body=body,
        is_published=True,
    )


class Migration(migrations.Migration):
    dependencies = [("pages", "0001_initial")]

    # Going back leaves the page: staff may have edited it.
    operations = [
        migrations.RunPython(create_privacy_page, migrations.RunPython.noop),
    ]
