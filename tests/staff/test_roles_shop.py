"""What each staff role may open and do in the shop's admin: the catalog and
stock are the Shop manager's, orders are packed by the Shop manager and
refunded, reported and exported by Finance; the dashboard shows each only the
tiles they may act on."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from shop.models import Order, OrderRefund, PromoCode, StockAdjustment, Variant
from tests.shop.factories import VariantFactory
from tests.staff.role_users import (
    ADMIN,
    EDITOR,
    FINANCE,
    NO_ROLE,
    SHOP,
    paid_order,
    sign_in,
    volunteer,
)

pytestmark = pytest.mark.django_db

ROLES = [EDITOR, SHOP, FINANCE, ADMIN, NO_ROLE]


@pytest.fixture
def order():
    return paid_order()


def shop_urls(order: Order) -> dict[str, str]:
    variant = order.lines.get().variant
    promo = PromoCode.objects.create(code="HOPE10", kind="percent", value=10)
    return {
        "products": reverse("admin:shop_product_changelist"),
        "product": reverse("admin:shop_product_change", args=[variant.product_id]),
        "variant": reverse("admin:shop_variant_change", args=[variant.pk]),
        "adjust stock": reverse("admin:shop_variant_adjust_stock", args=[variant.pk]),
        "categories": reverse("admin:shop_category_changelist"),
        "promo code": reverse("admin:shop_promocode_change", args=[promo.pk]),
        "orders": reverse("admin:shop_order_changelist"),
        "order": reverse("admin:shop_order_change", args=[order.pk]),
        "fulfil": reverse("admin:shop_order_fulfil", args=[order.pk]),
        "packing slips": reverse("admin:shop_order_packing_slips") + f"?ids={order.pk}",
        "refund": reverse("admin:shop_order_refund", args=[order.pk]),
        "report": reverse("admin:shop_order_report"),
        "report CSV": reverse("admin:shop_order_report") + "?csv=orders",
        "settings": reverse("admin:shop_shopsettings_changelist"),
    }


SHOP_MANAGER_PAGES = {
    "products",
    "product",
    "variant",
    "adjust stock",
    "categories",
    "promo code",
    "orders",
    "order",
    "fulfil",
    "packing slips",
    "settings",
}
FINANCE_PAGES = {"orders", "order", "refund", "report", "report CSV", "settings"}
ALL_PAGES = SHOP_MANAGER_PAGES | FINANCE_PAGES


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (EDITOR, set()),
        (SHOP, SHOP_MANAGER_PAGES),
        (FINANCE, FINANCE_PAGES),
        (ADMIN, ALL_PAGES),
        (NO_ROLE, set()),
    ],
)
def test_which_shop_pages_each_role_opens(client, order, role, allowed):
    sign_in(client, role)
    answers = {
        name: client.get(url).status_code for name, url in shop_urls(order).items()
    }
    assert answers == {name: 200 if name in allowed else 403 for name in answers}


def test_the_shop_manager_cannot_refund(client, order):
    sign_in(client, SHOP)
    response = client.post(
        reverse("admin:shop_order_refund", args=[order.pk]),
        {"scope": "whole", "reason": "asked"},
    )
    assert response.status_code == 403
    assert not OrderRefund.objects.exists()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_finance_cannot_adjust_stock_or_edit_an_order(client, order):
    sign_in(client, FINANCE)
    variant = order.lines.get().variant
    response = client.post(
        reverse("admin:shop_variant_adjust_stock", args=[variant.pk]),
        {"change": "50", "reason": "restock"},
    )
    assert response.status_code == 403
    assert Variant.objects.get(pk=variant.pk).stock == variant.stock
    assert not StockAdjustment.objects.exists()

    response = client.post(
        reverse("admin:shop_order_change", args=[order.pk]),
        {"needs_attention": "on", "attention_note": "x"},
    )
    assert response.status_code == 403
    assert not Order.objects.get(pk=order.pk).needs_attention


def changelist_actions(client) -> set[str]:
    response = client.get(reverse("admin:shop_order_changelist"))
    return {
        name
        for name, _label in response.context["action_form"].fields["action"].choices
        if name
    }


def test_each_role_is_offered_only_its_order_actions(client, django_user_model):
    sign_in(client, SHOP)
    assert changelist_actions(client) == {
        "print_packing_slips",
        "mark_packed",
        "mark_delivered",
        "mark_ready_for_pickup",
        "mark_picked_up",
        "resend_confirmation",
    }
    client.force_login(volunteer(FINANCE, "finance"))
    assert changelist_actions(client) == {
        "export_csv",
        "export_lines_csv",
        "accept_reviewed_payment",
    }


def test_an_action_a_role_is_not_offered_is_refused(client, order):
    """Posting it anyway does nothing: no CSV, no status change."""
    changelist = reverse("admin:shop_order_changelist")
    sign_in(client, SHOP)
    response = client.post(
        changelist, {"action": "export_csv", "_selected_action": [order.pk]}
    )
    assert not response.get("Content-Type", "").startswith("text/csv")
    Order.objects.filter(pk=order.pk).update(status=Order.Status.NEEDS_REVIEW)
    client.post(
        changelist,
        {"action": "accept_reviewed_payment", "_selected_action": [order.pk]},
    )
    assert Order.objects.get(pk=order.pk).status == Order.Status.NEEDS_REVIEW

    client.force_login(volunteer(FINANCE, "finance"))
    Order.objects.filter(pk=order.pk).update(status=Order.Status.PAID)
    client.post(changelist, {"action": "mark_packed", "_selected_action": [order.pk]})
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


def test_finance_exports_orders(client, order):
    sign_in(client, FINANCE)
    response = client.post(
        reverse("admin:shop_order_changelist"),
        {"action": "export_csv", "_selected_action": [order.pk]},
    )
    assert response["Content-Type"].startswith("text/csv")
    assert order.number in response.content.decode()


def test_the_order_page_shows_each_role_its_tools(client, order):
    url = reverse("admin:shop_order_change", args=[order.pk])
    fulfil = reverse("admin:shop_order_fulfil", args=[order.pk])
    refund = reverse("admin:shop_order_refund", args=[order.pk])
    slips = reverse("admin:shop_order_packing_slips")

    sign_in(client, SHOP)
    html = client.get(url).content.decode()
    assert fulfil in html and slips in html
    assert refund not in html and "field-proceeds_display" not in html
    assert "field-refunds_list" in html  # the refunds, without the button

    client.force_login(volunteer(FINANCE, "finance"))
    html = client.get(url).content.decode()
    assert refund in html and "field-proceeds_display" in html
    assert fulfil not in html and slips not in html

    client.force_login(volunteer(ADMIN, "administrator"))
    html = client.get(url).content.decode()
    assert all(link in html for link in (fulfil, refund, slips))


def test_the_stock_link_is_only_for_who_may_adjust_stock(client, django_user_model):
    variant = VariantFactory()
    adjust = reverse("admin:shop_variant_adjust_stock", args=[variant.pk])
    pages = [
        reverse("admin:shop_variant_change", args=[variant.pk]),
        reverse("admin:shop_product_change", args=[variant.product_id]),
    ]
    sign_in(client, SHOP)
    assert all(adjust in client.get(page).content.decode() for page in pages)

    clerk = django_user_model.objects.create_user("clerk", is_staff=True)
    clerk.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="shop",
            codename__in=["change_variant", "change_product", "view_variant"],
        )
    )
    client.force_login(clerk)
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200
        assert adjust not in response.content.decode()
    assert client.get(adjust).status_code == 403


def test_the_report_offers_csv_only_to_who_may_export(client, django_user_model):
    report = reverse("admin:shop_order_report")
    sign_in(client, FINANCE)
    assert "csv=report" in client.get(report).content.decode()

    reader = django_user_model.objects.create_user("reader", is_staff=True)
    reader.user_permissions.set(Permission.objects.filter(codename="view_proceeds"))
    client.force_login(reader)
    response = client.get(report)
    assert response.status_code == 200
    assert "csv=" not in response.content.decode()
    assert client.get(report, {"csv": "lines"}).status_code == 403


TILES = {
    "ship": "orders to pack and ship",
    "attention": "orders needing attention or payment review",
    "stock": "variants low on stock",
    "proceeds": "proceeds in",
}


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        (EDITOR, set()),
        (SHOP, {"ship", "attention", "stock"}),
        (FINANCE, {"attention", "proceeds"}),
        (ADMIN, {"ship", "attention", "stock", "proceeds"}),
        (NO_ROLE, set()),
    ],
)
def test_the_dashboard_shows_each_role_its_tiles(client, order, role, shown):
    sign_in(client, role)
    html = client.get(reverse("admin:index")).content.decode()
    assert ("Shop at a glance" in html) == bool(shown)
    assert {tile for tile, text in TILES.items() if text in html} == shown
    assert (reverse("admin:shop_order_report") in html) == ("proceeds" in shown)
    assert (order.number in html) == ("ship" in shown)  # the next orders to ship


def test_staff_without_a_role_cannot_delete_a_promo_code(client):
    promo = PromoCode.objects.create(code="SPRING", kind="percent", value=10)
    sign_in(client, NO_ROLE)
    url = reverse("admin:shop_promocode_delete", args=[promo.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert PromoCode.objects.filter(pk=promo.pk).exists()
    assert client.get(reverse("admin:shop_shopsettings_add")).status_code == 403
