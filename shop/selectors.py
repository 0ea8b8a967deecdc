"""
Reads that the shop's pages, the home page and the donations app share.

`shop_proceeds(*, start=None, end=None) -> Decimal` is the one function the Home
fund reads the shop through: the proceeds (`Order.objects.with_proceeds()`: goods
minus their cost, plus shipping charged minus postage, minus payment fees, minus
refunds; sales tax excluded) of orders paid, and not refunded in full, in
[start, end) by their payment time.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Count, F, Max, Min, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.http import HttpRequest
from django.utils import timezone

from shop.models import (
    MONEY_SUM,
    ZERO,
    Category,
    Order,
    OrderQuerySet,
    Product,
    ProductImage,
    ShopSettings,
    Variant,
)

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
    if isinstance(cached, ShopSettings):
        return cached
    row = ShopSettings.objects.order_by("pk").first() or ShopSettings()
    if request is not None:
        request._shop_settings = row  # type: ignore[attr-defined]
    return row


def _images() -> Prefetch:
    return Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk"))


def product_cards(
    *, category: Category | None = None, sort: str = "featured"
) -> QuerySet[Product]:
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


def _sales(
    start: date | datetime | None = None, end: date | datetime | None = None
) -> OrderQuerySet:
    orders = Order.objects.counted_as_sales()
    start_at, end_at = _as_datetime(start), _as_datetime(end)
    if start_at is not None:
        orders = orders.filter(paid_at__gte=start_at)
    if end_at is not None:
        orders = orders.filter(paid_at__lt=end_at)
    return orders


def _cents(value: Decimal | None) -> Decimal:
    return Decimal(value or ZERO).quantize(Decimal("0.01"))


def order_proceeds_total(orders: OrderQuerySet) -> Decimal:
    """Proceeds of the given orders (`Order.objects.with_proceeds()`), in one
    query whatever their number."""
    total = orders.with_proceeds().aggregate(
        total=Coalesce(Sum("proceeds"), Value(ZERO), output_field=MONEY_SUM)
    )["total"]
    return _cents(total)


def shop_proceeds(
    *, start: date | datetime | None = None, end: date | datetime | None = None
) -> Decimal:
    """THE number the Home fund adds up: proceeds of paid, not refunded orders
    paid in [start, end) (either bound optional; a date means its midnight in the
    site's time zone). Tax is never proceeds; a fee still pending counts as 0
    until it arrives (see `shop_fees_pending`)."""
    return order_proceeds_total(_sales(start, end))


def shop_fees_pending(
    *, start: date | datetime | None = None, end: date | datetime | None = None
) -> int:
    """How many of those sales still wait for their payment fee: their proceeds
    will drop a little when it arrives."""
    return _sales(start, end).filter(payment_fee__isnull=True).count()


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


def sales_by_month(
    *, start: date | datetime | None = None, end: date | datetime | None = None
) -> list[MonthSales]:
    """Paid, not fully refunded orders grouped by the month they were paid in
    (site time zone), oldest first, with the refunds of each month beside them:
    two queries whatever the number of months. Each row adds up: goods +
    shipping - cost_of_goods - postage - fees = proceeds, partial refunds being
    taken off goods and shipping (and their sales tax off tax)."""
    rows = (
        _sales(start, end)
        .with_proceeds()
        .annotate(month=TruncMonth("paid_at"))
        .order_by()
        .values("month")
        .annotate(
            count=Count("pk"),
            goods_sum=Sum(
                F("subtotal") - F("discount_amount") - F("refunded_goods"),
                output_field=MONEY_SUM,
            ),
            tax_sum=Sum(F("tax_amount") - F("refunded_tax"), output_field=MONEY_SUM),
            shipping_sum=Sum(
                F("shipping_amount") - F("refunded_shipping"), output_field=MONEY_SUM
            ),
            partly_refunded=Sum(
                F("refunded_goods") + F("refunded_shipping"), output_field=MONEY_SUM
            ),
            cost_sum=Sum("goods_cost"),
            postage_sum=Sum("shipping_cost"),
            fees_sum=Sum("payment_fee"),
            proceeds_sum=Sum("proceeds"),
            pending=Count("pk", filter=Q(payment_fee__isnull=True)),
        )
        .order_by("month")
    )
    refunds = _refunds_by_month(start, end)
    months: dict[date, MonthSales] = {}
    for row in rows:
        month = _as_month(row["month"])
        refunded = refunds.pop(month, (0, ZERO))
        months[month] = MonthSales(
            month=month,
            orders=row["count"],
            goods=_cents(row["goods_sum"]),
            tax=_cents(row["tax_sum"]),
            proceeds=_cents(row["proceeds_sum"]),
            fees_pending=row["pending"],
            shipping=_cents(row["shipping_sum"]),
            cost_of_goods=_cents(row["cost_sum"]),
            postage=_cents(row["postage_sum"]),
            fees=_cents(row["fees_sum"]),
            refunded_orders=refunded[0],
            refunded=refunded[1] + _cents(row["partly_refunded"]),
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


def _as_month(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _refunds_by_month(
    start: date | datetime | None, end: date | datetime | None
) -> dict[date, tuple[int, Decimal]]:
    """Orders refunded in full, by the month they had been paid in."""
    orders = Order.objects.filter(status=Order.Status.REFUNDED, paid_at__isnull=False)
    start_at, end_at = _as_datetime(start), _as_datetime(end)
    if start_at is not None:
        orders = orders.filter(paid_at__gte=start_at)
    if end_at is not None:
        orders = orders.filter(paid_at__lt=end_at)
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
        _as_month(row["month"]): (row["count"], _cents(row["amount"])) for row in rows
    }


# ---------------------------------------------------------------------------
# The admin's dashboard
# ---------------------------------------------------------------------------
# Orders waiting for a volunteer: to pack or ship, or to hand over.
TO_SHIP = (Order.Status.PAID, Order.Status.PACKED)
TO_HAND_OVER = (Order.Status.PAID, Order.Status.READY_FOR_PICKUP)


@dataclass(frozen=True)
class Dashboard:
    to_ship: list[Order]
    to_ship_count: int
    to_hand_over_count: int
    attention_count: int  # flagged for a person, or a payment to review
    low_stock: list[Variant]
    low_stock_count: int
    month_start: date
    month_proceeds: Decimal
    month_fees_pending: int


def shop_dashboard(*, limit: int = 8, today: date | None = None) -> Dashboard:
    """What the admin's first page shows: the work waiting and this month's
    proceeds (the Home fund's formula), in a handful of queries."""
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    to_ship = Order.objects.filter(
        delivery_method=Order.Delivery.SHIP, status__in=TO_SHIP
    ).order_by("paid_at", "pk")
    hand_over = Order.objects.filter(
        delivery_method=Order.Delivery.PICKUP, status__in=TO_HAND_OVER
    )
    attention = Order.objects.filter(
        Q(needs_attention=True) | Q(status=Order.Status.NEEDS_REVIEW)
    )
    low = Variant.objects.low_stock().select_related("product").order_by("stock", "pk")
    return Dashboard(
        to_ship=list(to_ship[:limit]),
        to_ship_count=to_ship.count(),
        to_hand_over_count=hand_over.count(),
        attention_count=attention.count(),
        low_stock=list(low[:limit]),
        low_stock_count=low.count(),
        month_start=month_start,
        month_proceeds=shop_proceeds(start=month_start),
        month_fees_pending=shop_fees_pending(start=month_start),
    )
