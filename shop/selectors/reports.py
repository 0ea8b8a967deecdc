"""
The sales report staff read in the admin, and its CSV files: for a chosen
period, month by month and product by product, every figure behind the
proceeds, all from the one formula (`Order.objects.with_proceeds()`).

A month's row adds up: revenue (goods at their prices and shipping charged) -
promo discounts - cost of goods - postage - fees - refunds = proceeds. Orders
refunded in full are left out of every figure (as in the Home fund); sales tax
is the state's and never counted.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.http import HttpResponse
from django.utils import timezone

from core.money import ZERO
from core.spreadsheets import csv_response
from shop.models import MONEY_SUM, Order, OrderLine, OrderQuerySet
from shop.selectors.sales import as_datetime, as_month, cents

# A sale whose processor fee has not arrived yet (counted as 0 meanwhile).
Q_FEE_PENDING = Q(payment_fee__isnull=True)


@dataclass(frozen=True)
class ReportRow:
    label: str  # "2026-11" for a month, "Total" for the sum
    orders: int
    units: int
    revenue: Decimal  # goods at their prices + shipping charged
    discounts: Decimal  # promo codes' discounts off the goods
    cost_of_goods: Decimal
    postage: Decimal
    fees: Decimal
    refunds: Decimal  # goods and shipping refunded (tax excluded)
    proceeds: Decimal


MONEY_COLUMNS = (
    "revenue",
    "discounts",
    "cost_of_goods",
    "postage",
    "fees",
    "refunds",
    "proceeds",
)


@dataclass(frozen=True)
class ProductRow:
    product: str
    orders: int
    units: int
    revenue: Decimal  # the goods at their prices (before promo discounts)
    cost_of_goods: Decimal

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.cost_of_goods


@dataclass(frozen=True)
class SalesReport:
    start: date
    end: date  # the last day, included
    months: list[ReportRow]
    products: list[ProductRow]
    total: ReportRow
    refunded_orders: int  # refunded in full in the period: left out above
    fees_pending: int


def report_orders(*, start: date, end: date) -> OrderQuerySet:
    """Orders paid from `start` to `end` (both days included, site time zone)."""
    start_at = as_datetime(start)
    end_at = as_datetime(end + timedelta(days=1))
    return Order.objects.filter(
        paid_at__gte=start_at, paid_at__lt=end_at, paid_at__isnull=False
    )


def _units() -> Coalesce:
    units = (
        OrderLine.objects.filter(order=OuterRef("pk"))
        .order_by()
        .values("order")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Coalesce(Subquery(units, output_field=IntegerField()), Value(0))


def sales_report(*, start: date, end: date) -> SalesReport:
    """The report of sales paid from `start` to `end` (both included)."""
    if start > end:
        raise ValueError("The period starts after it ends.")
    orders = report_orders(start=start, end=end)
    sales = orders.counted_as_sales().with_proceeds()
    rows = (
        sales.annotate(month=TruncMonth("paid_at"), units=_units())
        .order_by()
        .values("month")
        .annotate(
            n=Count("pk"),
            units_sum=Sum("units"),
            revenue=Sum(F("subtotal") + F("shipping_amount"), output_field=MONEY_SUM),
            discounts=Sum("discount_amount"),
            cost=Sum("goods_cost"),
            postage=Sum("shipping_cost"),
            fees=Sum("payment_fee"),
            refunds_sum=Sum(
                F("refunded_goods") + F("refunded_shipping"), output_field=MONEY_SUM
            ),
            proceeds_sum=Sum("proceeds"),
            pending=Count("pk", filter=Q_FEE_PENDING),
        )
        .order_by("month")
    )
    months: list[ReportRow] = []
    pending = 0
    for row in rows:
        pending += row["pending"]
        months.append(
            ReportRow(
                label=as_month(row["month"]).strftime("%Y-%m"),
                orders=row["n"],
                units=row["units_sum"] or 0,
                revenue=cents(row["revenue"]),
                discounts=cents(row["discounts"]),
                cost_of_goods=cents(row["cost"]),
                postage=cents(row["postage"]),
                fees=cents(row["fees"]),
                refunds=cents(row["refunds_sum"]),
                proceeds=cents(row["proceeds_sum"]),
            )
        )
    total = ReportRow(
        label="Total",
        orders=sum(m.orders for m in months),
        units=sum(m.units for m in months),
        **{
            name: sum((getattr(m, name) for m in months), ZERO)
            for name in MONEY_COLUMNS
        },
    )
    return SalesReport(
        start=start,
        end=end,
        months=months,
        products=_products(sales),
        total=total,
        refunded_orders=orders.filter(status=Order.Status.REFUNDED).count(),
        fees_pending=pending,
    )


def _products(sales: QuerySet[Order]) -> list[ProductRow]:
    line_total = ExpressionWrapper(
        F("unit_price") * F("quantity"), output_field=MONEY_SUM
    )
    line_cost = ExpressionWrapper(
        F("unit_cost") * F("quantity"), output_field=MONEY_SUM
    )
    rows = (
        OrderLine.objects.filter(order__in=sales.values("pk"))
        .order_by()
        .values("product_name")
        .annotate(
            n=Count("order", distinct=True),
            units=Sum("quantity"),
            revenue=Sum(line_total),
            cost=Sum(line_cost),
        )
        .order_by("-revenue", "product_name")
    )
    return [
        ProductRow(
            product=row["product_name"],
            orders=row["n"],
            units=row["units"] or 0,
            revenue=cents(row["revenue"]),
            cost_of_goods=cents(row["cost"]),
        )
        for row in rows
    ]


# ---------------------------------------------------------------------------
# CSV files (formula-safe: core.spreadsheets)
# ---------------------------------------------------------------------------
REPORT_HEADER = [field.name for field in fields(ReportRow)]


def report_csv(report: SalesReport) -> HttpResponse:
    """One row per month; the report's total is the sum of these rows."""
    return csv_response(
        name=f"sales-report-{report.start:%Y%m%d}-{report.end:%Y%m%d}",
        header=["month", *REPORT_HEADER[1:]],
        rows=(_cells(row) for row in report.months),
    )


