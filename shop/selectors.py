"""
Reads that the shop's pages, the home page and the donations app share.

`shop_proceeds(*, start=None, end=None) -> Decimal` is the one function the Home
fund reads the shop through: the proceeds (goods minus their cost, postage and
payment fees; sales tax excluded) of orders paid, and not refunded, in
[start, end) by their payment time.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.http import HttpRequest
from django.utils import timezone

from shop.models import (
    Order,
    OrderLine,
    Product,
    ProductImage,
    ShopSettings,
    Variant,
)

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=12, decimal_places=2)

SORTS = {
    "featured": ("-is_featured", "name", "pk"),
    "newest": ("-created_at", "-pk"),
    "price-asc": ("min_price", "name", "pk"),
    "price-desc": ("-min_price", "name", "pk"),
}


def shop_settings(request: HttpRequest | None = None) -> ShopSettings:
    """The settings row, or its defaults when staff have not saved one yet (reading
    never writes). Cached on the request so one page asks the database once."""
    cached = getattr(request, "_shop_settings", None)
    if cached is not None:
        return cached
    row = ShopSettings.objects.order_by("pk").first() or ShopSettings()
    if request is not None:
        request._shop_settings = row
    return row


def _images() -> Prefetch:
    return Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk"))


def product_cards(*, category=None, sort: str = "featured") -> QuerySet[Product]:
    """Products on sale with at least one variant on sale, annotated with
    `min_price` ("from $x") and `stock_total` (0 means sold out); their images
    come in one more query, whatever the number of products."""
    on_sale = Q(variants__is_active=True)
    products = (
        Product.objects.active()
        .select_related("category")
        .annotate(
            min_price=Min("variants__price", filter=on_sale),
            max_price=Max("variants__price", filter=on_sale),
            stock_total=Coalesce(Sum("variants__stock", filter=on_sale), 0),
        )
        .filter(min_price__isnull=False)
        .prefetch_related(_images())
    )
    if category is not None:
        products = products.filter(category=category)
    return products.order_by(*SORTS.get(sort, SORTS["featured"]))


def featured_products(*, limit: int = 3) -> list[Product]:
    """For the home page: featured products first, newest next (two queries)."""
    products = product_cards().order_by("-is_featured", "-created_at", "-pk")
    return list(products[:limit])


def product_for_page(*, slug: str) -> Product | None:
    """A product on sale with its variants on sale and its images (three queries)."""
    return (
        Product.objects.active()
        .select_related("category")
        .prefetch_related(
            Prefetch(
                "variants",
                queryset=Variant.objects.filter(is_active=True).order_by(
                    "position", "pk"
                ),
                to_attr="variants_on_sale",
            ),
            _images(),
        )
        .filter(slug=slug)
        .first()
    )


def _as_datetime(value: date | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value, time.min))


def _sales(start=None, end=None) -> QuerySet[Order]:
    orders = Order.objects.counted_as_sales()
    start, end = _as_datetime(start), _as_datetime(end)
    if start is not None:
        orders = orders.filter(paid_at__gte=start)
    if end is not None:
        orders = orders.filter(paid_at__lt=end)
    return orders


def order_proceeds_total(orders: QuerySet[Order]) -> Decimal:
    """Proceeds of the given orders, in two aggregate queries (orders, lines) so a
    join never counts an order's amounts once per line."""
    money = orders.aggregate(
        goods=Coalesce(Sum("subtotal"), Value(ZERO), output_field=MONEY_FIELD),
        postage=Coalesce(Sum("shipping_cost"), Value(ZERO), output_field=MONEY_FIELD),
        fees=Coalesce(Sum("payment_fee"), Value(ZERO), output_field=MONEY_FIELD),
    )
    cost = OrderLine.objects.filter(order__in=orders.values("pk")).aggregate(
        cost=Coalesce(
            Sum(
                ExpressionWrapper(
                    F("unit_cost") * F("quantity"), output_field=MONEY_FIELD
                )
            ),
            Value(ZERO),
            output_field=MONEY_FIELD,
        )
    )["cost"]
    total = money["goods"] - cost - money["postage"] - money["fees"]
    return Decimal(total).quantize(Decimal("0.01"))


def shop_proceeds(
    *, start: date | datetime | None = None, end: date | datetime | None = None
) -> Decimal:
    """THE number the Home fund adds up: proceeds of paid, not refunded orders
    paid in [start, end) (either bound optional; a date means its midnight in the
    site's time zone). Tax is never proceeds."""
    return order_proceeds_total(_sales(start, end))


@dataclass(frozen=True)
class MonthSales:
    month: date
    orders: int
    goods: Decimal
    tax: Decimal
    proceeds: Decimal


def sales_by_month(
    *, start: date | datetime | None = None, end: date | datetime | None = None
) -> list[MonthSales]:
    """Paid, not refunded orders grouped by the month they were paid in (site time
    zone), oldest first: two queries whatever the number of months."""
    orders = _sales(start, end)
    by_month = (
        orders.annotate(month=TruncMonth("paid_at"))
        .values("month")
        .annotate(
            count=Sum(Value(1)),
            goods=Sum("subtotal"),
            tax=Sum("tax_amount"),
            postage=Sum("shipping_cost"),
            fees=Coalesce(Sum("payment_fee"), Value(ZERO), output_field=MONEY_FIELD),
        )
        .order_by("month")
    )
    costs = dict(
        OrderLine.objects.filter(order__in=orders.values("pk"))
        .annotate(month=TruncMonth("order__paid_at"))
        .values("month")
        .annotate(
            cost=Sum(
                ExpressionWrapper(
                    F("unit_cost") * F("quantity"), output_field=MONEY_FIELD
                )
            )
        )
        .values_list("month", "cost")
    )
    result = []
    for row in by_month:
        cost = Decimal(costs.get(row["month"]) or ZERO)
        month = row["month"]
        month = month.date() if isinstance(month, datetime) else month
        result.append(
            MonthSales(
                month=month,
                orders=row["count"],
                goods=row["goods"],
                tax=row["tax"],
                proceeds=(row["goods"] - cost - row["postage"] - row["fees"]).quantize(
                    Decimal("0.01")
                ),
            )
        )
    return result
