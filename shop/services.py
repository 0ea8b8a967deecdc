"""
Every write the shop makes: placing an order (and reserving its stock), fulfilling
it when the payment arrives, giving stock back when a checkout ends unpaid, refunds.

Why it is shaped like this:
- Prices and costs are read from the database inside the transaction that reserves
  the stock, never from the browser.
- Stock is reserved with a guarded UPDATE (`stock >= q`) per variant, in ascending
  primary-key order (one lock order for every transaction, so two buyers can never
  deadlock); on PostgreSQL the rows are also locked first with SELECT ... FOR UPDATE.
  A row that is not updated means someone else took the last units: the whole
  transaction rolls back and the buyer is told what sold out.
- Stripe is never called from inside these transactions (the view calls payments
  after `order_create_from_cart` has committed).
- Fulfilment is idempotent: a guarded status change (pending -> paid) decides who
  sends the confirmation email, so the webhook and the success page may both call
  `order_mark_paid` and the buyer still gets one email. The email goes after the
  commit, and a failed send never undoes the payment.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.cart import MAX_QUANTITY
from shop.models import Order, OrderLine, ShopSettings, Variant
from shop.pricing import PICKUP, SHIP, calculate_totals
from shop.selectors import shop_settings

if TYPE_CHECKING:  # payments is imported for its types only
    from payments.registry import CheckoutOutcome

logger = logging.getLogger(__name__)

# How long a pending order holds its stock. Longer than the checkout session
# (30 minutes) so a payment made in the session's last minute still finds its
# stock; `shop_expire_orders` releases what is left after that.
CHECKOUT_SESSION_LIFETIME = timedelta(minutes=30)
ORDER_HOLD = timedelta(minutes=45)


# ---------------------------------------------------------------------------
# Errors a buyer can be shown
# ---------------------------------------------------------------------------
class CheckoutError(Exception):
    """A checkout the shop refuses; str() is safe to show to the buyer, and
    `variant_id` / `item` name the offending cart line when there is one."""

    def __init__(self, message: str, *, variant_id: int | None = None, item: str = ""):
        super().__init__(message)
        self.variant_id = variant_id
        self.item = item


class EmptyCart(CheckoutError):
    pass


class VariantUnavailable(CheckoutError):
    pass


class InvalidQuantity(CheckoutError):
    pass


class SoldOut(CheckoutError):
    pass


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


# ---------------------------------------------------------------------------
# Placing an order
# ---------------------------------------------------------------------------
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
    now: datetime | None = None,
) -> Order:
    """A pending order for the cart's lines, with their stock reserved, or an
    exception (and no change at all) when the cart cannot be bought as it is."""
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
    if customer.delivery_method not in (SHIP, PICKUP):
        raise CheckoutError(_("Choose how you want to receive your order."))
    rates = rates or shop_settings()
    now = now or timezone.now()
    ids = sorted(quantities)  # the one lock order

    with transaction.atomic():
        # On PostgreSQL: lock the variant rows, in pk order, before anything else.
        # (SQLite ignores FOR UPDATE; its IMMEDIATE transactions queue writers.)
        variants = {
            variant.pk: variant
            for variant in Variant.objects.select_for_update(of=("self",))
            .select_related("product")
            .filter(pk__in=ids)
            .order_by("pk")
        }
        subtotal = Decimal("0.00")
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
            subtotal += variant.price * quantity

        totals = calculate_totals(
            subtotal=subtotal, delivery_method=customer.delivery_method, rates=rates
        )
        shipping = customer.delivery_method == SHIP
        order = Order.objects.create(
            email=customer.email,
            name=customer.name,
            phone=customer.phone,
            delivery_method=customer.delivery_method,
            address_line1=customer.address_line1 if shipping else "",
            address_line2=customer.address_line2 if shipping else "",
            city=customer.city if shipping else "",
            state=customer.state if shipping else "",
            zip_code=customer.zip_code if shipping else "",
            subtotal=totals.subtotal,
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
            reserved = Variant.objects.filter(
                pk=variant_id, is_active=True, stock__gte=quantities[variant_id]
            ).update(stock=F("stock") - quantities[variant_id])
            if not reserved:
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


def order_attach_checkout(*, order: Order, session_id: str) -> Order:
    """Remember the payment session of a pending order (once)."""
    with transaction.atomic():
        Order.objects.filter(pk=order.pk, checkout_session_id="").update(
            checkout_session_id=session_id
        )
    order.refresh_from_db(fields=["checkout_session_id"])
    return order


# ---------------------------------------------------------------------------
# Ending a checkout without payment: stock goes back exactly once
# ---------------------------------------------------------------------------
def _return_stock(order: Order) -> None:
    per_variant: dict[int, int] = {}
    for variant_id, quantity in order.lines.values_list("variant_id", "quantity"):
        per_variant[variant_id] = per_variant.get(variant_id, 0) + quantity
    for variant_id in sorted(per_variant):
        Variant.objects.filter(pk=variant_id).update(
            stock=F("stock") + per_variant[variant_id]
        )


def order_release_stock(*, order: Order, status: str) -> bool:
    """Move a pending order to expired / failed / cancelled and give its stock
    back. The guarded update (still pending, never released) makes a second call,
    or a racing one, a no-op. Returns whether this call released the stock."""
    if status not in Order.RELEASED_STATUSES:
        raise ValueError(f"{status!r} does not release stock.")
    with transaction.atomic():
        released = Order.objects.filter(
            pk=order.pk, status=Order.Status.PENDING, stock_released_at__isnull=True
        ).update(status=status, stock_released_at=timezone.now())
        if released:
            _return_stock(order)
    order.refresh_from_db(fields=["status", "stock_released_at"])
    return bool(released)


def order_cancel(*, order: Order) -> bool:
    """The buyer left the payment page, or the payment could not start."""
    return order_release_stock(order=order, status=Order.Status.CANCELLED)


def order_mark_expired(*, order_number: str) -> bool:
    order = Order.objects.get(number=order_number)
    return order_release_stock(order=order, status=Order.Status.EXPIRED)


def order_mark_failed(*, order_number: str) -> bool:
    order = Order.objects.get(number=order_number)
    return order_release_stock(order=order, status=Order.Status.FAILED)


def orders_expire_stale(*, now: datetime | None = None) -> int:
    """Expire pending orders past their hold (abandoned payment pages), giving
    their stock back; returns how many this call expired."""
    now = now or timezone.now()
    expired = 0
    stale = Order.objects.filter(
        status=Order.Status.PENDING, expires_at__lt=now
    ).order_by("pk")
    for order in stale:
        expired += order_release_stock(order=order, status=Order.Status.EXPIRED)
    return expired


# ---------------------------------------------------------------------------
# Fulfilment
# ---------------------------------------------------------------------------
def _flag(order: Order, note: str) -> None:
    """Log and mark the order for staff (admin filter "needs attention"); the
    caller holds the order's row lock, so appending the note is safe."""
    logger.error("Order %s needs attention: %s", order.number, note)
    current = Order.objects.values_list("attention_note", flat=True).get(pk=order.pk)
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    Order.objects.filter(pk=order.pk).update(
        needs_attention=True,
        attention_note=(current + "\n" if current else "") + f"[{stamp}] {note}",
    )


