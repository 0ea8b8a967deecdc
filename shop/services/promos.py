"""
Promo codes at checkout: whether a code can be used, and how many uses it has.

A pending order holds its use (as it holds its stock) until it is paid, when
the use counts, or ends unpaid, when the use comes back. The code's row is
locked while an order takes a use (`shop.services`), so when two buyers take a
code's last use at the same moment, one gets it and the other is told.
"""

from datetime import datetime
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from core.money import format_money
from shop.errors import PromoInvalid
from shop.models import Order, PromoCode, normalize_code

# Orders whose money arrived: their uses count (the admin shows these).
PAID_STATUSES = (*Order.SALE_STATUSES, Order.Status.REFUNDED)
# Orders that hold a use: paid, or still waiting for their payment.
HOLDING_STATUSES = (*PAID_STATUSES, Order.Status.PENDING, Order.Status.NEEDS_REVIEW)


def promo_find(code: str) -> PromoCode | None:
    code = normalize_code(code)
    return PromoCode.objects.filter(code=code).first() if code else None


def promo_check(
    *,
    promo: PromoCode | None,
    subtotal: Decimal,
    now: datetime,
    email: str = "",
) -> None:
    """Raise `PromoInvalid` when `promo` cannot be used for goods worth
    `subtotal` (by `email`, when known)."""
    if promo is None or not promo.is_active:
        raise PromoInvalid(_("This promo code is not valid."))
    if promo.starts_at is not None and now < promo.starts_at:
        raise PromoInvalid(_("This promo code is not valid yet."))
    if promo.ends_at is not None and now >= promo.ends_at:
        raise PromoInvalid(_("This promo code has expired."))
    if subtotal < promo.minimum_order:
        raise PromoInvalid(
            _("This promo code needs an order of %(minimum)s or more.")
            % {"minimum": format_money(promo.minimum_order)}
        )
    holding = Order.objects.filter(promo_code=promo, status__in=HOLDING_STATUSES)
    if promo.max_uses is not None and holding.count() >= promo.max_uses:
        raise PromoInvalid(_("This promo code has been used up."))
    if email and promo.max_uses_per_email is not None:
        mine = holding.filter(Q(email__iexact=email.strip()))
        if mine.count() >= promo.max_uses_per_email:
            raise PromoInvalid(_("You have already used this promo code."))


def promo_uses(promo: PromoCode) -> int:
    """Uses that count: orders paid with the code."""
    return Order.objects.filter(promo_code=promo, status__in=PAID_STATUSES).count()
