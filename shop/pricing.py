"""
Totals: one pure function used by the cart page, the checkout and the order, so the
buyer sees exactly what they will be charged.

Shipping is a flat rate, free when the goods reach the threshold, nothing for local
pickup. Sales tax is `rate x (goods + shipping when shipping is taxed)`, rounded half
up to the cent; it is collected for the state and never counted as proceeds.
"""

from dataclasses import dataclass
from decimal import Decimal

from core.money import round_money
from shop.models import Order, ShopSettings

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    shipping: Decimal
    tax: Decimal
    total: Decimal
    # What delivery costs the organisation (postage), for proceeds; not charged.
    shipping_cost: Decimal
    free_shipping: bool


def calculate_totals(
    *, subtotal: Decimal, delivery_method: str, rates: ShopSettings
) -> Totals:
    """`delivery_method` is an `Order.Delivery` value; `rates` the shop's settings."""
    if subtotal < 0:
        raise ValueError("A subtotal cannot be negative.")
    if delivery_method not in Order.Delivery.values:
        raise ValueError(f"Unknown delivery method {delivery_method!r}.")
    subtotal = round_money(subtotal)
    free = False
    if delivery_method == Order.Delivery.PICKUP or subtotal == ZERO:
        shipping = ZERO
        shipping_cost = ZERO
    else:
        threshold = rates.free_shipping_threshold
        free = threshold is not None and subtotal >= threshold
        shipping = ZERO if free else round_money(rates.flat_shipping_rate)
        shipping_cost = round_money(rates.shipping_cost_per_order)
    taxable = subtotal + (shipping if rates.tax_shipping else ZERO)
    tax = round_money(Decimal(rates.sales_tax_rate) * taxable)
    return Totals(
        subtotal=subtotal,
        shipping=shipping,
        tax=tax,
        total=subtotal + shipping + tax,
        shipping_cost=shipping_cost,
        free_shipping=free,
    )
