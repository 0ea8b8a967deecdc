"""
What the money lists of the admin share: a payment made in test mode (the
local test gateway, or Stripe's test keys) reads as "Test payment: yes", never as
"live mode: False".
"""

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class PaymentModeFilter(admin.SimpleListFilter):
    """Filters on the `livemode` field the payment processor reported."""

    title = _("test payment")
    parameter_name = "test"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes (no real money)")), ("no", _("No (real money)"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(livemode=False)
        if self.value() == "no":
            return queryset.filter(livemode=True)
        return queryset


def test_payment_display(obj: Model) -> str:
    """ "yes" for a payment made in test mode, "no" for real money."""
    return gettext("no") if getattr(obj, "livemode", False) else gettext("yes")
