"""The breadcrumbs of the admin's own pages (order tools, stock, report, privacy):
Home › app › list, then the record the page works on, then the page itself, each
link to where it says."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from shop.models import Order
from tests.shop.factories import SHIPPING_ADDRESS, VariantFactory
from tests.staff.role_users import paid_order

pytestmark = pytest.mark.django_db

Crumbs = list[tuple[str | None, str]]


def crumbs(html: str) -> Crumbs:
    """(link, words) for each item of the breadcrumbs; the current page has no link."""
    found = re.search(r'<ol class="breadcrumbs">(.*?)</ol>', html, re.S)
    assert found, "no breadcrumbs"
    items = []
    for item in re.findall(r"<li[^>]*>(.*?)</li>", found[1], re.S):
        link = re.search(r'<a href="([^"]*)">(.*?)</a>', item, re.S)
        if link:
            items.append((link[1], " ".join(link[2].split())))
        else:
            items.append((None, " ".join(item.split())))
    return items


def shop_trail(*, changelist: str, plural: str) -> Crumbs:
    return [
        (reverse("admin:index"), "Home"),
        (reverse("admin:app_list", kwargs={"app_label": "shop"}), "Shop"),
        (reverse(changelist), plural),
    ]


@pytest.fixture
def order() -> Order:
    return paid_order()


@pytest.fixture
def gateway_paid(client, local_gateway, django_capture_on_commit_callbacks) -> Order:
    """An order paid through the local gateway, so that it can be refunded."""
    variant = VariantFactory(price=Decimal("25.00"), stock=8)
    cart = {"variant": variant.pk, "quantity": 1}
    client.post(variant.product.get_absolute_url(), cart)
    response = client.post(reverse("shop:checkout"), SHIPPING_ADDRESS)
    with django_capture_on_commit_callbacks(execute=True):
        local_gateway.pay(client, response.url)
    return Order.objects.get()


def test_the_order_tools_name_the_order_then_the_step(admin_client: Client, order):
    change = reverse("admin:shop_order_change", args=[order.pk])
    trail = shop_trail(changelist="admin:shop_order_changelist", plural="Orders")
    for url, page in [
        (reverse("admin:shop_order_fulfil", args=[order.pk]), "Next step"),
        (reverse("admin:shop_order_refund", args=[order.pk]), "Refund"),
    ]:
        html = admin_client.get(url).content.decode()
        assert crumbs(html) == [*trail, (change, order.number), (None, page)]


def test_the_refund_confirmation_names_its_step(admin_client: Client, gateway_paid):
    order = gateway_paid
    line = order.lines.get()
    confirm = admin_client.post(
        reverse("admin:shop_order_refund", args=[order.pk]), {f"line_{line.pk}": 1}
    )
    assert "admin/shop/order/refund_confirm.html" in [t.name for t in confirm.templates]
    assert crumbs(confirm.content.decode()) == [
        *shop_trail(changelist="admin:shop_order_changelist", plural="Orders"),
        (reverse("admin:shop_order_change", args=[order.pk]), order.number),
        (None, "Confirm the refund"),
    ]


def test_the_report_and_the_stock_page(admin_client: Client, order):
    html = admin_client.get(reverse("admin:shop_order_report")).content.decode()
    trail = shop_trail(changelist="admin:shop_order_changelist", plural="Orders")
    assert crumbs(html) == [*trail, (None, "Sales report")]
    variant = order.lines.get().variant
    url = reverse("admin:shop_variant_adjust_stock", args=[variant.pk])
    html = admin_client.get(url).content.decode()
    assert crumbs(html) == [
        *shop_trail(changelist="admin:shop_variant_changelist", plural="Variants"),
        (reverse("admin:shop_variant_change", args=[variant.pk]), variant.sku),
        (None, "Adjust stock"),
    ]


def test_the_privacy_pages_name_their_step(admin_client: Client, order):
    url = reverse("admin:staff_privacyrequest_handle")
    trail = [
        (reverse("admin:index"), "Home"),
        (reverse("admin:app_list", kwargs={"app_label": "staff"}), "Staff and privacy"),
        (reverse("admin:staff_privacyrequest_changelist"), "Privacy requests"),
    ]
    html = admin_client.get(url).content.decode()
    assert crumbs(html) == [*trail, (None, "Handle a privacy request")]
    confirm = admin_client.post(url, {"step": "confirm", "email": order.email})
    assert crumbs(confirm.content.decode()) == [
        *trail,
        (None, "Erase this person&#x27;s details?"),
    ]
