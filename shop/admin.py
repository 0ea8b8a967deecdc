"""
The shop in the admin: staff manage the catalogue (stock and cost of goods
visible), follow orders (lines read-only, money and Stripe ids frozen once paid),
export orders as CSV and set shipping and tax in one settings row.
"""

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db.models import Case, Count, IntegerField, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from core.money import format_money
from shop.emails import order_send_confirmation
from shop.exports import orders_csv
from shop.fulfilment import order_accept_reviewed_payment
from shop.models import (
    Category,
    Order,
    OrderLine,
    OrderQuerySet,
    Product,
    ProductImage,
    ShopSettings,
    Variant,
)


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

    def get_queryset(self, request: HttpRequest) -> QuerySet[Product]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                _variant_count=Count("variants", distinct=True),
                _stock_total=Coalesce(Sum("variants__stock"), 0),
            )
        )

    @admin.display(description=_("variants"), ordering="_variant_count")
    def variant_count(self, obj: Product) -> int:
        return int(getattr(obj, "_variant_count", 0))

    @admin.display(description=_("in stock"), ordering="_stock_total")
    def stock_total(self, obj: Product) -> int:
        return int(getattr(obj, "_stock_total", 0))


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
    fields = readonly_fields = (
        "product_name",
        "variant_label",
        "sku",
        "unit_price",
        "unit_cost",
        "quantity",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("review", _("Payment needs review")),
            ("yes", _("Needs attention")),
            ("email", _("Paid, confirmation not sent")),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Order]
    ) -> QuerySet[Order]:
        if self.value() == "review":
            return queryset.filter(status=Order.Status.NEEDS_REVIEW)
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
    "amount_paid",
]
PAYMENT_FIELDS = ["checkout_session_id", "payment_intent_id", "currency_paid"]
# Staff see the payments to review first, then the newest orders.
REVIEW_FIRST = Case(
    When(status=Order.Status.NEEDS_REVIEW, then=Value(0)),
    default=Value(1),
    output_field=IntegerField(),
)
ALWAYS_READ_ONLY = [
    "payment_check",
    "fee_display",
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
        "status_display",
        "delivery_method",
        "item_count",
        "total",
        "paid_display",
        "needs_attention",
    ]
    ordering = [REVIEW_FIRST.asc(), "-created_at", "-pk"]
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
    actions = ["export_csv", "resend_confirmation", "accept_reviewed_payment"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "status",
                    "payment_check",
                    "needs_attention",
                    "attention_note",
                ]
            },
        ),
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
            {
                "fields": [
                    *MONEY_FIELDS,
                    "fee_display",
                    "goods_cost_display",
                    "proceeds_display",
                ]
            },
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[Order]:
        orders = super().get_queryset(request)
        assert isinstance(orders, OrderQuerySet)
        return orders.with_proceeds().annotate(
            _item_count=Coalesce(Sum("lines__quantity"), 0)
        )

    def get_readonly_fields(
        self, request: HttpRequest, obj: Order | None = None
    ) -> list[str]:
        # Amounts were computed at checkout and Stripe ids came from Stripe: staff
        # never retype them. Once paid, the delivery choice is fixed too (it set
        # the shipping charged).
        fields = [*ALWAYS_READ_ONLY, *MONEY_FIELDS, *PAYMENT_FIELDS]
        if obj is not None and obj.status != Order.Status.PENDING:
            fields.append("delivery_method")
        return fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Orders come from the checkout, where stock is reserved and totals computed.
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: Order | None = None
    ) -> bool:
        # An order is a financial record: cancel or refund it, never delete it.
        return False

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj: Order) -> str | SafeString:
        if obj.status == Order.Status.NEEDS_REVIEW:
            return format_html(
                '<strong class="errornote">⚠ {}</strong>', obj.get_status_display()
            )
        return str(obj.get_status_display())

    @admin.display(description=_("paid"))
    def paid_display(self, obj: Order) -> str:
        if obj.amount_paid is None:
            return "-"
        return f"{format_money(obj.amount_paid)} {obj.currency_paid}".strip()

    @admin.display(description=_("payment check"))
    def payment_check(self, obj: Order) -> str | SafeString:
        """What was paid next to what was asked, so a mismatch is plain to see."""
        if obj.amount_paid is None:
            return str(_("No payment recorded yet."))
        asked = settings.CURRENCY.upper()
        matches = obj.amount_paid == obj.total and obj.currency_paid in ("", asked)
        return format_html(
            "{}: {} {} &nbsp;·&nbsp; {}: {} {}{}",
            _("Paid"),
            format_money(obj.amount_paid),
            obj.currency_paid or "?",
            _("Order total"),
            format_money(obj.total),
            asked,
            "" if matches else format_html(" <strong>⚠ {}</strong>", _("mismatch")),
        )

    @admin.display(description=_("items"), ordering="_item_count")
    def item_count(self, obj: Order) -> int:
        return int(getattr(obj, "_item_count", 0))

    @admin.display(description=_("payment fee"))
    def fee_display(self, obj: Order) -> str:
        if obj.fee_pending:
            return str(_("Fee pending"))
        return format_money(obj.payment_fee) if obj.payment_fee is not None else "-"

    @admin.display(description=_("cost of goods"))
    def goods_cost_display(self, obj: Order) -> str:
        return format_money(obj.goods_cost)

    @admin.display(description=_("proceeds"))
    def proceeds_display(self, obj: Order) -> str:
        if obj.fee_pending:
            return str(_("%(amount)s (fee pending)")) % {
                "amount": format_money(obj.proceeds)
            }
        return format_money(obj.proceeds)

    @admin.action(description=_("Send the confirmation email where it is missing"))
    def resend_confirmation(
        self, request: HttpRequest, queryset: QuerySet[Order]
    ) -> None:
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

    @admin.action(description=_("Accept the payment under review as paid"))
    def accept_reviewed_payment(
        self, request: HttpRequest, queryset: QuerySet[Order]
    ) -> None:
        """After checking the payment in Stripe: the order is paid and the buyer
        gets the confirmation. To refuse it, refund it in Stripe instead."""
        accepted = sum(
            order_accept_reviewed_payment(order=order)
            for order in queryset.filter(status=Order.Status.NEEDS_REVIEW)
        )
        self.message_user(
            request, _("%(count)s order(s) accepted as paid.") % {"count": accepted}
        )

    @admin.action(description=_("Export selected orders as CSV"))
    def export_csv(
        self, request: HttpRequest, queryset: QuerySet[Order]
    ) -> HttpResponse:
        # The admin's queryset carries the proceeds (Order.objects.with_proceeds).
        return orders_csv(queryset)


@admin.register(ShopSettings)
class ShopSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "flat_shipping_rate",
        "free_shipping_threshold",
        "sales_tax_rate",
        "local_pickup_enabled",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not ShopSettings.objects.exists()

    def has_delete_permission(
        self, request: HttpRequest, obj: ShopSettings | None = None
    ) -> bool:
        return False
