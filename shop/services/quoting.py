"""
What an order costs: the buyer's checkout details (`CheckoutData`) and
`order_quote`, the one computation behind the checkout page's summary and the
order that is placed (`shop.services.placing`), so the total the buyer sees
before paying is the total charged. Promo codes are checked here (with the
code's row locked when the order is placed).
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from core.money import format_money
from payments.registry import MINIMUM_CHARGE
from shop.errors import InvalidPromoCode, PromoInvalid
from shop.models import Order, PromoCode, ShopSettings, Variant
from shop.pricing import Totals, calculate_totals
from shop.services.promos import normalize_code, promo_check


@dataclass(frozen=True)
class CheckoutData:
    """What the buyer typed in the checkout form, already validated."""

    email: str
    name: str
    delivery_method: str
    phone: str = ""
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""
    promo_code: str = ""  # as the buyer typed it in the cart ("" for none)

    def order_fields(self) -> dict[str, str]:
        """What an order stores of it: no address for a local pickup (the
        promo code is stored as the code itself, see `order_create_from_cart`)."""
        fields = asdict(self)
        del fields["promo_code"]
        if self.delivery_method != Order.Delivery.SHIP:
            for name in ADDRESS_FIELDS:
                fields[name] = ""
        return fields


ADDRESS_FIELDS = ("address_line1", "address_line2", "city", "state", "zip_code")


@dataclass(frozen=True)
class Quote:
    """What a cart costs a buyer, as the order placed now would charge it."""

    totals: Totals
    promo: PromoCode | None

    @property
    def payable(self) -> bool:
        return self.totals.total >= MINIMUM_CHARGE

    def below_minimum_message(self) -> str:
        message = _(
            "This order comes to %(total)s, and the smallest card payment we can "
            "take is %(minimum)s."
        ) % {
            "total": format_money(self.totals.total),
            "minimum": format_money(MINIMUM_CHARGE),
        }
        if self.promo is not None:
            return " ".join(
                [message, _("Add an item, choose shipping, or remove the promo code.")]
            )
        return " ".join([message, _("Add an item, or choose shipping.")])


def order_quote(
    *,
    lines: Iterable[tuple[Variant, int]],
    customer: CheckoutData,
    rates: ShopSettings,
    now: datetime,
    lock_promo: bool = False,
) -> Quote:
    """The totals of an order of `lines` (variants read from the database, and
    how many of each) for `customer`: the one computation behind the checkout
    page's summary and the order that is placed, so the total the buyer sees
    before paying is the total charged. A shipped order's tax follows its state
    (an estimate while there is none). `InvalidPromoCode` when the cart's code
    cannot be used; `lock_promo` locks the code's row (when placing the order).
    """
    lines = list(lines)
    subtotal = sum(
        (variant.price * quantity for variant, quantity in lines), Decimal("0.00")
    )
    units = sum(quantity for _variant, quantity in lines)
    promo, discount = _promo_discount(
        customer, subtotal, units=units, now=now, lock=lock_promo
    )
    totals = calculate_totals(
        subtotal=subtotal,
        delivery_method=customer.delivery_method,
        rates=rates,
        state=customer.state or None,
        discount=discount,
    )
    return Quote(totals=totals, promo=promo)


def _promo_discount(
    customer: CheckoutData,
    subtotal: Decimal,
    *,
    units: int,
    now: datetime,
    lock: bool,
) -> tuple[PromoCode | None, Decimal]:
    """The buyer's promo code and its discount; with `lock`, checked with the
    code's row locked (so its last use goes to one buyer only).
    `InvalidPromoCode` when it cannot be used."""
    code = normalize_code(customer.promo_code)
    if not code:
        return None, Decimal("0.00")
    codes = PromoCode.objects.select_for_update() if lock else PromoCode.objects
    promo = codes.filter(code=code).first()
    try:
        promo_check(promo=promo, subtotal=subtotal, now=now, email=customer.email)
    except PromoInvalid as error:
        raise InvalidPromoCode(str(error)) from None
    assert promo is not None
    return promo, promo.discount_for(subtotal, units=units)
