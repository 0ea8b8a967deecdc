"""
Read-only views of what the payments app recorded. Money is changed at Stripe
(refunds in the Stripe dashboard), never by editing these rows. Only roles that
hold their view permission see them: the Administrator, and Finance the checkout
sessions and monthly charges (to match a refund); the event log is the
Administrator's alone.

Lists name a payment in plain words ("Order RH-1042", "Monthly gift") and show
money as money; the processor's ids stay searchable, and an administrator finds
them on the record's page under "Technical details".
"""

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.admin_lists import PaymentModeFilter, test_payment_display
from core.money import format_money
from payments.models import (
    KIND_NAMES,
    CheckoutSession,
    InvoicePayment,
    ProcessedEvent,
    payment_name,
)

# The event log's permission is the Administrator's alone (staff/roles.py): who
# holds it also sees the processor's ids and addresses on a payment's page.
SEES_TECHNICAL_DETAILS = "payments.view_processedevent"


def money_or_dash(amount: Any, currency: str = "") -> str:
    if amount is None:
        return "-"
    shown = format_money(amount)
    if currency and currency.lower() != settings.CURRENCY.lower():
        shown = f"{shown} {currency.upper()}"
    return shown


class PaymentForFilter(admin.SimpleListFilter):
    """What the payment was for, in the words of the list's first column."""

    title = _("payment for")
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(KIND_NAMES.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value():
            return queryset.filter(kind=self.value())
        return queryset


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    technical_fields: list[str] = []

    def has_add_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets: list[Any] = list(super().get_fieldsets(request, obj))
        if self.technical_fields and request.user.has_perm(SEES_TECHNICAL_DETAILS):
            technical = {"classes": ["collapse"], "fields": self.technical_fields}
            fieldsets.append((_("Technical details"), technical))
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Every field shown is read-only: these rows are the processor's record.
        return [
            name
            for _title, options in self.get_fieldsets(request, obj)
            for name in options["fields"]
        ]

    @admin.display(description=_("test payment"))
    def test_payment(self, obj: Any) -> str:
        return test_payment_display(obj)

    @admin.display(description=_("payment for"), ordering="reference")
    def payment_for(self, obj: Any) -> str:
        return payment_name(obj.kind, obj.reference)


@admin.register(CheckoutSession)
class CheckoutSessionAdmin(ReadOnlyAdmin):
    list_display = [
        "payment_for",
        "customer_email",
        "status",
        "amount_display",
        "received_display",
        "fee_display",
        "created_on",
    ]
    list_filter = [
        "status",
        PaymentForFilter,
        "subscription_status",
        PaymentModeFilter,
        "created_at",
    ]
    search_fields = [
        "session_id",
        "payment_intent_id",
        "subscription_id",
        "customer_id",
        "reference",
        "customer_email",
    ]
    date_hierarchy = "created_at"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "payment_for",
                    "customer_email",
                    "status",
                    "test_payment",
                    "created_at",
                    "completed_at",
                    "expires_at",
                ]
            },
        ),
        (
            _("Money"),
            {
                "fields": [
                    "amount_display",
                    "shipping_display",
                    "tax_display",
                    "received_display",
                    "fee_display",
                    "refunded_display",
                ]
            },
        ),
        (
            _("Monthly gift"),
            {
                "fields": [
                    "recurring_interval",
                    "subscription_status",
                    "current_period_end",
                ]
            },
        ),
    ]
    technical_fields = [
        "kind",
        "reference",
        "gateway",
        "session_id",
        "payment_intent_id",
        "subscription_id",
        "customer_id",
        "idempotency_key",
        "url",
        "success_url",
        "cancel_url",
        "line_items",
        "shipping_label",
        "tax_label",
        "currency",
        "currency_received",
        "fee_attempts",
        "subscription_changed_at",
    ]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return [
            (title, options)
            for title, options in super().get_fieldsets(request, obj)
            if title != _("Monthly gift") or obj is None or obj.is_recurring
        ]

    @admin.display(description=_("created"), ordering="created_at")
    def created_on(self, obj: CheckoutSession) -> str:
        return date_format(timezone.localtime(obj.created_at), "M j, Y")

    @admin.display(description=_("amount"), ordering="amount_total")
    def amount_display(self, obj: CheckoutSession) -> str:
        return money_or_dash(obj.amount_total, obj.currency)

    @admin.display(description=_("received"), ordering="amount_received")
    def received_display(self, obj: CheckoutSession) -> str:
        return money_or_dash(obj.amount_received, obj.currency_received)

    @admin.display(description=_("processor fee"), ordering="fee")
    def fee_display(self, obj: CheckoutSession) -> str:
        return money_or_dash(obj.fee)

    @admin.display(description=_("shipping"))
    def shipping_display(self, obj: CheckoutSession) -> str:
        return money_or_dash(obj.shipping_amount)

    @admin.display(description=_("tax"))
    def tax_display(self, obj: CheckoutSession) -> str:
        return money_or_dash(obj.tax_amount)

    @admin.display(description=_("refunded"))
    def refunded_display(self, obj: CheckoutSession) -> str:
        return money_or_dash(obj.amount_refunded)


@admin.register(InvoicePayment)
class InvoicePaymentAdmin(ReadOnlyAdmin):
    list_display = [
        "payment_for",
        "status",
        "amount_display",
        "refunded_display",
        "fee_display",
        "paid_at",
    ]
    list_filter = ["status", PaymentForFilter, PaymentModeFilter, "created_at"]
    search_fields = [
        "invoice_id",
        "subscription_id",
        "customer_id",
        "payment_intent_id",
        "charge_id",
        "reference",
    ]
    date_hierarchy = "created_at"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "payment_for",
                    "status",
                    "amount_display",
                    "refunded_display",
                    "fee_display",
                    "test_payment",
                    "paid_at",
                    "created_at",
                ]
            },
        ),
    ]
    technical_fields = [
        "kind",
        "reference",
        "invoice_id",
        "subscription_id",
        "customer_id",
        "payment_intent_id",
        "charge_id",
        "currency",
        "fee_attempts",
    ]

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, obj: InvoicePayment) -> str:
        return money_or_dash(obj.amount, obj.currency)

    @admin.display(description=_("refunded"))
    def refunded_display(self, obj: InvoicePayment) -> str:
        return money_or_dash(obj.amount_refunded)

    @admin.display(description=_("processor fee"), ordering="fee")
    def fee_display(self, obj: InvoicePayment) -> str:
        return money_or_dash(obj.fee)


@admin.register(ProcessedEvent)
class ProcessedEventAdmin(ReadOnlyAdmin):
    """The Administrator's log of the processor's events: ids are its point."""

    list_display = ["event_id", "type", "object_id", "test_payment", "received_at"]
    list_filter = ["type", PaymentModeFilter, "received_at"]
    search_fields = ["event_id", "object_id"]
    date_hierarchy = "received_at"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "event_id",
                    "type",
                    "object_id",
                    "test_payment",
                    "received_at",
                ]
            },
        )
    ]
