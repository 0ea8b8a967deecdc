"""
The checkout saga, in one service: place the order (reserving its stock), open its
payment page, and clean up when that fails.

Why it is shaped like this:
- One cart has at most one pending order. Checking the same cart out again either
  reuses that order (same lines and buyer, payment page still open: the buyer
  gets the same payment page back) or replaces it (the old order is cancelled and
  its stock released, exactly once, before the new one reserves any). The
  database enforces it (`shop_order_one_pending_per_cart`), so concurrent POSTs
  from one session cannot make two.
- A hold ends only after its payment page has closed: the order holds its stock
  until a little after the page's own expiry, and closing an order (the buyer
  left, the cart was checked out again) closes its page before the stock goes
  back. A page that cannot be closed keeps its order, and its stock, pending.
- Stripe is never called inside a transaction: `order_create_from_cart` has
  committed (and released its row locks) before `checkout_open` waits on the
  network. Call `order_checkout` outside `transaction.atomic()`.
- The amount asked for is the order's total, from the database; payments refuses
  a request whose lines, shipping and tax do not add up to it.
- The buyer sees that total before the payment page: the checkout page's summary
  comes from `order_quote`, the function that prices the order, and the total
  it showed comes back with the form (`expected_total`). An order that would cost
  anything else is not placed (`TotalChanged`): the page shows the new total.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import urljoin

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import from_minor_units, to_minor_units
from payments.errors import PaymentError
from payments.registry import CHECKOUT_LIFETIME, CheckoutRequest, LineItem
from payments.services.checkout import checkout_open
from payments.services.closing import checkout_end
from shop.errors import CartHasPendingOrder
from shop.models import Order, ShopSettings
from shop.pricing import is_taxed, tax_label
from shop.services.placing import (
    HOLD_AFTER_PAGE,
    order_attach_checkout,
    order_create_from_cart,
)
from shop.services.promos import normalize_code
from shop.services.quoting import CheckoutData
from shop.services.stock import order_cancel, order_quantities

logger = logging.getLogger(__name__)

# A pending order is reused only while its payment page has at least this long
# left (the hold ends HOLD_AFTER_PAGE after the page), so a buyer who comes back
# is not sent to a page about to close.
REUSE_MIN_REMAINING = timedelta(minutes=5)
# A pending order without a payment page yet is another request opening one right
# now; after this long it was abandoned half-way (a crash) and is replaced.
OPENING_GRACE = timedelta(minutes=1)


@dataclass(frozen=True, kw_only=True)
class CheckoutStarted:
    order: Order
    redirect_url: str  # the payment page
    reused: bool  # the cart's open order was reused, not placed anew


def _pending_order(cart_id: str) -> Order | None:
    return Order.objects.filter(cart_id=cart_id, status=Order.Status.PENDING).first()


def _reusable(
    order: Order,
    cart: Mapping[int, int],
    customer: CheckoutData,
    now: datetime,
    expected_total: Decimal | None,
) -> bool:
    """The same lines and the same buyer, with the payment page open long enough,
    for the total the buyer was shown."""
    if not order.checkout_session_id:
        return False
    if expected_total is not None and order.total != expected_total:
        return False
    if order.expires_at is None:
        return False
    if order.expires_at - HOLD_AFTER_PAGE - now < REUSE_MIN_REMAINING:
        return False
    ordered = {name: getattr(order, name) for name in customer.order_fields()}
    code = order.promo_code.code if order.promo_code_id and order.promo_code else ""
    return (
        ordered == customer.order_fields()
        and code == normalize_code(customer.promo_code)
        and order_quantities(order) == dict(cart)
    )


def checkout_lines(order: Order) -> tuple[LineItem, ...]:
    """The order's lines for the payment page. A promo discount is spread over
    the items, cent by cent, so that the lines add up to exactly the goods the
    buyer pays (the processor takes no negative line, and payments refuses a
    request whose lines do not add up to its total)."""
    lines = list(order.lines.all())
    discount = to_minor_units(order.discount_amount)
    subtotal = to_minor_units(order.subtotal)
    # Each line's share, largest remainders first, in cents.
    shares = [discount * to_minor_units(line.line_total) // subtotal for line in lines]
    left = discount - sum(shares)
    by_remainder = sorted(
        range(len(lines)),
        key=lambda i: -((discount * to_minor_units(lines[i].line_total)) % subtotal),
    )
    for i in by_remainder[:left]:
        shares[i] += 1
    items: list[LineItem] = []
    for line, share in zip(lines, shares, strict=True):
        description = " ".join(filter(None, [line.variant_label, line.sku]))
        if share and order.promo_code_id:
            description = " ".join(
                [description, _("(with code %(code)s)") % {"code": order.promo_code}]
            ).strip()
        price = to_minor_units(line.unit_price)
        # q units share `share` cents: r of them one cent more than the others.
        each, extra = divmod(share, line.quantity)
        groups = [(price - each - 1, extra), (price - each, line.quantity - extra)]
        for cents, quantity in groups:
            if quantity:
                items.append(
                    LineItem(
                        name=line.product_name,
                        description=description,
                        unit_amount=from_minor_units(cents),
                        quantity=quantity,
                    )
                )
    return tuple(items)


def _tax_label(order: Order, rates: ShopSettings) -> str:
    """The rate is named only where the order pays the tax."""
    taxed = is_taxed(
        delivery_method=order.delivery_method, state=order.state, rates=rates
    )
    return tax_label(rate=rates.sales_tax_rate if taxed else None)


def _checkout_request(
    order: Order, *, rates: ShopSettings, site_root: str
) -> CheckoutRequest:
    success = urljoin(site_root, reverse("shop:checkout-success"))
    cancel = urljoin(
        site_root, reverse("shop:checkout-cancel", kwargs={"token": order.token})
    )
    return CheckoutRequest(
        kind="order",
        reference=order.number or "",
        line_items=checkout_lines(order),
        customer_email=order.email,
        success_url=success + "?session_id={CHECKOUT_SESSION_ID}",
        cancel_url=cancel,
        total=order.total,
        shipping_amount=order.shipping_amount,
        shipping_label=str(order.get_delivery_method_display()),
        tax_amount=order.tax_amount,
        tax_label=_tax_label(order, rates),
        expires_in=CHECKOUT_LIFETIME,
    )


def order_checkout(
    *,
    cart_id: str,
    cart: Mapping[int, int],
    customer: CheckoutData,
    rates: ShopSettings,
    site_root: str,
    holder_key: str = "",
    now: datetime | None = None,
    expected_total: Decimal | None = None,
) -> CheckoutStarted:
    """Check a cart out: its one pending order (reused, replaced or placed) and the
    payment page to send the buyer to.

    `site_root` is the site's absolute root URL (the payment page sends the buyer
    back there); `holder_key` names the buyer's address for the caps on what one
    buyer may hold (`shop.cart.holder_key`); `expected_total` the total the buyer
    was shown (see `order_create_from_cart`). Raises `CheckoutError` (the cart
    cannot be bought as it is, one of those caps is reached, its total is not
    the one shown: `TotalChanged`, or the same cart is being checked out right
    now: `CartHasPendingOrder`) or
    `PaymentError` (the payment page could not be opened; the order is then
    cancelled and its stock given back); both are safe to show to the buyer.
    """
    if not cart_id:
        raise ValueError("A checkout needs the cart's id.")
    now = now or timezone.now()
    order = _pending_order(cart_id)
    reused = order is not None and _reusable(order, cart, customer, now, expected_total)
    if order is not None and not reused:
        if not order.checkout_session_id and now - order.created_at < OPENING_GRACE:
            raise CartHasPendingOrder(
                _("Your order is already being placed. Please wait a moment.")
            )
        if order_abandon(order=order):
            logger.info("Order %s replaced by a new checkout of its cart.", order)
        elif order.status == Order.Status.PENDING:
            raise CartHasPendingOrder(
                _(
                    "Your earlier payment page is still open and could not be "
                    "closed just now. Please try again in a minute."
                )
            )
    if order is None or not reused:
        order = order_create_from_cart(
            cart=cart,
            customer=customer,
            rates=rates,
            cart_id=cart_id,
            holder_key=holder_key,
            now=now,
            expected_total=expected_total,
        )

    try:
        redirect = checkout_open(
            _checkout_request(order, rates=rates, site_root=site_root)
        )
    except PaymentError:
        order_cancel(order=order)
        raise
    order_attach_checkout(
        order=order,
        session_id=redirect.session_id,
        page_expires_at=redirect.expires_at,
    )
    return CheckoutStarted(order=order, redirect_url=redirect.url, reused=reused)


def order_abandon(*, order: Order) -> bool:
    """The buyer left the payment page (the cancel link), or a new checkout of
    the cart replaces the order: close its payment page, so it can no longer be
    paid, then cancel it (its stock back, exactly once). A page that could not
    be closed (Stripe out of reach), or that was just paid, leaves the order
    pending: `shop_expire_orders` tries again later. Returns whether this call
    cancelled the order. Outside any transaction: closing may wait on Stripe."""
    if not checkout_end(session_id=order.checkout_session_id):
        logger.warning(
            "Order %s stays pending: its payment page %s is not closed.",
            order.number,
            order.checkout_session_id,
        )
        order.refresh_from_db(fields=["status"])
        return False
    return order_cancel(order=order)
