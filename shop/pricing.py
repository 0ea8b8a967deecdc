"""
Totals: one pure function used by the cart page, the checkout and the order, so the
buyer sees exactly what they will be charged.

Shipping is a flat rate, free when the goods reach the threshold, nothing for local
pickup. Sales tax is `rate x (goods + shipping when shipping is taxed)`, rounded half
up to the cent, by destination: local pickup (in Kentucky) and orders shipped to a
taxed state (Kentucky) pay it, orders shipped elsewhere do not. Before the address
is known (the cart) it is estimated as if taxed, and says so. It is collected for
the state and never counted as proceeds.

A tax line names the rate only where the tax applies ("Sales tax (6%)"); an
order shipped to an untaxed state shows "Sales tax", $0.00, never a rate that
was not charged (`tax_label`, the one wording for the pages and the payment page).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from core.money import ZERO, format_percent, round_money
from shop.models import Order, ShopSettings


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal  # the goods at their prices, before any promo discount
    shipping: Decimal
    tax: Decimal
    total: Decimal
    # What delivery costs the organization (postage), for proceeds; not charged.
    shipping_cost: Decimal
    free_shipping: bool
    # No address yet: the tax shown is what a taxed destination would pay.
    tax_estimated: bool = False
    discount: Decimal = ZERO  # a promo code's, off the goods
    # The sales tax rate applied (0.06 for 6%); None where no tax applies.
    tax_rate: Decimal | None = None

    @property
    def goods(self) -> Decimal:
        """What the goods cost the buyer: after the discount."""
        return self.subtotal - self.discount

    @property
    def tax_label(self) -> str:
        return tax_label(rate=self.tax_rate, estimated=self.tax_estimated)


def tax_label(*, rate: Decimal | None, estimated: bool = False) -> str:
    """The tax line: "Sales tax (6%)" where the tax applies, "Sales tax (6%,
    estimated)" before the address is known, plain "Sales tax" where none
    applies."""
    if rate is None:
        return _("Sales tax")
    percent = format_percent(Decimal(rate) * 100)
    if estimated:
        return _("Sales tax (%(percent)s, estimated)") % {"percent": percent}
    return _("Sales tax (%(percent)s)") % {"percent": percent}


def is_taxed(*, delivery_method: str, state: str | None, rates: ShopSettings) -> bool:
    """Does an order going there pay sales tax? None: not known yet (taxed, as
    an estimate)."""
    if delivery_method == Order.Delivery.PICKUP or state is None:
        return True
    return state.strip().upper() in rates.taxed_state_codes


def calculate_totals(
    *,
    subtotal: Decimal,
    delivery_method: str,
    rates: ShopSettings,
    state: str | None = None,
    discount: Decimal = ZERO,
) -> Totals:
    """`delivery_method` is an `Order.Delivery` value; `rates` the shop's
    settings; `state` where a shipped order goes (None: not known yet, and the
    tax is an estimate); `discount` a promo code's, taken off the goods before
    the free-shipping threshold and the tax."""
    if subtotal < 0:
        raise ValueError("A subtotal cannot be negative.")
    if delivery_method not in Order.Delivery.values:
        raise ValueError(f"Unknown delivery method {delivery_method!r}.")
    subtotal = round_money(subtotal)
    if not ZERO <= discount <= subtotal:
        raise ValueError("A discount must be between 0 and the goods' price.")
    goods = subtotal - discount
    free = False
    if delivery_method == Order.Delivery.PICKUP or subtotal == ZERO:
        shipping = ZERO
        shipping_cost = ZERO
    else:
        threshold = rates.free_shipping_threshold
        free = threshold is not None and goods >= threshold
        shipping = ZERO if free else round_money(rates.flat_shipping_rate)
        shipping_cost = round_money(rates.shipping_cost_per_order)
    taxable = goods + (shipping if rates.tax_shipping else ZERO)
    tax = ZERO
    rate = None
    if is_taxed(delivery_method=delivery_method, state=state, rates=rates):
        rate = Decimal(rates.sales_tax_rate)
        tax = round_money(rate * taxable)
    estimated = delivery_method == Order.Delivery.SHIP and state is None
    return Totals(
        subtotal=subtotal,
        shipping=shipping,
        tax=tax,
        total=goods + shipping + tax,
        shipping_cost=shipping_cost,
        free_shipping=free,
        tax_estimated=estimated,
        discount=discount,
        tax_rate=rate,
    )
