import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from shop.models import Order, ShopSettings
from shop.services.outcomes import order_mark_paid
from shop.services.placing import order_create_from_cart
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
        order_number=order.number or "",
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
    # Stock changes through "Adjust stock" (kept as history), not by typing.
    assert 'name="variants-0-stock"' not in html
    assert 'name="variants-0-unit_cost"' in html
    assert reverse("admin:shop_variant_adjust_stock", args=[variant.pk]) in html
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


def test_order_csv_export_neutralizes_every_formula_start(admin_client, paid):
    """The orders CSV uses the site's one formula guard (core.spreadsheets),
    which also catches a formula after a line break."""
    Order.objects.filter(pk=paid.pk).update(name="=cmd|' /C calc'!A0", city="\n=1+2")
    response = admin_client.post(
        reverse("admin:shop_order_changelist"),
        {"action": "export_csv", "_selected_action": [paid.pk]},
    )
    row = next(csv.DictReader(io.StringIO(response.content.decode())))
    assert row["name"] == "'=cmd|' /C calc'!A0"
    assert row["city"] == "'\n=1+2"


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


def test_payments_to_review_come_first_highlighted_with_both_amounts(
    admin_client, paid, outcome
):
    from shop.handlers import order_checkout_handler

    variant = VariantFactory(stock=5)
    odd = order_create_from_cart(cart={variant.pk: 1}, customer=checkout_data())
    order_create_from_cart(cart={variant.pk: 1}, customer=checkout_data())  # newer
    order_checkout_handler.needs_review(
        outcome(
            odd, action="needs_review", amount_total=Decimal("5.00"), currency="usd"
        )
    )
    changelist = reverse("admin:shop_order_changelist")
    response = admin_client.get(changelist)
    html = response.content.decode()
    assert [o.pk for o in response.context["cl"].result_list][0] == odd.pk
    assert "⚠ Payment needs review" in html
    # The currency is named only when it is not ours (a mismatch to see).
    assert '<td class="field-paid_display">$5.00</td>' in html

    response = admin_client.get(changelist, {"attention": "review"})
    assert [o.pk for o in response.context["cl"].result_list] == [odd.pk]

    page = admin_client.get(reverse("admin:shop_order_change", args=[odd.pk]))
    text = page.content.decode()
    assert "Paid: $5.00 USD" in text and "Order total: $32.86 USD" in text
    assert "mismatch" in text


def test_staff_accept_a_payment_under_review(
    admin_client, outcome, mailoutbox, django_capture_on_commit_callbacks
):
    from shop.handlers import order_checkout_handler

    order = order_create_from_cart(
        cart={VariantFactory(stock=5).pk: 1}, customer=checkout_data()
    )
    order_checkout_handler.needs_review(outcome(order, action="needs_review"))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:shop_order_changelist"),
            {"action": "accept_reviewed_payment", "_selected_action": [order.pk]},
            follow=True,
        )
    assert "1 order(s) accepted as paid" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    assert len(mailoutbox) == 1


def test_prices_and_promo_values_show_as_money_and_percent(admin_client):
    from shop.models import PromoCode

    VariantFactory(sku="TEE-M", price=Decimal("25"), unit_cost=Decimal("8.5"))
    PromoCode.objects.create(code="WEARBLUE10", kind="percent", value=Decimal("10"))
    PromoCode.objects.create(
        code="FIVEOFF",
        kind="fixed",
        value=Decimal("5"),
        minimum_order=Decimal("30"),
    )
    ShopSettingsFactory(sales_tax_rate=Decimal("0.0600"))
    variants = admin_client.get(reverse("admin:shop_variant_changelist"))
    assert "$25.00" in variants.content.decode()
    assert "$8.50" in variants.content.decode()
    promos = admin_client.get(reverse("admin:shop_promocode_changelist"))
    html = promos.content.decode()
    assert "10% off" in html and "$5.00 off" in html and "$30.00" in html
    assert "10.00" not in html.replace("$", "")
    settings_list = admin_client.get(reverse("admin:shop_shopsettings_changelist"))
    html = settings_list.content.decode()
    assert "6%" in html and "0.0600" not in html and "$6.00" in html
