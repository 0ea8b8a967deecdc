"""The privacy page: created by a migration on every site (production never
seeds), published at /privacy/, linked from every page's footer, in the
sitemap, and exact about what the site keeps."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from demo import pages as pages_demo
from pages.models import Page
from tests.html import assert_valid_html

pytestmark = pytest.mark.django_db

migration = importlib.import_module("pages.migrations.0002_privacy_page")


def test_the_migration_created_the_published_page():
    page = Page.objects.get(slug="privacy")
    assert page.is_published and page.title == "Privacy"
    assert page.get_absolute_url() == reverse("privacy") == "/privacy/"


def test_the_migration_creates_it_once_and_keeps_staff_edits():
    Page.objects.filter(slug="privacy").delete()
    migration.create_privacy_page(django_apps, None)
    migration.create_privacy_page(django_apps, None)
    assert Page.objects.filter(slug="privacy").count() == 1
    Page.objects.filter(slug="privacy").update(body="Edited by staff")
    migration.create_privacy_page(django_apps, None)
    assert Page.objects.get(slug="privacy").body == "Edited by staff"


def test_seed_demo_leaves_the_migrated_page_alone():
    before = Page.objects.get(slug="privacy").updated_at
    pages_demo.seed()
    assert Page.objects.get(slug="privacy").updated_at == before


def test_the_page_says_what_this_site_does(client, settings):
    response = client.get(reverse("privacy"))
    assert response.status_code == 200
    assert_valid_html(response.content)
    html = response.content.decode()
    for fact in (
        "Stripe",
        "email provider",
        "csrftoken",
        "session",
        "No trackers",
        "as long as tax and accounting law requires",
        f"{settings.SHOP_UNPAID_ORDER_RETENTION_DAYS} days",
        'href="mailto:hello@redeeminghope.org"',
        f'href="{reverse("browsing-safely")}"',
        "Quick exit",
    ):
        assert fact in html, fact
    assert "{" not in response.context["page"].body  # every placeholder filled


def test_every_page_links_to_it_from_the_footer(client):
    html = client.get(reverse("home")).content.decode()
    footer = html[html.index('<footer class="site-footer"') :]
    assert f'href="{reverse("privacy")}"' in footer


def test_it_is_in_the_sitemap(client):
    xml = client.get(reverse("sitemap")).content.decode()
    assert "/privacy/</loc>" in xml
