"""The order list's filters: what needs a person, and the work waiting (the
admin's dashboard links to both)."""

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from shop.models import Order
from shop.selectors import TO_HAND_OVER, TO_SHIP


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("review", _("Payment needs review")),
            ("yes", _("Needs attention")),
            ("email", _("Paid, confirmation not sent")),
            ("any", _("Needs attention or payment review")),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Order]
    ) -> QuerySet[Order]:
        if self.value() == "review":
            return queryset.filter(status=Order.Status.NEEDS_REVIEW)
        if self.value() == "yes":
            return queryset.filter(needs_attention=True)
        if self.value() == "any":
            return queryset.filter(
                Q(needs_attention=True) | Q(status=Order.Status.NEEDS_REVIEW)
            )
        if self.value() == "email":
            return queryset.filter(
                status__in=Order.SALE_STATUSES, confirmation_sent_at__isnull=True
            )
        return queryset


class ToDoFilter(admin.SimpleListFilter):
    """The orders waiting for a volunteer (the dashboard links here)."""

    title = _("to do")
    parameter_name = "todo"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("ship", _("To pack and ship")), ("pickup", _("To hand over"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Order]
    ) -> QuerySet[Order]:
        if self.value() == "ship":
            return queryset.filter(
                delivery_method=Order.Delivery.SHIP, status__in=TO_SHIP
            )
        if self.value() == "pickup":
            return queryset.filter(
                delivery_method=Order.Delivery.PICKUP, status__in=TO_HAND_OVER
            )
        return queryset
