"""
Placing an order from the cart (its stock reserved, its total from
`shop.services.quoting`), and holding it while its payment page is open.

Why it is shaped like this:
- Prices and costs are read from the database inside the transaction that reserves
  the stock, never from the browser.
- Stock is reserved with a guarded UPDATE (`stock >= q`) per variant, in ascending
  primary-key order (one lock order for every transaction, so two buyers can never
  deadlock); on PostgreSQL the rows are also locked first with SELECT ... FOR UPDATE.
  A row that is not updated means someone else took the last units: the whole
  transaction rolls back and the buyer is told what sold out.
- Stripe is never called from inside these transactions (`shop.services.checkout` calls
  payments after `order_create_from_cart` has committed).
- A cart has at most one pending order, enforced by a conditional unique
  constraint, so one visitor cannot hold the shop's stock with many orders.
- One buyer cannot hold the shop's stock with many carts either: what the
  orders placed from one address hold unpaid is capped (ShopSettings: items per
  order, items held at once, share of one item's stock). A visitor without
  cookies gets a new cart with every request, but not a new address. The
  address is kept only as a keyed hash (`Order.holder_key`), and its orders are
  counted under a lock of their own (PostgreSQL), so simultaneous checkouts
  from one address cannot pass the cap together.
- A hold ends only after the payment page has closed: the page closes by
  itself at its `expires_at` (Stripe allows no less than 30 minutes), the hold
  `HOLD_AFTER_PAGE` later, and `orders_expire_stale` closes the page (asks
  Stripe to expire it) before it gives the stock back. A payment can then no
  longer arrive for stock that was given to someone else.

What an order costs is in `shop.services.quoting`; what happens when the payment
arrives in `shop.services.outcomes`; the checkout (order, payment page, clean-up)
in `shop.services.checkout`.
"""

import logging
import zlib
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import format_money
from payments.registry import CHECKOUT_LIFETIME
from shop.cart import MAX_QUANTITY
from shop.errors import (
    CartHasPendingOrder,
    CheckoutError,
    EmptyCart,
    HoldLimitReached,
    InvalidQuantity,
    OrderBelowMinimum,
    SoldOut,
    TotalChanged,
    VariantUnavailable,
)
from shop.models import Order, OrderLine, ShopSettings, Variant
from shop.selectors import shop_settings
from shop.services.quoting import CheckoutData, order_quote
from shop.services.stock import stock_reserve

logger = logging.getLogger(__name__)

# A pending order holds its stock until this long after its payment page closes
# by itself (`order_attach_checkout` sets it from the page's own expiry): the
# page always closes first, with room for the clocks of the two sides and for
# Stripe's own expiry to land. `shop_expire_orders` releases what is left then.
HOLD_AFTER_PAGE = timedelta(minutes=2)
# The hold placed with the order, before its page opens: the page's shortest
# life (payments adds a minute to Stripe's 30) and the margin, a little over.
ORDER_HOLD = CHECKOUT_LIFETIME + timedelta(minutes=1) + HOLD_AFTER_PAGE
# A lock number of the shop's own (PostgreSQL advisory locks take two ints):
# the orders of one holder are counted and placed under it, one at a time.
_HOLDER_LOCK = 0x5348  # "SH"


def order_number_for(*, pk: int, created_at: datetime) -> str:
    """RH-2026-000042: derived from the row's primary key (unique by
    construction, never max+1) and readable over the phone."""
    return f"RH-{timezone.localtime(created_at).year}-{pk:06d}"


def _describe(variant: Variant) -> str:
    return str(variant)