def _cells(row: ReportRow) -> Sequence[object]:
    return [getattr(row, name) for name in REPORT_HEADER]


LINES_HEADER = [
    "order",
    "paid_at",
    "status",
    "sku",
    "product",
    "variant",
    "quantity",
    "unit_price",
    "unit_cost",
    "line_total",
]


def order_lines_csv(orders: QuerySet[Order]) -> HttpResponse:
    """Every line of the given orders: what sold, at what price and cost."""
    lines = (
        OrderLine.objects.filter(order__in=orders.values("pk"))
        .select_related("order")
        .order_by("order__pk", "pk")
    )
    return csv_response(name="order-lines", header=LINES_HEADER, rows=_line_rows(lines))


def _line_rows(lines: Iterable[OrderLine]) -> Iterable[Sequence[object]]:
    for line in lines:
        order = line.order
        yield [
            order.number,
            timezone.localtime(order.paid_at).isoformat() if order.paid_at else "",
            order.status,
            line.sku,
            line.product_name,
            line.variant_label,
            line.quantity,
            line.unit_price,
            line.unit_cost,
            line.line_total,
        ]


ORDERS_HEADER = [
    "number",
    "created_at",
    "paid_at",
    "status",
    "name",
    "email",
    "delivery",
    "city",
    "state",
    "zip",
    "items",
    "goods",
    "promo_code",
    "discount",
    "shipping",
    "tax",
    "total",
    "cost_of_goods",
    "postage_cost",
    "payment_fee",
    "proceeds",
]


def orders_csv(orders: QuerySet[Order]) -> HttpResponse:
    """The given orders, one row each, with the proceeds from the one formula
    (`Order.objects.with_proceeds()`)."""
    if "proceeds" not in orders.query.annotations:
        assert isinstance(orders, OrderQuerySet)
        orders = orders.with_proceeds()
    if "_item_count" not in orders.query.annotations:
        orders = orders.annotate(_item_count=Coalesce(Sum("lines__quantity"), 0))
    rows = (
        _order_row(order)
        for order in orders.select_related("promo_code").order_by("pk")
    )
    return csv_response(name="orders", header=ORDERS_HEADER, rows=rows)


def _order_row(order: Order) -> Sequence[object]:
    return [
        order.number,
        timezone.localtime(order.created_at).isoformat(),
        timezone.localtime(order.paid_at).isoformat() if order.paid_at else "",
        order.status,
        order.name,
        order.email,
        order.delivery_method,
        order.city,
        order.state,
        order.zip_code,
        int(getattr(order, "_item_count", 0)),
        order.subtotal,
        str(order.promo_code or ""),
        order.discount_amount,
        order.shipping_amount,
        order.tax_amount,
        order.total,
        order.goods_cost,
        order.shipping_cost,
        _fee_cell(order),
        order.proceeds,
    ]


def _fee_cell(order: Order) -> str:
    if order.fee_pending:
        return "pending"
    return "" if order.payment_fee is None else str(order.payment_fee)
