"""
Reads that the shop's pages, the home page and the donations app share.

`shop_proceeds(*, start=None, end=None) -> Decimal` is the one function the Home
fund reads the shop through: the proceeds (`Order.objects.with_proceeds()`: goods
minus their cost, plus shipping charged minus postage, minus payment fees, minus
refunds; sales tax excluded) of orders paid, and not refunded in full, in
[start, end) by their payment time, summed part by part (shop.selectors.sales).
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Max, Min, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone

from shop.models import (
    Category,
    Order,
    OrderQuerySet,
    Product,
    ProductImage,
    ShopSettings,
    Variant,
)
from shop.selectors.sales import (
    MonthSales,
    as_datetime,
    monthly_sales,
    order_proceeds_total,
)

__all__ = ["MonthSales", "order_proceeds_total"]  # read through this module

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


def _sales(
    start: date | datetime | None = None, end: date | datetime | None = None
) -> OrderQuerySet:
    return _paid_between(Order.objects.counted_as_sales(), start, end)


def _paid_between(
    orders: OrderQuerySet,
    start: date | datetime | None = None,
    end: date | datetime | None = None,
) -> OrderQuerySet:
    start_at, end_at = as_datetime(start), as_datetime(end)
    if start_at is not None:
        orders = orders.filter(paid_at__gte=start_at)
    if end_at is not None:
        orders = orders.filter(paid_at__lt=end_at)
    return orders


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


def sales_by_month(
    *, start: date | datetime | None = None, end: date | datetime | None = None
) -> list[MonthSales]:
    """Paid, not fully refunded orders grouped by the month they were paid in
    (site time zone), oldest first, with the orders refunded in full of each
    month beside them (shop.selectors.sales.monthly_sales)."""
    refunded = _paid_between(
        Order.objects.filter(status=Order.Status.REFUNDED, paid_at__isnull=False),
        start,
        end,
    )
    return monthly_sales(_sales(start, end), refunded)


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