def _reserve_again(order: Order) -> bool:
    """Take stock again for an order that had released it; all lines or none."""
    per_variant: dict[int, int] = {}
    for variant_id, quantity in order.lines.values_list("variant_id", "quantity"):
        per_variant[variant_id] = per_variant.get(variant_id, 0) + quantity
    ids = sorted(per_variant)
    try:
        with transaction.atomic():
            list(Variant.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
            for variant_id in ids:
                if not Variant.objects.filter(
                    pk=variant_id, stock__gte=per_variant[variant_id]
                ).update(stock=F("stock") - per_variant[variant_id]):
                    raise SoldOut("", variant_id=variant_id)
    except SoldOut:
        return False
    return True


def order_mark_paid(*, order_number: str, outcome: "CheckoutOutcome") -> Order:
    """The payment for an order arrived (webhook, success page or local gateway).

    Idempotent: only the call that moves the order from pending to paid records
    the payment and queues the confirmation email. A payment for an order whose
    checkout had already ended (its stock given back) is accepted only if all its
    stock can be taken again; otherwise the order is flagged for staff (the buyer
    paid for something we no longer have: refund or restock, never oversell).
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(number=order_number)
        now = timezone.now()
        payment = {
            "status": Order.Status.PAID,
            "paid_at": now,
            "payment_intent_id": outcome.payment_intent_id or order.payment_intent_id,
            "payment_fee": order.payment_fee if outcome.fee is None else outcome.fee,
            "checkout_session_id": order.checkout_session_id or outcome.session_id,
        }
        if order.status in (*Order.SALE_STATUSES, Order.Status.REFUNDED):
            # A repeated outcome: only fill in what the first one did not know.
            missing = {}
            if not order.payment_intent_id and outcome.payment_intent_id:
                missing["payment_intent_id"] = outcome.payment_intent_id
            if order.payment_fee is None and outcome.fee is not None:
                missing["payment_fee"] = outcome.fee
            if missing:
                Order.objects.filter(pk=order.pk).update(**missing)
                order.refresh_from_db()
            return order

        if order.status == Order.Status.PENDING:
            changed = Order.objects.filter(
                pk=order.pk, status=Order.Status.PENDING
            ).update(**payment)
        elif order.stock_released_at is not None and _reserve_again(order):
            changed = Order.objects.filter(pk=order.pk, status=order.status).update(
                stock_released_at=None, **payment
            )
            logger.warning(
                "Order %s was paid after it had %s; its stock was reserved again.",
                order.number,
                order.status,
            )
        else:
            _flag(
                order,
                f"Paid (session {outcome.session_id}) after the checkout had "
                f"{order.status}, and the stock is no longer there: refund the "
                "buyer or restock and mark the order paid by hand.",
            )
            order.refresh_from_db()
            return order

        if changed:
            if outcome.amount_total is not None and outcome.amount_total != order.total:
                _flag(
                    order,
                    f"Paid {outcome.amount_total} but the order's total is "
                    f"{order.total}.",
                )
            order_id = order.pk
            transaction.on_commit(
                lambda: order_send_confirmation(order_id=order_id), robust=True
            )
    order.refresh_from_db()
    return order


def order_mark_refunded(*, order_number: str, outcome: "CheckoutOutcome") -> Order:
    """A full refund: the order leaves the sales (and the Home fund). Stock is not
    put back automatically: staff restock what actually comes back."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(number=order_number)
        changed = Order.objects.filter(
            pk=order.pk, status__in=Order.SALE_STATUSES
        ).update(status=Order.Status.REFUNDED)
        if not changed and order.status != Order.Status.REFUNDED:
            _flag(order, f"A refund arrived while the order was {order.status}.")
    order.refresh_from_db()
    return order


# ---------------------------------------------------------------------------
# The confirmation email
# ---------------------------------------------------------------------------
def site_url(path: str) -> str:
    """An absolute URL for emails, which have no request to build one from:
    settings.SITE_URL when set, else the first allowed host."""
    base = getattr(settings, "SITE_URL", "")
    if not base:
        host = next(
            (h.lstrip(".") for h in settings.ALLOWED_HOSTS if h and h != "*"),
            "localhost",
        )
        scheme = "https" if getattr(settings, "HTTPS", False) else "http"
        base = f"{scheme}://{host}"
    return base.rstrip("/") + path


def order_send_confirmation(*, order_id: int) -> bool:
    """Send the confirmation email once. Runs after the payment's transaction has
    committed; a failure is logged and leaves `confirmation_sent_at` empty so staff
    can see (and resend) it in the admin; the order stays paid."""
    order = Order.objects.prefetch_related("lines").get(pk=order_id)
    if order.confirmation_sent_at is not None or not order.is_paid:
        return False
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "status_url": site_url(order.get_absolute_url()),
        "pickup_instructions": shop_settings().pickup_instructions,
    }
    try:
        message = EmailMultiAlternatives(
            subject=_("Your Redeeming Hope order %(number)s")
            % {"number": order.number},
            body=render_to_string("emails/order_confirmation.txt", context),
            to=[order.email],
        )
        message.attach_alternative(
            render_to_string("emails/order_confirmation.html", context), "text/html"
        )
        message.send()
    except Exception:
        logger.exception("Could not send the confirmation of order %s", order.number)
        return False
    Order.objects.filter(pk=order.pk, confirmation_sent_at__isnull=True).update(
        confirmation_sent_at=timezone.now()
    )
    return True
