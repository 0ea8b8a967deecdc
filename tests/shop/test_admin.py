import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from shop.fulfilment import order_mark_paid
from shop.models import Order, ShopSettings
from shop.services import order_create_from_cart
from tests.shop.factories import (
    ProductImageFactory,
    ShopSettingsFactory,
    VariantFactory,
    checkout_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(outcome):
    variant = VariantFactory(product__name="Hope T-shirt", stock=5)
    order = order_create_from_cart(
        cart={variant.pk: 2},
        customer=checkout_data(name='=HYPERLINK("http://x")'),
    )
    order_mark_paid(
        order_number=order.number,
        outcome=outcome(order, payment_intent_id="pi_admin_1"),
    )
    order.refresh_from_db()
    return order


def test_product_admin_pages(admin_client):
    variant = VariantFactory()
    ProductImageFactory(product=variant.product)
    assert admin_client.get(reverse("admin:shop_product_changelist")).status_code == 200
    response = admin_client.get(
        reverse("admin:shop_product_change", args=[variant.product.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="variants-0-stock"' in html and 'name="variants-0-unit_cost"' in html
    assert 'name="images-0-alt"' in html
    assert (
        admin_client.get(
            reverse("admin:shop_product_changelist"), {"q": variant.sku}
        ).status_code
        == 200
    )


def test_order_admin_search_filters_and_read_only_money(admin_client, paid):
    changelist = reverse("admin:shop_order_changelist")
    for query in (paid.number, paid.email, paid.checkout_session_id, "pi_admin_1"):
        response = admin_client.get(changelist, {"q": query})
        assert paid.number in response.content.decode(), query
    for params in (
        {"status__exact": "paid"},
        {"attention": "yes"},
        {"attention": "email"},
    ):
        assert admin_client.get(changelist, params).status_code == 200

    response = admin_client.get(reverse("admin:shop_order_change", args=[paid.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="total"' not in html and 'name="payment_intent_id"' not in html
    assert "pi_admin_1" in html and "Hope T-shirt" in html
    assert 'name="lines-0-quantity"' not in html  # lines are read-only
    # No adding or deleting orders by hand.
    assert admin_client.get(reverse("admin:shop_order_add")).status_code == 403
    assert (
        admin_client.get(reverse("admin:shop_order_delete", args=[paid.pk])).status_code
        == 403
    )


def test_order_csv_export(admin_client, paid):
    response = admin_client.post(
        reverse("admin:shop_order_changelist"),
        {"action": "export_csv", "_selected_action": [paid.pk]},
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    row = rows[0]
    assert row["number"] == paid.number
    assert row["items"] == "2"
    assert Decimal(row["proceeds"]) == paid.proceeds
    assert row["name"].startswith("'=")  # no spreadsheet formula


def test_shop_settings_is_a_single_row(admin_client):
    add = reverse("admin:shop_shopsettings_add")
    assert admin_client.get(add).status_code == 200
    settings_row = ShopSettingsFactory()
    assert admin_client.get(add).status_code == 403
    change = reverse("admin:shop_shopsettings_change", args=[settings_row.pk])
    assert admin_client.get(change).status_code == 200
    delete = reverse("admin:shop_shopsettings_delete", args=[settings_row.pk])
    assert admin_client.get(delete).status_code == 403
    assert ShopSettings.objects.count() == 1
    assert Order.objects.count() == 0


def test_resend_missing_confirmation(admin_client, paid, mailoutbox):
    Order.objects.filter(pk=paid.pk).update(confirmation_sent_at=None)
    admin_client.post(
        reverse("admin:shop_order_changelist"),
        {"action": "resend_confirmation", "_selected_action": [paid.pk]},
    )
    admin_client.post(
        reverse("admin:shop_order_changelist"),
        {"action": "resend_confirmation", "_selected_action": [paid.pk]},
    )
    assert len(mailoutbox) == 1
    assert Order.objects.get(pk=paid.pk).confirmation_sent_at is not None
