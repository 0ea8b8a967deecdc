"""
Stock tools for staff: adjustments with a reason (restock, damaged, count
correction) kept as each variant's history, and a warning to staff when a
variant falls to or below its low-stock threshold (through an adjustment or a
sale).

Stock never goes below zero, even when staff and buyers change it at the same
moment: every decrease is one guarded UPDATE (`stock >= n`) on the locked row,
the same rule the checkout reserves stock with (`shop.services`).
"""

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.emails import email_send_templated
from core.links import absolute_url
from core.pagecache import invalidate_public_pages_on_commit
from core.tasks import EmailNotSent, email_task, enqueue_on_commit
from payments.services.closing import checkout_end
from shop.errors import StockRefused
from shop.models import Order, OrderLine, OrderRefund, StockAdjustment, Variant
from shop.services.actors import staff_member

logger = logging.getLogger(__name__)


def order_quantities(order: Order) -> dict[int, int]:
    """How many of each variant an order has: its lines grouped by variant."""
    quantities: dict[int, int] = {}
    for variant_id, quantity in order.lines.values_list("variant_id", "quantity"):
        quantities[variant_id] = quantities.get(variant_id, 0) + quantity
    return quantities


def return_stock(order: Order) -> None:
    """Give an order's stock back (its checkout ended unpaid)."""
    quantities = order_quantities(order)
    for variant_id in sorted(quantities):
        Variant.objects.filter(pk=variant_id).update(
            stock=F("stock") + quantities[variant_id]
        )


def refund_restock(refund: OrderRefund) -> None:
    """Put back in stock the lines of a completed refund that staff marked as
    come back."""
    restocked = refund.lines.filter(restock=True).values_list("line", "quantity")
    for line_id, quantity in restocked:
        variant_id = OrderLine.objects.values_list("variant", flat=True).get(pk=line_id)
        Variant.objects.filter(pk=variant_id).update(stock=F("stock") + quantity)


def stock_reserve(variant: Variant, quantity: int) -> bool:
    """Take `quantity` of a variant on sale for an order being placed (its row
    locked by the caller, `variant.stock` read under that lock): one guarded
    UPDATE, so stock never goes below zero. False when there are too few (the
    caller's transaction must then roll back); staff are warned when this sale
    takes the variant to its low-stock threshold."""
    reserved = Variant.objects.filter(
        pk=variant.pk, is_active=True, stock__gte=quantity
    ).update(stock=F("stock") - quantity)
    if reserved:
        warn_if_low(variant, before=variant.stock, after=variant.stock - quantity)
    return bool(reserved)


