"""Who stands behind the site: a Contact page (email, phone and mailing address
from settings) and a Shipping and returns page (the shop's own rates), both made
by a migration on every site and linked from every page's footer."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from pages.contact import phone_uri
from pages.models import Page
from shop.models import ShopSettings
from tests.html import assert_valid_html

pytestmark = pytest.mark.django_db

migration = importlib.import_module("pages.migrations.0003_contact_and_shipping_pages")


@pytest.mark.parametrize(
    ("slug", "url", "title"),
    [
        ("contact", "/contact/", "Contact us"),
        ("shipping-returns", "/shipping-returns/", "Shipping and returns"),
    ],
)
def test_the_migration_made_the_page_published_at_its_address(client, slug, url, title):
    page = Page.objects.get(slug=slug)
    assert page.is_published and page.title == title
    assert page.get_absolute_url() == url
    response = client.get(url)
    assert response.status_code == 200
    assert_valid_html(response.content)
    assert "{" not in page.body  # every placeholder filled


def test_the_migration_creates_them_once_and_keeps_staff_edits():
    Page.objects.filter(slug="contact").update(body="Edited by staff")
    Page.objects.filter(slug="shipping-returns").delete()
    migration.create_pages(django_apps, None)
    migration.create_pages(django_apps, None)
    assert Page.objects.get(slug="contact").body == "Edited by staff"
    assert Page.objects.filter(slug="shipping-returns").count() == 1


def test_every_page_links_to_both_from_the_footer(client):
    html = client.get(reverse("home")).content.decode()
    footer = html[html.index('<footer class="site-footer"') :]
    assert f'href="{reverse("contact")}"' in footer
    assert f'href="{reverse("shipping-returns")}"' in footer


def test_both_are_in_the_sitemap(client):
    xml = client.get(reverse("sitemap")).content.decode()
    assert "/contact/</loc>" in xml and "/shipping-returns/</loc>" in xml


def test_the_contact_page_shows_the_settings(client, settings):
    settings.ORGANIZATION_EMAIL = "office@example.org"
    settings.ORGANIZATION_PHONE = "(502) 555-0100"
    settings.ORGANIZATION_MAILING_ADDRESS = (
        "Redeeming Hope, Inc.\nPO Box 1\nLouisville, KY 40201"
    )
    html = client.get(reverse("contact")).content.decode()
    assert 'href="mailto:office@example.org"' in html
    assert '<a href="tel:+15025550100">(502) 555-0100</a>' in html
    assert (
        "<address>Redeeming Hope, Inc.<br>PO Box 1<br>Louisville, KY 40201</address>"
        in html
    )


def test_the_contact_page_leaves_out_what_is_not_set(client, settings):
    settings.ORGANIZATION_PHONE = ""
    settings.ORGANIZATION_MAILING_ADDRESS = ""
    html = client.get(reverse("contact")).content.decode()
    assert 'href="mailto:hello@redeeminghope.org"' in html
    assert "Phone" not in html and "Mailing address" not in html
    assert "<address>" not in html


@pytest.mark.parametrize(
    ("written", "uri"),
    [
        ("(502) 555-0100", "tel:+15025550100"),
        ("1-502-555-0100", "tel:+15025550100"),
        ("+1 502 555 0100", "tel:+15025550100"),
        ("", ""),
        ("call us", ""),
    ],
)
def test_phone_links(written, uri):
    assert phone_uri(written) == uri


def test_shipping_shows_what_checkout_charges(client):
    ShopSettings.objects.create(
        flat_shipping_rate=Decimal("7.50"),
        free_shipping_threshold=Decimal("60.00"),
        sales_tax_rate=Decimal("0.0600"),
        taxed_states="KY",
        pickup_instructions="We email you within two business days.",
    )
    html = client.get(reverse("shipping-returns")).content.decode()
    assert "to a US address: $7.50 per order." in html
    assert "Free when your items come to $60.00 or more" in html
    assert "in Louisville: free. We email you within two business days." in html
    assert "of 6% on orders picked up, and on orders shipped to KY" in html
    for words in ("5 to 10 business days", "sales tax on them", "shipping too"):
        assert words in html, words


def test_shipping_follows_the_settings_when_staff_change_them(client):
    rates = ShopSettings.objects.create()
    assert "$6.00 per order" in client.get(reverse("shipping-returns")).content.decode()
    rates.flat_shipping_rate = Decimal("8.00")
    rates.free_shipping_threshold = None
    rates.local_pickup_enabled = False
    rates.save()
    html = client.get(reverse("shipping-returns")).content.decode()
    assert "$8.00 per order" in html
    assert "Free when" not in html
    assert "Local pickup</strong> in Louisville" not in html


def test_about_links_to_the_numbers_behind_the_promise(client, db):
    from demo import pages as pages_demo

    pages_demo.seed()
    html = client.get(reverse("about")).content.decode()
    assert (
        f'href="{reverse("the-home")}" rel="noopener noreferrer">'
        "We publish the numbers behind this promise</a>" in html
    )


def test_seed_links_the_promise_on_an_earlier_about_page(db):
    from demo import pages as pages_demo

    Page.objects.create(
        slug="about",
        title="About",
        meta_description="About us.",
        body="Profit is profit. We publish the numbers behind this promise.\n",
        is_published=True,
    )
    pages_demo.seed()
    pages_demo.seed()
    body = Page.objects.get(slug="about").body
    assert body == (
        "Profit is profit. [We publish the numbers behind this promise](/the-home/).\n"
    )
