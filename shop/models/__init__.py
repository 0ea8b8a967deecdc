"""
The shop's records: a catalogue (categories, products, variants that carry price,
cost and stock), the shipping and tax settings staff edit, and orders whose lines
snapshot what was sold.

Writes live in `shop.services` (one module per job); here are fields,
constraints and reads that repeat.
"""

from shop.models.catalog import (
    MONEY,
    MONEY_SUM,
    Category,
    Product,
    ProductImage,
    ProductQuerySet,
    ShopSettings,
    StockAdjustment,
    Variant,
    VariantQuerySet,
)
from shop.models.events import OrderEvent
from shop.models.lines import OrderLine
from shop.models.orders import ANNOTATIONS, Order, OrderQuerySet, new_order_token
from shop.models.promos import PromoCode, normalize_code
from shop.models.refunds import OrderRefund, OrderRefundLine

__all__ = [
    "ANNOTATIONS",
    "MONEY",
    "MONEY_SUM",
    "Category",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OrderQuerySet",
    "OrderRefund",
    "OrderRefundLine",
    "Product",
    "ProductImage",
    "ProductQuerySet",
    "PromoCode",
    "ShopSettings",
    "StockAdjustment",
    "Variant",
    "VariantQuerySet",
    "new_order_token",
    "normalize_code",
]
