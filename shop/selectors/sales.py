"""
Totals of the proceeds formula over many orders: the Home fund's store proceeds
and the monthly sales behind them (read through `shop.selectors`).

`Order.objects.with_proceeds()` writes the formula once, per order, with a
subquery per part (lines, refunds) for each order. Summed over a year of
orders, the database would run those subqueries for every order, several times
each. The formula is a sum, so its total is the sum of its parts, each part
summed over its own table in one pass:

    proceeds of the sales = sum over the orders of (goods paid + shipping
                              charged - postage - payment fee)
                          - sum over their lines of (unit cost x quantity)
                          - sum over their refunds that went through of
                              (goods + shipping refunded - cost put back in stock)

which is `with_proceeds()`'s `proceeds` added up (tests/shop/test_proceeds.py
holds them to the same cent). An order that is not a sale has no proceeds.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from core.money import ZERO
from shop.models import MONEY_SUM, Order, OrderLine, OrderQuerySet, OrderRefund

# One line's cost of goods, one refund's share of the proceeds.
LINE_COST = ExpressionWrapper(F("unit_cost") * F("quantity"), output_field=MONEY_SUM)
REFUND_TAKES = ExpressionWrapper(
    F("goods_amount") + F("shipping_amount") - F("restocked_cost"),
    output_field=MONEY_SUM,
)


def as_datetime(value: date | datetime | None) -> datetime | None:
    """A day as the moment it starts (local time); a moment as it is."""
    if value is None or isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value, time.min))


def cents(value: Decimal | None) -> Decimal:
    """A sum rounded to the cent (none: $0.00)."""
    return Decimal(value or ZERO).quantize(Decimal("0.01"))


def _sum_of(expression: ExpressionWrapper) -> Func:
    """SUM(expression) over a whole subquery's rows, without a GROUP BY."""
    return Func(expression, function="SUM", output_field=MONEY_SUM)


def order_proceeds_total(orders: OrderQuerySet) -> Decimal:
    """Proceeds of the given orders (`Order.objects.with_proceeds()` summed), in
    one query whatever their number, reading each table once."""
    sales = orders.filter(status__in=Order.SALE_STATUSES).order_by()
    ids = sales.values("pk")
    line_cost = (
        OrderLine.objects.filter(order__in=ids)
        .order_by()
        .annotate(total=_sum_of(LINE_COST))
        .values("total")
    )
    refunds = (
        OrderRefund.objects.filter(status=OrderRefund.Status.SUCCEEDED, order__in=ids)
        .order_by()
        .annotate(total=_sum_of(REFUND_TAKES))
        .values("total")
    )
    paid = (
        F("subtotal")
        - F("discount_amount")
        + F("shipping_amount")
        - F("shipping_cost")
        - Coalesce(F("payment_fee"), Value(ZERO))
    )
    total = sales.aggregate(
        total=ExpressionWrapper(
            Coalesce(Sum(paid, output_field=MONEY_SUM), Value(ZERO))
            - Coalesce(Subquery(line_cost, output_field=MONEY_SUM), Value(ZERO))
            - Coalesce(Subquery(refunds, output_field=MONEY_SUM), Value(ZERO)),
            output_field=MONEY_SUM,
        )
    )["total"]
    return cents(total)


@dataclass(frozen=True)
class MonthSales:
    """One month of the store's sales and every figure behind its proceeds."""

    month: date
    orders: int
    goods: (
        Decimal  # what buyers paid for the goods (after promo discounts), less refunds
    )
    tax: Decimal  # collected for the state (less refunds): never proceeds
    proceeds: Decimal
    fees_pending: int = 0  # sales whose payment fee has not arrived yet
    shipping: Decimal = ZERO  # shipping charged, less what was refunded
    cost_of_goods: Decimal = ZERO  # less the cost of items put back in stock
    postage: Decimal = ZERO  # what shipping cost us
    fees: Decimal = ZERO  # the payment processor's fees known so far
    refunded_orders: int = 0  # refunded in full: left out of every figure above
    # Refunded, tax excluded: what the orders refunded in full had paid, plus
    # the partial refunds already taken off `goods` and `shipping` above.
    refunded: Decimal = ZERO


