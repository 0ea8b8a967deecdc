"""
Read-only views of what the payments app recorded. Money is changed at Stripe
(refunds in the Stripe dashboard), never by editing these rows. Only roles that
hold their view permission see them: the Administrator, and Finance the checkout
sessions and monthly charges (to match a refund); the event log is the
Administrator's alone.
"""

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from payments.models import CheckoutSession, InvoicePayment, ProcessedEvent


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
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


@admin.register(CheckoutSession)
class CheckoutSessionAdmin(ReadOnlyAdmin):
    list_display = [
        "session_id",
        "kind",
        "reference",
        "gateway",
        "status",
        "amount_total",
        "amount_received",
        "currency_received",
        "fee",
        "recurring_interval",
        "subscription_status",
        "created_at",
        "expires_at",
    ]
    list_filter = [
        "status",
        "gateway",
        "kind",
        "recurring_interval",
        "subscription_status",
        "livemode",
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
    readonly_fields = [field.name for field in CheckoutSession._meta.fields]


@admin.register(InvoicePayment)
class InvoicePaymentAdmin(ReadOnlyAdmin):
    list_display = [
        "invoice_id",
        "kind",
        "reference",
        "status",
        "amount",
        "currency",
        "amount_refunded",
        "fee",
        "paid_at",
    ]
    list_filter = ["status", "kind", "livemode", "created_at"]
    search_fields = [
        "invoice_id",
        "subscription_id",
        "customer_id",
        "payment_intent_id",
        "charge_id",
        "reference",
    ]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in InvoicePayment._meta.fields]


@admin.register(ProcessedEvent)
class ProcessedEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "type", "object_id", "livemode", "received_at"]
    list_filter = ["type", "livemode", "received_at"]
    search_fields = ["event_id", "object_id"]
    date_hierarchy = "received_at"
    readonly_fields = [field.name for field in ProcessedEvent._meta.fields]
