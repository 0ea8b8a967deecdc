"""
An order's lines: what was sold, copied at purchase time.
"""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shop.models.catalog import MONEY, Variant


class OrderLine(models.Model):
    """What was sold, copied at purchase time so later catalogue edits change
    nothing about past orders."""

    # By name: the orders module reads the lines (the cost of goods), so this
    # one does not import it.
    order = models.ForeignKey(
        "shop.Order",
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    # PROTECT: a sold variant is deactivated, never deleted, so stock can always
    # be given back to it.
    variant = models.ForeignKey(
        Variant,
        verbose_name=_("variant"),
        on_delete=models.PROTECT,
        related_name="order_lines",
    )
    product_name = models.CharField(_("product"), max_length=120)
    variant_label = models.CharField(_("variant"), max_length=80, blank=True)
    sku = models.CharField(_("SKU"), max_length=40)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    unit_cost = models.DecimalField(_("unit cost"), **MONEY)
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("order line")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="shop_orderline_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description}"

    @property
    def description(self) -> str:
        if self.variant_label:
            return f"{self.product_name} ({self.variant_label})"
        return self.product_name

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity
