"""
A buyer's personal details in the shop: a copy on request, erasure on request,
and erasure of unpaid orders after the retention period.

What erasure keeps, and why: an order is an accounting record. Its number,
dates, status, lines, amounts (goods, discount, shipping, sales tax, fee,
refunds) and the two-letter state it shipped to (why sales tax was or was not
charged) stay, so the shop's proceeds and the Home fund do not move. What goes
is what names or locates the person: name, email, phone, street, city, ZIP,
tracking number, staff notes about the order and notes of its history (staff
may have written the buyer's words there). Nothing is sent: an erased order's
email is an undeliverable address, and receipts already sent are not reissued.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.privacy import (
    ERASED,
    ERASED_DOMAIN,
    ERASED_SESSION_EMAIL,
    isoformat_or_none,
    normalized_email,
)
from payments.services.privacy import checkout_sessions_erase_email
from shop.errors import OrdersStillAtCheckout
from shop.models import Order, OrderEvent, OrderQuerySet

# The payments registry's key for shop checkouts (see shop.services.checkout).
ORDER_KIND = "order"

# Orders whose money never arrived, once their payment page has ended.
UNPAID_STATUSES = (
    Order.Status.EXPIRED,
    Order.Status.CANCELLED,
    Order.Status.FAILED,
)


@dataclass(frozen=True, kw_only=True)
class OrdersErased:
    found: int  # orders of this email
    erased: int  # orders this call changed
    numbers: tuple[str, ...]


def erased_email(order_pk: int) -> str:
    return f"erased-order-{order_pk}@{ERASED_DOMAIN}"


def orders_of(*, email: str) -> OrderQuerySet:
    """The orders placed with this email address (any case), oldest first."""
    return Order.objects.filter(email__iexact=normalized_email(email)).order_by(
        "created_at", "pk"
    )


def orders_export(*, email: str) -> list[dict[str, Any]]:
    """Everything the shop holds about the buyer with this email, as plain data
    (strings, numbers as strings, ISO dates) ready for JSON."""
    orders = orders_of(email=email).prefetch_related("lines", "events")
    return [_order_data(order) for order in orders]


def _order_data(order: Order) -> dict[str, Any]:
    return {
        "order_number": order.number,
        "placed": isoformat_or_none(order.created_at),
        "paid": isoformat_or_none(order.paid_at),
        "status": str(order.get_status_display()),
        "name": order.name,
        "email": order.email,
        "phone": order.phone,
        "delivery": str(order.get_delivery_method_display()),
        "address": {
            "line1": order.address_line1,
            "line2": order.address_line2,
            "city": order.city,
            "state": order.state,
            "zip_code": order.zip_code,
        },
        "items": [
            {
                "product": line.product_name,
                "variant": line.variant_label,
                "quantity": line.quantity,
                "unit_price": str(line.unit_price),
            }
            for line in order.lines.all()
        ],
        "goods": str(order.subtotal),
        "discount": str(order.discount_amount),
        "shipping": str(order.shipping_amount),
        "sales_tax": str(order.tax_amount),
        "total": str(order.total),
        "carrier": order.get_carrier_display() if order.carrier else "",
        "tracking_number": order.tracking_number,
        "history": [
            {
                "when": isoformat_or_none(event.created_at),
                "status": str(event.get_status_display()),
                "note": event.note,
            }
            for event in order.events.all()
        ],
    }


def _personal_fields_erased(order: Order) -> dict[str, str]:
    return {
        "email": erased_email(order.pk),
        "name": ERASED,
        "phone": "",
        "address_line1": ERASED if order.address_line1 else "",
        "address_line2": "",
        "city": "",
        "zip_code": "",
        "tracking_number": "",
        "attention_note": ERASED if order.attention_note else "",
    }


def order_erase(*, order: Order) -> bool:
    """Erase one order's personal details (see the module's docstring); returns
    whether anything changed. A second call changes nothing."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.email == erased_email(order.pk):
            return False
        Order.objects.filter(pk=order.pk).update(**_personal_fields_erased(order))
        OrderEvent.objects.filter(order=order).exclude(note="").update(note=ERASED)
        if order.number:
            checkout_sessions_erase_email(
                kind=ORDER_KIND,
                references=[order.number],
                placeholder=ERASED_SESSION_EMAIL,
            )
    return True


def orders_erase(*, email: str, now: datetime | None = None) -> OrdersErased:
    """Erase the personal details of every order placed with this email.

    Refuses (OrdersStillAtCheckout, nothing changed) while one of them sits on
    an open payment page. Orders already erased no longer carry the email, so
    a second call finds none and changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        orders = list(orders_of(email=email).select_for_update())
        at_checkout = [
            order.number or str(order.pk)
            for order in orders
            if order.status == Order.Status.PENDING
            and order.expires_at is not None
            and order.expires_at > now
        ]
        if at_checkout:
            raise OrdersStillAtCheckout(at_checkout)
        erased = sum(order_erase(order=order) for order in orders)
    return OrdersErased(
        found=len(orders),
        erased=erased,
        numbers=tuple(order.number or "" for order in orders),
    )


def orders_unpaid_to_forget(*, now: datetime, days: int) -> OrderQuerySet:
    """Orders whose money never arrived, started more than `days` ago, that
    still carry a buyer's details: expired, canceled or failed, and pending
    orders whose payment page ended long ago without a word (abandoned)."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError("The retention period must be a whole number of days >= 1.")
    cutoff = now - timedelta(days=days)
    abandoned = Q(status=Order.Status.PENDING) & (
        Q(expires_at__isnull=True) | Q(expires_at__lt=now)
    )
    return (
        Order.objects.filter(Q(status__in=UNPAID_STATUSES) | abandoned)
        .filter(created_at__lt=cutoff)
        .exclude(email__endswith=f"@{ERASED_DOMAIN}")
        .order_by("pk")
    )


def orders_forget_unpaid(
    *, now: datetime | None = None, days: int | None = None
) -> int:
    """Erase the buyer's details from unpaid orders older than the retention
    period (`SHOP_UNPAID_ORDER_RETENTION_DAYS`); returns how many orders this
    call erased (0 on a second run)."""
    now = now or timezone.now()
    if days is None:
        days = settings.SHOP_UNPAID_ORDER_RETENTION_DAYS
    erased = 0
    for order in orders_unpaid_to_forget(now=now, days=days):
        erased += order_erase(order=order)
    return erased
