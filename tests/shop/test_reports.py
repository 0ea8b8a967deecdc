"""Postage per order in the proceeds, and the sales report with its CSV files."""

import csv
import io
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from shop.models import Order
from shop.selectors import shop_proceeds
from shop.selectors.reports import sales_report
from shop.services.outcomes import order_mark_paid, order_mark_refunded
from shop.services.placing import order_create_from_cart
from tests.shop.factories import ShopSettingsFactory, VariantFactory, checkout_data

pytestmark = pytest.mark.django_db
D = Decimal
REPORT = reverse("admin:shop_order_report")


FEE = D("1.23")


def paid_on(outcome, day, cart, fee=FEE, **customer):
    order = order_create_from_cart(cart=cart, customer=checkout_data(**customer))
    order_mark_paid(order_number=order.number or "", outcome=outcome(order, fee=fee))
    moment = timezone.make_aware(datetime.combine(day, time(12)))
    Order.objects.filter(pk=order.pk).update(paid_at=moment)
    order.refresh_from_db()
    return order


def refund(outcome, order, amount):
    order_mark_refunded(
        order_number=order.number or "",
        outcome=outcome(
            order, action="refunded", amount_total=order.total, amount_refunded=amount
        ),
    )


@pytest.fixture
def sales(outcome):
    shirt = VariantFactory(product__name="Hope T-shirt", price=D("25.00"), stock=50)
    mug = VariantFactory(
        product__name="Hope mug", price=D("15.00"), unit_cost=D("5.00"), stock=50
    )
    jan = paid_on(outcome, date(2026, 1, 10), {shirt.pk: 2})
    feb = paid_on(outcome, date(2026, 2, 3), {shirt.pk: 1, mug.pk: 2}, name="=cmd")
    feb_refunded = paid_on(outcome, date(2026, 2, 20), {mug.pk: 1})
    # Refunds made at the processor: one mug of February's order ($15 + tax),
    # and all of the other February order.
    refund(outcome, feb, D("15.90"))
    refund(outcome, feb_refunded, feb_refunded.total)
    out_of_period = paid_on(outcome, date(2026, 4, 1), {mug.pk: 1})
    return {"jan": jan, "feb": feb, "refunded": feb_refunded, "april": out_of_period}


# ---------------------------------------------------------------------------
# Postage
# ---------------------------------------------------------------------------
def test_postage_starts_at_the_setting_and_pickup_costs_nothing():
    ShopSettingsFactory(shipping_cost_per_order=D("7.50"))
    variant = VariantFactory()
    shipped = order_create_from_cart(cart={variant.pk: 1}, customer=checkout_data())
    pickup = order_create_from_cart(
        cart={variant.pk: 1},
        customer=checkout_data(delivery_method="pickup", email="p@example.org"),
    )
    assert shipped.shipping_cost == D("7.50") and pickup.shipping_cost == 0


def test_staff_enter_the_real_postage_and_the_proceeds_follow(admin_client, outcome):
    order = paid_on(outcome, date(2026, 1, 5), {VariantFactory().pk: 1})
    before, fund = order.proceeds, shop_proceeds()
    url = reverse("admin:shop_order_change", args=[order.pk])
    assert 'name="shipping_cost"' in admin_client.get(url).content.decode()
    fields = {
        name: getattr(order, name)
        for name in (
            "name",
            "email",
            "phone",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "zip_code",
            "carrier",
            "tracking_number",
            "attention_note",
        )
    }
    response = admin_client.post(url, {**fields, "shipping_cost": "8.40"})
    assert response.status_code == 302, response.content.decode()[:2000]
    order.refresh_from_db()
    assert order.shipping_cost == D("8.40")
    assert order.proceeds == before - D("2.40")  # 6.00 -> 8.40
    assert shop_proceeds() == fund - D("2.40")
    refused = admin_client.post(url, {**fields, "shipping_cost": "-1.00"})
    assert refused.status_code == 200
    assert Order.objects.get(pk=order.pk).shipping_cost == D("8.40")


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------
def test_the_report_by_month_adds_up(sales):
    report = sales_report(start=date(2026, 1, 1), end=date(2026, 3, 31))
    assert [row.label for row in report.months] == ["2026-01", "2026-02"]
    jan, feb = report.months
    assert (jan.orders, jan.units) == (1, 2)
    assert (feb.orders, feb.units) == (1, 3)  # the full refund is left out
    assert feb.refunds == D("15.00")
    for row in (*report.months, report.total):
        assert row.proceeds == (
            row.revenue
            - row.discounts
            - row.cost_of_goods
            - row.postage
            - row.fees
            - row.refunds
        )
    assert report.total.proceeds == shop_proceeds(
        start=date(2026, 1, 1), end=date(2026, 4, 1)
    )
    assert report.refunded_orders == 1