def stock_take_again(quantities: dict[int, int]) -> bool:
    """Take again stock an order had given back (a late payment): the variants
    locked in pk order, as a checkout takes them. False when one has too few;
    the caller's transaction must then roll back what was taken."""
    ids = sorted(quantities)
    list(Variant.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    return all(
        Variant.objects.filter(pk=variant_id, stock__gte=quantities[variant_id]).update(
            stock=F("stock") - quantities[variant_id]
        )
        for variant_id in ids
    )


def variant_adjust_stock(
    *, variant: Variant, change: int, reason: str, note: str = "", by: Any = None
) -> StockAdjustment:
    """Add (restock) or take away (damaged, count correction) stock, with the
    reason kept as history. Refuses (`StockRefused`, nothing changed) a change
    of 0, an unknown reason, or one that would take the stock below zero."""
    if isinstance(change, bool) or not isinstance(change, int) or change == 0:
        raise StockRefused(_("Enter how many more (10) or fewer (-2) there are."))
    if reason not in StockAdjustment.Reason.values:
        raise StockRefused(_("Choose the reason for the change."))
    with transaction.atomic():
        locked = Variant.objects.select_for_update().get(pk=variant.pk)
        before = locked.stock
        if not Variant.objects.filter(pk=variant.pk, stock__gte=-change).update(
            stock=F("stock") + change
        ):
            raise StockRefused(
                _("Only %(stock)s of %(item)s in stock: it cannot go below zero.")
                % {"stock": before, "item": locked}
            )
        after = Variant.objects.values_list("stock", flat=True).get(pk=variant.pk)
        adjustment = StockAdjustment.objects.create(
            variant=locked,
            change=change,
            stock_after=after,
            reason=reason,
            note=note.strip()[:200],
            created_by=staff_member(by),
        )
        warn_if_low(locked, before=before, after=after)
    variant.refresh_from_db(fields=["stock"])
    return adjustment


def warn_if_low(variant: Variant, *, before: int, after: int) -> None:
    """Queue the staff warning when this change took a variant on sale to or
    below its threshold (once per crossing, not on every later sale)."""
    threshold = variant.low_stock_threshold
    if variant.is_active and before > threshold >= after:
        enqueue_on_commit(send_low_stock_warning, variant_ids=[variant.pk])


def variant_send_low_stock(
    *, variant_ids: Iterable[int], raise_on_failure: bool = False
) -> bool:
    """Tell staff (settings.SHOP_STAFF_EMAILS) which variants are low. A failure
    is logged; the dashboard and the "low" filter show them anyway."""
    recipients = list(getattr(settings, "SHOP_STAFF_EMAILS", []))
    variants = list(
        Variant.objects.filter(pk__in=list(variant_ids)).select_related("product")
    )
    if not recipients or not variants:
        return False
    context: dict[str, object] = {
        "variants": variants,
        "admin_url": absolute_url(
            reverse("admin:shop_variant_changelist") + "?stock=low"
        ),
    }
    try:
        email_send_templated(
            template="stock_low",
            subject=_("Low stock: %(item)s") % {"item": variants[0]}
            if len(variants) == 1
            else _("Low stock: %(count)s items") % {"count": len(variants)},
            to=recipients,
            context=context,
        )
    except Exception as error:
        logger.exception("Could not warn staff of low stock (%s)", variants)
        if raise_on_failure:
            raise EmailNotSent(str(variants)) from error
        return False
    return True


@email_task
def send_low_stock_warning(variant_ids: list[int]) -> bool:
    return variant_send_low_stock(variant_ids=variant_ids, raise_on_failure=True)


# ---------------------------------------------------------------------------
# Ending a checkout without payment: stock goes back exactly once
# ---------------------------------------------------------------------------
def order_release_stock(*, order: Order, status: str) -> bool:
    """Move a pending order to expired / failed / cancelled and give its stock
    back. The guarded update (still pending, never released) makes a second call,
    or a racing one, a no-op. Returns whether this call released the stock."""
    if status not in Order.RELEASED_STATUSES:
        raise ValueError(f"{status!r} does not release stock.")
    with transaction.atomic():
        released = Order.objects.filter(
            pk=order.pk, status=Order.Status.PENDING, stock_released_at__isnull=True
        ).update(status=status, stock_released_at=timezone.now(), holder_key="")
        if released:
            return_stock(order)
            # Stock changed with update(), which sends no signal (shop.signals).
            invalidate_public_pages_on_commit()
    order.refresh_from_db(fields=["status", "stock_released_at"])
    return bool(released)


def order_cancel(*, order: Order) -> bool:
    """The buyer left the payment page, or the payment could not start."""
    return order_release_stock(order=order, status=Order.Status.CANCELLED)


def orders_expire_stale(*, now: datetime | None = None) -> int:
    """Expire pending orders past their hold (abandoned payment pages), giving
    their stock back; returns how many this call expired. Each order's payment
    page is closed first (Stripe is asked to expire it, if it has not already),
    and an order whose page could not be closed, or has just been paid, keeps
    its stock until a later run: a payment must never arrive for stock given
    to someone else. Orders whose payment needs review keep their stock: staff
    decide. Outside any transaction: closing may wait on Stripe."""
    now = now or timezone.now()
    expired = 0
    stale = Order.objects.filter(
        status=Order.Status.PENDING, expires_at__lt=now
    ).order_by("pk")
    for order in stale:
        if not checkout_end(session_id=order.checkout_session_id):
            logger.warning(
                "Order %s keeps its stock: its payment page %s is not closed.",
                order.number,
                order.checkout_session_id,
            )
            continue
        expired += order_release_stock(order=order, status=Order.Status.EXPIRED)
    return expired