def monthly_sales(
    sales: OrderQuerySet, refunded_in_full: OrderQuerySet
) -> list[MonthSales]:
    """The given sales (paid, not fully refunded orders) grouped by the month
    they were paid in (site time zone), oldest first, with the given orders
    refunded in full beside them by the month they had been paid in: three
    queries whatever the number of months. Each row adds up: goods + shipping
    - cost_of_goods - postage - fees = proceeds, partial refunds being taken
    off goods and shipping (and their sales tax off tax)."""
    lines = (
        OrderLine.objects.filter(order=OuterRef("pk"))
        .order_by()
        .annotate(total=_sum_of(LINE_COST))
        .values("total")
    )
    rows = (
        sales.annotate(month=TruncMonth("paid_at"))
        .order_by()
        .values("month")
        .annotate(
            count=Count("pk"),
            goods_sum=Sum(F("subtotal") - F("discount_amount"), output_field=MONEY_SUM),
            tax_sum=Sum("tax_amount"),
            shipping_sum=Sum("shipping_amount"),
            cost_sum=Sum(Subquery(lines, output_field=MONEY_SUM)),
            postage_sum=Sum("shipping_cost"),
            fees_sum=Sum("payment_fee"),
            pending=Count("pk", filter=Q(payment_fee__isnull=True)),
        )
        .order_by("month")
    )
    refunded_parts: dict[date, dict[str, Any]] = {
        as_month(row["month"]): dict(row)
        for row in OrderRefund.objects.filter(
            status=OrderRefund.Status.SUCCEEDED, order__in=sales.values("pk")
        )
        .annotate(month=TruncMonth("order__paid_at"))
        .order_by()
        .values("month")
        .annotate(
            goods=Sum("goods_amount"),
            shipping=Sum("shipping_amount"),
            tax=Sum("tax_amount"),
            restocked=Sum("restocked_cost"),
        )
    }
    refunds = _by_month(refunded_in_full)
    months: dict[date, MonthSales] = {}
    for row in rows:
        month = as_month(row["month"])
        parts = refunded_parts.get(month, {})
        refunded_goods = cents(parts.get("goods"))
        refunded_shipping = cents(parts.get("shipping"))
        goods = cents(row["goods_sum"]) - refunded_goods
        shipping = cents(row["shipping_sum"]) - refunded_shipping
        cost_of_goods = cents(row["cost_sum"]) - cents(parts.get("restocked"))
        postage, fees = cents(row["postage_sum"]), cents(row["fees_sum"])
        refunded = refunds.pop(month, (0, ZERO))
        months[month] = MonthSales(
            month=month,
            orders=row["count"],
            goods=goods,
            tax=cents(row["tax_sum"]) - cents(parts.get("tax")),
            proceeds=goods + shipping - cost_of_goods - postage - fees,
            fees_pending=row["pending"],
            shipping=shipping,
            cost_of_goods=cost_of_goods,
            postage=postage,
            fees=fees,
            refunded_orders=refunded[0],
            refunded=refunded[1] + refunded_goods + refunded_shipping,
        )
    for month, (count, amount) in refunds.items():  # months of refunds only
        months[month] = MonthSales(
            month=month,
            orders=0,
            goods=ZERO,
            tax=ZERO,
            proceeds=ZERO,
            refunded_orders=count,
            refunded=amount,
        )
    return [months[month] for month in sorted(months)]


def as_month(value: date | datetime) -> date:
    """A month from the database (a date, or a moment on some backends)."""
    return value.date() if isinstance(value, datetime) else value


def _by_month(orders: OrderQuerySet) -> dict[date, tuple[int, Decimal]]:
    """How many orders, and what they had paid (tax excluded), by the month
    they were paid in."""
    rows = (
        orders.annotate(month=TruncMonth("paid_at"))
        .order_by()
        .values("month")
        .annotate(
            count=Count("pk"),
            amount=Sum(
                F("subtotal") - F("discount_amount") + F("shipping_amount"),
                output_field=MONEY_SUM,
            ),
        )
    )
    return {
        as_month(row["month"]): (row["count"], cents(row["amount"])) for row in rows
    }
