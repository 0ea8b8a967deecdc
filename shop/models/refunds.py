"""
Refunds of orders: each one recorded once, with the lines it covers.
"""

from django.db import models
from django.db.models import (
    Q,
)
from django.utils.translation import gettext_lazy as _

from core.money import ZERO
from shop.models.catalog import MONEY, staff_member_field, unique_when_set
from shop.models.lines import OrderLine
from shop.models.orders import Order


class OrderRefund(models.Model):
    """Money given back for an order, once per refund: made by staff from the
    admin (with the lines and quantities it covers) or at the payment processor
    (`charge.refunded`). `cumulative_amount` is what the payment has refunded in
    all once this refund is counted, as the processor reports it: a refund is
    recorded exactly once by it (and by the processor's refund id)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being made")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")

    class Source(models.TextChoices):
        STAFF = "staff", _("Staff, from the admin")
        PROCESSOR = "processor", _("At the payment processor")

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="refunds"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    source = models.CharField(_("made"), max_length=10, choices=Source.choices)
    # amount = goods_amount + shipping_amount + tax_amount (the services see to
    # it: SQLite compares decimal sums as floats, so no database check).
    amount = models.DecimalField(_("amount"), **MONEY)
    goods_amount = models.DecimalField(_("goods"), **MONEY, default=ZERO)
    shipping_amount = models.DecimalField(_("shipping"), **MONEY, default=ZERO)
    tax_amount = models.DecimalField(_("sales tax"), **MONEY, default=ZERO)
    cumulative_amount = models.DecimalField(_("refunded in all"), **MONEY)
    # Some of its lines went back in stock (each line says which).
    restock = models.BooleanField(_("put back in stock"), default=False)
    restocked_cost = models.DecimalField(
        _("cost of goods put back"), **MONEY, default=ZERO
    )
    gateway_refund_id = models.CharField(
        _("processor refund id"), max_length=255, blank=True
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = staff_member_field()
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    email_sent_at = models.DateTimeField(_("email sent"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("order refund")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0)
                & Q(goods_amount__gte=0)
                & Q(shipping_amount__gte=0)
                & Q(tax_amount__gte=0)
                & Q(restocked_cost__gte=0),
                name="shop_orderrefund_amounts_positive",
            ),
            # The same refund, reported twice, is recorded once.
            models.UniqueConstraint(
                fields=["order", "cumulative_amount"],
                condition=~Q(status="failed"),
                name="shop_orderrefund_once_per_cumulative_amount",
            ),
            unique_when_set(
                "gateway_refund_id", name="shop_orderrefund_unique_gateway_id"
            ),
            unique_when_set(
                "idempotency_key", name="shop_orderrefund_unique_idempotency_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}: {self.amount} ({self.get_status_display()})"


class OrderRefundLine(models.Model):
    """How many of one order line a staff refund covers, and whether they went
    back in stock (staff choose it line by line: only what came back)."""

    refund = models.ForeignKey(
        OrderRefund,
        verbose_name=_("refund"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    line = models.ForeignKey(
        OrderLine,
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        related_name="refund_lines",
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    restock = models.BooleanField(_("put back in stock"), default=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("refunded line")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="shop_orderrefundline_quantity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.line.description}"