def order_create_from_cart(
    *,
    cart: Mapping[int, int],
    customer: CheckoutData,
    rates: ShopSettings | None = None,
    cart_id: str = "",
    holder_key: str = "",
    now: datetime | None = None,
    expected_total: Decimal | None = None,
) -> Order:
    """A pending order for the cart's lines, with their stock reserved, or an
    exception (and no change at all) when the cart cannot be bought as it is.

    `cart_id` names the buyer's cart; while an order of that cart is pending,
    another raises `CartHasPendingOrder` (the database refuses the second one even
    when both checkouts run at the same moment). `holder_key` names the address
    an order placed on the site comes from (`shop.cart.holder_key`): the size of
    such an order, and what its address holds unpaid, are capped
    (`HoldLimitReached`). Orders placed by staff or scripts have none.
    `expected_total`: the total the buyer was shown; an order that would cost
    anything else raises `TotalChanged`. An order below the card processor's
    minimum raises `OrderBelowMinimum`."""
    quantities: dict[int, int] = {}
    for raw_id, quantity in dict(cart).items():
        try:
            variant_id = int(raw_id)
        except (TypeError, ValueError):
            raise VariantUnavailable(
                _("An item in your cart is no longer available.")
            ) from None
        if (
            isinstance(quantity, bool)
            or not isinstance(quantity, int)
            or not 1 <= quantity <= MAX_QUANTITY
        ):
            raise InvalidQuantity(
                _("Choose a quantity from 1 to %(max)s.") % {"max": MAX_QUANTITY},
                variant_id=variant_id,
            )
        quantities[variant_id] = quantity
    if not quantities:
        raise EmptyCart(_("Your cart is empty."))
    if customer.delivery_method not in Order.Delivery.values:
        raise CheckoutError(_("Choose how you want to receive your order."))
    rates = rates or shop_settings()
    now = now or timezone.now()
    if holder_key and sum(quantities.values()) > rates.max_items_per_order:
        raise HoldLimitReached(order_size_message(most=rates.max_items_per_order))

    try:
        return _place(
            quantities, customer, rates, cart_id, holder_key, now, expected_total
        )
    except IntegrityError:
        if cart_id and _pending_order_exists(cart_id):
            raise CartHasPendingOrder(
                _("Your order is already being placed. Please wait a moment.")
            ) from None
        raise


def _pending_order_exists(cart_id: str) -> bool:
    return Order.objects.filter(cart_id=cart_id, status=Order.Status.PENDING).exists()


def order_size_message(*, most: int, in_cart: int = 0) -> str:
    """What a buyer is told when one order would have more than `most` items
    (at checkout, or already when adding to a cart that has `in_cart`)."""
    if in_cart:
        limit = _(
            "You can buy up to %(max)s items in one order, and your cart has %(n)s."
        ) % {"max": most, "n": in_cart}
    else:
        limit = _("You can buy up to %(max)s items in one order.") % {"max": most}
    bulk = _(
        "For a larger order, please write to us at %(email)s: we will gladly help."
    ) % {"email": settings.ORGANIZATION_EMAIL}
    return f"{limit} {bulk}"


def _lock_holder(holder_key: str) -> None:
    """Take the holder's lock until the transaction ends, before any row lock
    (one lock order). PostgreSQL only: SQLite runs one writer at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [_HOLDER_LOCK, zlib.crc32(holder_key.encode()) & 0x7FFFFFFF],
            )


def _held_by(holder_key: str) -> dict[int, int]:
    """Units per variant in the holder's orders that wait for payment."""
    rows = (
        OrderLine.objects.filter(
            order__holder_key=holder_key, order__status=Order.Status.PENDING
        )
        .order_by()
        .values_list("variant_id")
        .annotate(units=Sum("quantity"))
    )
    return {variant_id: units for variant_id, units in rows}


def _check_holder_caps(
    quantities: Mapping[int, int],
    variants: Mapping[int, Variant],
    holder_key: str,
    rates: ShopSettings,
) -> None:
    """`HoldLimitReached` when this order would take its holder past the items
    they may hold at once, or past their share of one variant's stock (counted
    on what is in stock plus what they hold: at least one can always be
    bought). Call it with the holder's lock and the variants' rows locked."""
    held = _held_by(holder_key)
    already = sum(held.values())
    if already + sum(quantities.values()) > rates.max_items_held_per_address:
        raise HoldLimitReached(
            _(
                "You can hold up to %(max)s items at once while you pay, and "
                "orders from your internet connection already hold %(held)s that "
                "are not paid yet. Please complete or cancel those payments "
                "first, or try again within the hour. For a larger order, write "
                "to us at %(email)s."
            )
            % {
                "max": rates.max_items_held_per_address,
                "held": already,
                "email": settings.ORGANIZATION_EMAIL,
            }
        )
    for variant_id in sorted(quantities):
        variant = variants[variant_id]
        mine = held.get(variant_id, 0)
        share = (variant.stock + mine) * rates.max_share_held_per_address // 100
        most = max(1, share)
        if mine + quantities[variant_id] > most:
            item = _describe(variant)
            raise HoldLimitReached(
                _(
                    "You can buy up to %(max)s of %(item)s at once. For more, "
                    "please write to us at %(email)s."
                )
                % {"max": most, "item": item, "email": settings.ORGANIZATION_EMAIL},
                variant_id=variant_id,
                item=item,
            )


