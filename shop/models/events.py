"""
An order's history: one event per step in its life, shown to staff and (without
who took it) to the buyer.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from shop.models.catalog import staff_member_field
from shop.models.orders import Order


class OrderEvent(models.Model):
    """One step in an order's life (paid, packed, shipped...): who took it, when,
    and a note. The buyer's status page shows the same history (without who)."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="events"
    )
    status = models.CharField(_("status"), max_length=20, choices=Order.Status.choices)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    created_by = staff_member_field()
    note = models.TextField(
        _("note"), blank=True, help_text=_("Shown to the buyer on their order page.")
    )
    # An email this step sends (shipped, ready for pickup, new order to staff)
    # could not be sent: the step stands, and staff see it here.
    email_failed = models.CharField(_("email not sent"), max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("order event")

    def __str__(self) -> str:
        return f"{self.order}: {self.get_status_display()}"
