"""The shop's list and product pages and the home page's highlights are cached
(core.pagecache), and so is the Home fund's bar, which store proceeds feed. A
change to the catalog, to stock or to an order drops the cached copies.

Orders: creating one reserves stock; a payment, refund or staff step records an
OrderEvent (or OrderRefund, StockAdjustment), so these rows' signals cover the
changes services make with `QuerySet.update()`. Releasing stock of an order
that was never paid calls the invalidation itself (shop.services)."""

from core.pagecache import invalidate_on_change
from shop.models import (
    Category,
    Order,
    OrderEvent,
    OrderRefund,
    Product,
    ProductImage,
    ShopSettings,
    StockAdjustment,
    Variant,
)


def connect() -> None:
    invalidate_on_change(
        Category,
        Product,
        ProductImage,
        Variant,
        ShopSettings,
        StockAdjustment,
        Order,
        OrderEvent,
        OrderRefund,
    )