def _place(
    quantities: dict[int, int],
    customer: CheckoutData,
    rates: ShopSettings,
    cart_id: str,
    holder_key: str,
    now: datetime,
    expected_total: Decimal | None,
) -> Order:
    ids = sorted(quantities)  # the one lock order
    with transaction.atomic():
        if holder_key:
            _lock_holder(holder_key)
        # On PostgreSQL: lock the variant rows, in pk order, before anything else.
        # (SQLite ignores FOR UPDATE; its IMMEDIATE transactions queue writers.)
        variants = {
            variant.pk: variant
            for variant in Variant.objects.select_for_update(of=("self",))
            .select_related("product")
            .filter(pk__in=ids)
            .order_by("pk")
        }
        for variant_id in ids:
            variant = variants.get(variant_id)
            quantity = quantities[variant_id]
            if variant is None:
                raise VariantUnavailable(
                    _("An item in your cart is no longer available."),
                    variant_id=variant_id,
                )
            item = _describe(variant)
            if not (variant.is_active and variant.product.is_active):
                raise VariantUnavailable(
                    _("%(item)s is no longer available.") % {"item": item},
                    variant_id=variant_id,
                    item=item,
                )
            if variant.stock < quantity:
                raise _sold_out(variant, quantity)
        if holder_key:
            _check_holder_caps(quantities, variants, holder_key, rates)

        quote = order_quote(
            lines=[(variants[i], quantities[i]) for i in ids],
            customer=customer,
            rates=rates,
            now=now,
            lock_promo=True,
        )
        totals, promo = quote.totals, quote.promo
        if expected_total is not None and totals.total != expected_total:
            raise TotalChanged(
                _("Your total is now %(total)s. Check it before you pay.")
                % {"total": format_money(totals.total)}
            )
        if not quote.payable:
            raise OrderBelowMinimum(quote.below_minimum_message())
        order = Order.objects.create(
            **customer.order_fields(),
            cart_id=cart_id,
            holder_key=holder_key,
            subtotal=totals.subtotal,
            discount_amount=totals.discount,
            promo_code=promo,
            shipping_amount=totals.shipping,
            tax_amount=totals.tax,
            total=totals.total,
            shipping_cost=totals.shipping_cost,
            expires_at=now + ORDER_HOLD,
        )
        order.number = order_number_for(pk=order.pk, created_at=order.created_at)
        Order.objects.filter(pk=order.pk).update(number=order.number)

        OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                variant=variants[variant_id],
                product_name=variants[variant_id].product.name,
                variant_label=variants[variant_id].label,
                sku=variants[variant_id].sku,
                unit_price=variants[variant_id].price,
                unit_cost=variants[variant_id].unit_cost,
                quantity=quantities[variant_id],
            )
            for variant_id in ids
        )
        for variant_id in ids:
            if not stock_reserve(variants[variant_id], quantities[variant_id]):
                raise _sold_out(variants[variant_id], quantities[variant_id])
    return order


def _sold_out(variant: Variant, quantity: int) -> SoldOut:
    item = _describe(variant)
    if variant.stock <= 0:
        message = _("Sorry, %(item)s has just sold out.") % {"item": item}
    else:
        message = _(
            "Sorry, only %(stock)s of %(item)s left: you asked for %(quantity)s."
        ) % {"stock": variant.stock, "item": item, "quantity": quantity}
    return SoldOut(message, variant_id=variant.pk, item=item)


def order_attach_checkout(
    *, order: Order, session_id: str, page_expires_at: datetime | None = None
) -> Order:
    """Remember the payment session of a pending order, and hold its stock until
    `HOLD_AFTER_PAGE` after the page closes by itself (`page_expires_at`), so the
    page always closes first. A pending order's session changes only when
    payments had to open a new one (the old one can no longer be paid); an
    order that has moved on keeps the one it had."""
    with transaction.atomic():
        pending = Order.objects.filter(pk=order.pk, status=Order.Status.PENDING)
        pending.exclude(checkout_session_id=session_id).update(
            checkout_session_id=session_id
        )
        if page_expires_at is not None:
            pending.filter(checkout_session_id=session_id).update(
                expires_at=page_expires_at + HOLD_AFTER_PAGE
            )
    order.refresh_from_db(fields=["checkout_session_id", "expires_at"])
    return order