def test_the_report_by_product(sales):
    report = sales_report(start=date(2026, 1, 1), end=date(2026, 3, 31))
    rows = {row.product: row for row in report.products}
    assert (rows["Hope T-shirt"].units, rows["Hope T-shirt"].revenue) == (3, D("75.00"))
    assert (rows["Hope mug"].units, rows["Hope mug"].revenue) == (2, D("30.00"))
    assert rows["Hope mug"].margin == D("20.00")


def test_the_reports_totals_equal_the_sum_of_its_csv_rows(admin_client, sales):
    params = {"start": "2026-01-01", "end": "2026-03-31"}
    response = admin_client.get(REPORT, {**params, "csv": "report"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["month"] for row in rows] == ["2026-01", "2026-02"]
    report = sales_report(start=date(2026, 1, 1), end=date(2026, 3, 31))
    for column in ("orders", "units"):
        assert sum(int(row[column]) for row in rows) == getattr(report.total, column)
    for column in (
        "revenue",
        "cost_of_goods",
        "postage",
        "fees",
        "refunds",
        "proceeds",
    ):
        assert sum(D(row[column]) for row in rows) == getattr(report.total, column)


def test_the_report_page_has_the_chart_tables_and_downloads(admin_client, sales):
    response = admin_client.get(REPORT, {"start": "2026-01-01", "end": "2026-03-31"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and 'class="chart__series-0"' in html
    assert "By month" in html and "By product" in html
    report = sales_report(start=date(2026, 1, 1), end=date(2026, 3, 31))
    assert f"${report.total.proceeds:,.2f}" in html
    assert "csv=lines" in html and "csv=orders" in html
    assert "1 order refunded in full is left out." in html


def test_dates_in_the_wrong_order_get_a_message(admin_client, sales):
    response = admin_client.get(REPORT, {"start": "2026-03-31", "end": "2026-01-01"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "The start date is after the end date" in html


def test_order_and_line_csv_for_the_period_are_formula_safe(admin_client, sales):
    params = {"start": "2026-02-01", "end": "2026-02-28"}
    orders = admin_client.get(REPORT, {**params, "csv": "orders"})
    rows = list(csv.DictReader(io.StringIO(orders.content.decode())))
    assert {row["number"] for row in rows} == {
        sales["feb"].number,
        sales["refunded"].number,
    }
    assert any(row["name"] == "'=cmd" for row in rows)
    lines = admin_client.get(REPORT, {**params, "csv": "lines"})
    rows = list(csv.DictReader(io.StringIO(lines.content.decode())))
    assert len(rows) == 3
    assert {row["product"] for row in rows} == {"Hope T-shirt", "Hope mug"}
    assert sum(D(row["line_total"]) for row in rows) == D("70.00")


def test_line_csv_of_selected_orders(admin_client, sales):
    response = admin_client.post(
        reverse("admin:shop_order_changelist"),
        {"action": "export_lines_csv", "_selected_action": [sales["jan"].pk]},
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(row["order"], row["quantity"]) for row in rows] == [
        (sales["jan"].number, "2")
    ]
