"""
The shop in the admin: staff manage the catalogue (stock and cost of goods
visible), follow orders (lines read-only, money and Stripe ids frozen once paid),
export orders as CSV and set shipping and tax in one settings row.
"""

import csv

from django.contrib import admin
from django.db.models import Count, DecimalField, F, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import format_money
from shop.models import (
    Category,
    Order,
    OrderLine,
    Product,
    ProductImage,
    ShopSettings,
    Variant,
)
from shop.services import order_send_confirmation


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = ["size", "colour", "sku", "price", "unit_cost", "stock", "is_active"]
    ordering = ["position", "pk"]


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0
    fields = ["image", "alt", "position"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "category",
        "is_active",
        "is_featured",
        "variant_count",
        "stock_total",
        "created_at",
    ]
    list_filter = ["is_active", "is_featured", "category"]
    list_select_related = ["category"]
    search_fields = ["name", "slug", "variants__sku"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["category"]
    inlines = [VariantInline, ProductImageInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _variant_count=Count("variants", distinct=True),
                _stock_total=Coalesce(Sum("variants__stock"), 0),
            )
        )

    @admin.display(description=_("variants"), ordering="_variant_count")
    def variant_count(self, obj) -> int:
        return obj._variant_count

    @admin.display(description=_("in stock"), ordering="_stock_total")
    def stock_total(self, obj) -> int:
        return obj._stock_total


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    list_display = [
        "sku",
        "product",
        "size",
        "colour",
        "price",
        "unit_cost",
        "stock",
        "is_active",
    ]
    list_editable = ["stock", "is_active"]
    list_filter = ["is_active", "product__category"]
    list_select_related = ["product"]
    search_fields = ["sku", "product__name"]
    autocomplete_fields = ["product"]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = [
        "product_name",
        "variant_label",
        "sku",
        "unit_price",
        "unit_cost",
        "quantity",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [
            ("yes", _("Needs attention")),
            ("email", _("Paid, confirmation not sent")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(needs_attention=True)
        if self.value() == "email":
            return queryset.filter(
                status__in=Order.SALE_STATUSES, confirmation_sent_at__isnull=True
            )
        return queryset


MONEY_FIELDS = [
    "subtotal",
    "shipping_amount",
    "tax_amount",
    "total",
    "shipping_cost",
    "payment_fee",
]
PAYMENT_FIELDS = ["checkout_session_id", "payment_intent_id"]
ALWAYS_READ_ONLY = [
    "number",
    "token",
    "created_at",
    "paid_at",
    "expires_at",
    "stock_released_at",
    "confirmation_sent_at",
    "status",
    "goods_cost_display",
    "proceeds_display",
]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "created_at",
        "name",
        "email",
        "status",
        "delivery_method",
        "item_count",
        "total",
        "needs_attention",
    ]
    list_filter = [
        "status",
        NeedsAttentionFilter,
        "delivery_method",
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = [
        "number",
        "email",
        "name",
        "checkout_session_id",
        "payment_intent_id",
    ]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline]
    actions = ["export_csv", "resend_confirmation"]
    fieldsets = [
        (None, {"fields": ["number", "status", "needs_attention", "attention_note"]}),
        (
            _("Buyer"),
            {
                "fields": [
                    "name",
                    "email",
                    "phone",
                    "delivery_method",
                    "address_line1",
                    "address_line2",
                    "city",
                    "state",
                    "zip_code",
                ]
            },
        ),
        (
            _("Money"),
            {"fields": [*MONEY_FIELDS, "goods_cost_display", "proceeds_display"]},
        ),
        (
            _("Payment"),
            {
                "fields": [
                    *PAYMENT_FIELDS,
                    "created_at",
                    "expires_at",
                    "paid_at",
                    "stock_released_at",
                    "confirmation_sent_at",
                    "token",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _item_count=Coalesce(Sum("lines__quantity"), 0),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        # Amounts were computed at checkout and Stripe ids came from Stripe: staff
        # never retype them. Once paid, the delivery choice is fixed too (it set
        # the shipping charged).
        fields = [*ALWAYS_READ_ONLY, *MONEY_FIELDS, *PAYMENT_FIELDS]
        if obj is not None and obj.status != Order.Status.PENDING:
            fields.append("delivery_method")
        return fields

    def has_add_permission(self, request) -> bool:
        # Orders come from the checkout, where stock is reserved and totals computed.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # An order is a financial record: cancel or refund it, never delete it.
        return False

    @admin.display(description=_("items"), ordering="_item_count")
    def item_count(self, obj) -> int:
        return obj._item_count

    @admin.display(description=_("cost of goods"))
    def goods_cost_display(self, obj) -> str:
        return format_money(obj.goods_cost)

    @admin.display(description=_("proceeds"))
    def proceeds_display(self, obj) -> str:
        return format_money(obj.proceeds)

    @admin.action(description=_("Send the confirmation email where it is missing"))
    def resend_confirmation(self, request, queryset):
        """For paid orders whose email failed (confirmation_sent_at empty)."""
        sent = sum(
            order_send_confirmation(order_id=pk)
            for pk in queryset.filter(
                status__in=Order.SALE_STATUSES, confirmation_sent_at__isnull=True
            ).values_list("pk", flat=True)
        )
        self.message_user(
            request, _("%(count)s confirmation email(s) sent.") % {"count": sent}
        )

    @admin.action(description=_("Export selected orders as CSV"))
    def export_csv(self, request, queryset):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="orders-{stamp}.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                "number",
                "created_at",
                "paid_at",
                "status",
                "name",
                "email",
                "delivery",
                "city",
                "state",
                "zip",
                "items",
                "goods",
                "shipping",
                "tax",
                "total",
                "cost_of_goods",
                "postage_cost",
                "payment_fee",
                "proceeds",
            ]
        )
        money = DecimalField(max_digits=12, decimal_places=2)
        orders = queryset.annotate(
            _cost=Coalesce(
                Sum(F("lines__unit_cost") * F("lines__quantity"), output_field=money),
                0,
                output_field=money,
            )
        ).order_by("pk")
        for order in orders:
            proceeds = (
                order.subtotal
                - order._cost
                - order.shipping_cost
                - (order.payment_fee or 0)
            )
            writer.writerow(
                [
                    order.number,
                    timezone.localtime(order.created_at).isoformat(),
                    timezone.localtime(order.paid_at).isoformat()
                    if order.paid_at
                    else "",
                    order.status,
                    _csv_safe(order.name),
                    _csv_safe(order.email),
                    order.delivery_method,
                    _csv_safe(order.city),
                    order.state,
                    order.zip_code,
                    order._item_count,
                    order.subtotal,
                    order.shipping_amount,
                    order.tax_amount,
                    order.total,
                    order._cost,
                    order.shipping_cost,
                    order.payment_fee if order.payment_fee is not None else "",
                    proceeds,
                ]
            )
        return response


def _csv_safe(value: str) -> str:
    """Buyer-typed text must not become a spreadsheet formula."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


@admin.register(ShopSettings)
class ShopSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "flat_shipping_rate",
        "free_shipping_threshold",
        "sales_tax_rate",
        "local_pickup_enabled",
    ]

    def has_add_permission(self, request) -> bool:
        return not ShopSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
