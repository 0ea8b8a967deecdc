"""
The orders CSV that staff export from the admin: one row per order, with the
proceeds from the one formula (`Order.objects.with_proceeds()`).
"""

import csv

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils import timezone

from shop.models import Order, OrderQuerySet


def orders_csv(orders: QuerySet[Order]) -> HttpResponse:
    """The given orders as a CSV download."""
    if "proceeds" not in orders.query.annotations:
        assert isinstance(orders, OrderQuerySet)
        orders = orders.with_proceeds()
    if "_item_count" not in orders.query.annotations:
        orders = orders.annotate(_item_count=Coalesce(Sum("lines__quantity"), 0))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="orders-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
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
    )
    for order in orders.select_related("promo_code").order_by("pk"):
        writer.writerow(
            [
                order.number,
                timezone.localtime(order.created_at).isoformat(),
                timezone.localtime(order.paid_at).isoformat() if order.paid_at else "",
                order.status,
                _csv_safe(order.name),
                _csv_safe(order.email),
                order.delivery_method,
                _csv_safe(order.city),
                order.state,
                order.zip_code,
                int(getattr(order, "_item_count", 0)),
                order.subtotal,
                _csv_safe(str(order.promo_code or "")),
                order.discount_amount,
                order.shipping_amount,
                order.tax_amount,
                order.total,
                order.goods_cost,
                order.shipping_cost,
                _fee_cell(order),
                order.proceeds,
            ]
        )
    return response


def _fee_cell(order: Order) -> str:
    if order.fee_pending:
        return "pending"
    return "" if order.payment_fee is None else str(order.payment_fee)


def _csv_safe(value: str) -> str:
    """Buyer-typed text must not become a spreadsheet formula."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value
