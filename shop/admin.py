"""
The shop in the admin: staff manage the catalogue (stock and cost of goods
visible), follow orders (lines read-only, money and Stripe ids frozen once paid),
export orders as CSV and set shipping and tax in one settings row.
"""

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from core.charts import stacked_bar_chart
from core.images import picture_for
from core.money import format_money
from shop.emails import order_send_confirmation
from shop.exports import orders_csv
from shop.forms import (
    FulfilmentForm,
    RefundForm,
    ReportPeriodForm,
    StockAdjustmentForm,
)
from shop.fulfilment import (
    TransitionRefused,
    next_steps,
    order_accept_reviewed_payment,
    order_transition,
    orders_transition,
)
from shop.models import (
    Category,
    Order,
    OrderQuerySet,
    Product,
    ProductImage,
    PromoCode,
    ShopSettings,
    StockAdjustment,
    Variant,
)
from shop.promos import PAID_STATUSES
from shop.refunds import RefundRefused, order_refund, refundable_quantities
from shop.reports import (
    order_lines_csv,
    report_csv,
    report_orders,
    sales_report,
)
from shop.selectors import TO_HAND_OVER, TO_SHIP, shop_settings
from shop.stock import StockRefused, variant_adjust_stock


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


def adjust_stock_link(variant: Variant) -> str | SafeString:
    """Where staff change a variant's stock (with a reason, kept as history)."""
    if not variant.pk:
        return str(_("Save first, then adjust the stock."))
    return format_html(
        '<a href="{}">{}</a>',
        reverse("admin:shop_variant_adjust_stock", args=[variant.pk]),
        _("Adjust stock"),
    )


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = [
        "size",
        "colour",
        "sku",
        "price",
        "unit_cost",
        "stock",
        "adjust_link",
        "low_stock_threshold",
        "is_active",
    ]
    # Stock changes through "Adjust stock", which keeps the reason as history.
    readonly_fields = ["stock", "adjust_link"]
    ordering = ["position", "pk"]

    @admin.display(description=_("stock history"))
    def adjust_link(self, obj: Variant) -> str | SafeString:
        return adjust_stock_link(obj)


def thumbnail(image: ProductImage | None) -> str | SafeString:
    """A small square preview of a product image, or "-"."""
    picture = (
        picture_for(image.image, widths=[96], crop_ratio=(1, 1)) if image else None
    )
    if image is None or picture is None:
        return "-"
    return format_html(
        '<img class="shop-thumb" src="{}" alt="{}" width="48" height="48">',
        picture.default.url,
        image.alt,
    )


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0
    fields = ["preview", "image", "alt", "position"]
    readonly_fields = ["preview"]

    @admin.display(description=_("preview"))
    def preview(self, obj: ProductImage) -> str | SafeString:
        return thumbnail(obj if obj.pk else None)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "preview",
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

    class Media:
        css = {"all": ["shop/admin.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Product]:
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("images", queryset=ProductImage.objects.order_by("position"))
            )
            .annotate(
                _variant_count=Count("variants", distinct=True),
                _stock_total=Coalesce(Sum("variants__stock"), 0),
            )
        )

    @admin.display(description=_("image"))
    def preview(self, obj: Product) -> str | SafeString:
        images = list(obj.images.all())
        return thumbnail(images[0] if images else None)

    @admin.display(description=_("variants"), ordering="_variant_count")
    def variant_count(self, obj: Product) -> int:
        return int(getattr(obj, "_variant_count", 0))

    @admin.display(description=_("in stock"), ordering="_stock_total")
    def stock_total(self, obj: Product) -> int:
        return int(getattr(obj, "_stock_total", 0))


class StockAdjustmentInline(admin.TabularInline):
    """The variant's stock history (staff changes; sales are in the orders)."""

    model = StockAdjustment
    extra = 0
    can_delete = False
    verbose_name_plural = _("stock history")
    fields = readonly_fields = (
        "created_at",
        "change",
        "stock_after",
        "reason",
        "note",
        "created_by",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LowStockFilter(admin.SimpleListFilter):
    title = _("stock")
    parameter_name = "stock"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("low", _("Low (at or below its threshold)")), ("out", _("Sold out"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Variant]
    ) -> QuerySet[Variant]:
        if self.value() == "low":
            return queryset.filter(stock__lte=F("low_stock_threshold"))
        if self.value() == "out":
            return queryset.filter(stock=0)
        return queryset


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
        "low_stock_threshold",
        "is_active",
    ]
    list_editable = ["is_active"]
    list_filter = [LowStockFilter, "is_active", "product__category"]
    list_select_related = ["product"]
    search_fields = ["sku", "product__name"]
    autocomplete_fields = ["product"]
    readonly_fields = ["stock", "adjust_link"]
    inlines = [StockAdjustmentInline]

    @admin.display(description=_("stock history"))
    def adjust_link(self, obj: Variant) -> str | SafeString:
        return adjust_stock_link(obj)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:object_id>/adjust-stock/",
                self.admin_site.admin_view(self.adjust_stock_view),
                name="shop_variant_adjust_stock",
            ),
            *super().get_urls(),
        ]

    def adjust_stock_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Restock, write off damaged items or correct a count, with the reason
        kept in the variant's history; the stock never goes below zero."""
        variant = get_object_or_404(
            Variant.objects.select_related("product"), pk=object_id
        )
        if not self.has_change_permission(request, variant):
            raise PermissionDenied
        change_url = reverse("admin:shop_variant_change", args=[variant.pk])
        form = StockAdjustmentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                adjustment = variant_adjust_stock(
                    variant=variant,
                    change=form.cleaned_data["change"],
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except StockRefused as error:
                form.add_error("change", str(error))
            else:
                self.message_user(
                    request,
                    _("%(item)s: %(change)+d, now %(stock)s in stock.")
                    % {
                        "item": variant,
                        "change": adjustment.change,
                        "stock": adjustment.stock_after,
                    },
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Adjust the stock of %(item)s") % {"item": variant},
            "variant": variant,
            "form": form,
            "opts": self.opts,
            "change_url": change_url,
        }
        return TemplateResponse(
            request, "admin/shop/variant/adjust_stock.html", context
        )


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


# Postage (`shipping_cost`) is not here: it is what delivery cost us, which
# staff enter once they know it (it starts at the setting's figure).
MONEY_FIELDS = [
    "subtotal",
    "shipping_amount",
    "tax_amount",
    "total",
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
    "fulfilment_link",
    "packing_slip_link",
    "refunds_table",
    "refunded_display",
    "lines_table",
    "history_table",
    "subtotal_display",
    "discount_display",
    "shipping_display",
    "tax_display",
    "total_display",
]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "created_at",
        "name",
        "status_display",
        "delivery_method",
        "item_count",
        "total_display",
        "paid_display",
        "needs_attention",
    ]
    ordering = [REVIEW_FIRST.asc(), "-created_at", "-pk"]
    list_filter = [
        "status",
        ToDoFilter,
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
    actions = [
        "print_packing_slips",
        "mark_packed",
        "mark_delivered",
        "mark_ready_for_pickup",
        "mark_picked_up",
        "export_csv",
        "export_lines_csv",
        "resend_confirmation",
        "accept_reviewed_payment",
    ]
    # One page a volunteer can read top to bottom: who, where, what, money,
    # what happened; the payment's internals folded away.
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "status",
                    "fulfilment_link",
                    "packing_slip_link",
                    "needs_attention",
                    "attention_note",
                ]
            },
        ),
        (_("Buyer"), {"fields": ["name", "email", "phone"]}),
        (
            _("Delivery"),
            {
                "fields": [
                    "delivery_method",
                    "address_line1",
                    "address_line2",
                    "city",
                    "state",
                    "zip_code",
                    "carrier",
                    "tracking_number",
                ]
            },
        ),
        (_("Lines"), {"fields": ["lines_table"]}),
        (
            _("Money"),
            {
                "fields": [
                    "subtotal_display",
                    "discount_display",
                    "shipping_display",
                    "tax_display",
                    "total_display",
                    "payment_check",
                    "shipping_cost",
                    "fee_display",
                    "goods_cost_display",
                    "refunded_display",
                    "proceeds_display",
                ]
            },
        ),
        (_("Refunds"), {"fields": ["refunds_table"]}),
        (_("History"), {"fields": ["history_table"]}),
        (
            _("Payment details"),
            {
                "classes": ["collapse"],
                "fields": [
                    *PAYMENT_FIELDS,
                    "created_at",
                    "expires_at",
                    "paid_at",
                    "stock_released_at",
                    "confirmation_sent_at",
                    "token",
                ],
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
            order_accept_reviewed_payment(order=order, by=request.user)
            for order in queryset.filter(status=Order.Status.NEEDS_REVIEW)
        )
        self.message_user(
            request, _("%(count)s order(s) accepted as paid.") % {"count": accepted}
        )

    # -- Money as $19.50, lines and history as tables -------------------------
    @admin.display(description=_("goods"))
    def subtotal_display(self, obj: Order) -> str:
        return format_money(obj.subtotal)

    @admin.display(description=_("promo discount"))
    def discount_display(self, obj: Order) -> str:
        if not obj.discount_amount:
            return "-"
        return f"-{format_money(obj.discount_amount)} ({obj.promo_code})"

    @admin.display(description=_("shipping charged"))
    def shipping_display(self, obj: Order) -> str:
        return format_money(obj.shipping_amount)

    @admin.display(description=_("sales tax"))
    def tax_display(self, obj: Order) -> str:
        return format_money(obj.tax_amount)

    @admin.display(description=_("total"), ordering="total")
    def total_display(self, obj: Order) -> str:
        return format_money(obj.total)

    @admin.display(description=_("lines"))
    def lines_table(self, obj: Order) -> SafeString:
        return mark_safe(  # a template's output, escaped by it
            render_to_string(
                "admin/shop/order/lines_table.html", {"lines": list(obj.lines.all())}
            )
        )

    @admin.display(description=_("history"))
    def history_table(self, obj: Order) -> SafeString:
        events = obj.events.select_related("created_by") if obj.pk else []
        return mark_safe(  # a template's output, escaped by it
            render_to_string(
                "admin/shop/order/history_table.html", {"events": list(events)}
            )
        )

    # -- Fulfilment ---------------------------------------------------------
    @admin.display(description=_("fulfillment"))
    def fulfilment_link(self, obj: Order) -> str | SafeString:
        steps = next_steps(obj) if obj.pk else []
        if not steps:
            return "-"
        url = reverse("admin:shop_order_fulfil", args=[obj.pk])
        labels = ", ".join(str(Order.Status(step).label) for step in steps)
        return format_html(
            '<a class="button" href="{}">{}</a>',
            url,
            _("Next step: %(steps)s") % {"steps": labels},
        )

    class Media:
        css = {"all": ["shop/admin.css"]}

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:object_id>/refund/",
                self.admin_site.admin_view(self.refund_view),
                name="shop_order_refund",
            ),
            path(
                "report/",
                self.admin_site.admin_view(self.report_view),
                name="shop_order_report",
            ),
            path(
                "packing-slips/",
                self.admin_site.admin_view(self.packing_slips_view),
                name="shop_order_packing_slips",
            ),
            path(
                "<int:object_id>/fulfil/",
                self.admin_site.admin_view(self.fulfil_view),
                name="shop_order_fulfil",
            ),
            *super().get_urls(),
        ]

    def fulfil_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """One order's next step, with the carrier and tracking number when it
        ships and an optional note for the buyer."""
        order = get_object_or_404(Order, pk=object_id)
        if not self.has_change_permission(request, order):
            raise PermissionDenied
        change_url = reverse("admin:shop_order_change", args=[order.pk])
        steps = next_steps(order)
        form = FulfilmentForm(request.POST or None, steps=steps)
        if request.method == "POST" and form.is_valid():
            try:
                order_transition(
                    order=order,
                    status=form.cleaned_data["status"],
                    by=request.user,
                    note=form.cleaned_data["note"],
                    carrier=form.cleaned_data["carrier"],
                    tracking_number=form.cleaned_data["tracking_number"],
                )
            except TransitionRefused as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("Order %(number)s is now %(status)s.")
                    % {
                        "number": order.number,
                        "status": str(order.get_status_display()).lower(),
                    },
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Next step for order %(number)s") % {"number": order.number},
            "order": order,
            "form": form,
            "steps": steps,
            "opts": self.opts,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/shop/order/fulfil.html", context)

    # -- Refunds ------------------------------------------------------------
    @admin.display(description=_("refunds"))
    def refunds_table(self, obj: Order) -> SafeString:
        refunds = obj.refunds.prefetch_related("lines__line") if obj.pk else []
        can_refund = bool(obj.pk) and obj.status in Order.SALE_STATUSES
        return mark_safe(  # a template's output, escaped by it
            render_to_string(
                "admin/shop/order/refunds_table.html",
                {
                    "refunds": list(refunds),
                    "refund_url": reverse("admin:shop_order_refund", args=[obj.pk])
                    if can_refund
                    else "",
                },
            )
        )

    @admin.display(description=_("refunded"))
    def refunded_display(self, obj: Order) -> str:
        return format_money(obj.refunded)

    def refund_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Refund the whole order or chosen items, through the processor that
        took the payment, optionally putting the items back in stock."""
        order = get_object_or_404(Order, pk=object_id)
        if not self.has_change_permission(request, order):
            raise PermissionDenied
        change_url = reverse("admin:shop_order_change", args=[order.pk])
        left = refundable_quantities(order)
        lines = [(line, left.get(line.pk, 0)) for line in order.lines.all()]
        form = RefundForm(request.POST or None, lines=lines)
        if request.method == "POST" and form.is_valid():
            try:
                refund = order_refund(
                    order=order,
                    quantities=form.quantities(),
                    restock=form.cleaned_data["restock"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except RefundRefused as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(amount)s refunded for order %(number)s.")
                    % {"amount": format_money(refund.amount), "number": order.number},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Refund order %(number)s") % {"number": order.number},
            "order": order,
            "form": form,
            "refundable": order.status in Order.SALE_STATUSES,
            "opts": self.opts,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/shop/order/refund.html", context)

    # -- Report -------------------------------------------------------------
    def report_view(self, request: HttpRequest) -> HttpResponse:
        """Sales for a chosen period, by month and by product, with a chart and
        CSV downloads (?csv=report|orders|lines)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        initial = {"start": today.replace(month=1, day=1), "end": today}
        form = ReportPeriodForm(request.GET or None, initial=initial)
        if form.is_bound and not form.is_valid():
            for error in form.non_field_errors():
                self.message_user(request, str(error), messages.ERROR)
            start, end = initial["start"], initial["end"]
        elif form.is_bound:
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        else:
            start, end = initial["start"], initial["end"]
        which = request.GET.get("csv", "")
        if form.is_bound and form.is_valid() or not form.is_bound:
            if which == "report":
                return report_csv(sales_report(start=start, end=end))
            if which == "orders":
                return orders_csv(report_orders(start=start, end=end))
            if which == "lines":
                return order_lines_csv(report_orders(start=start, end=end))
        report = sales_report(start=start, end=end)
        chart = stacked_bar_chart(
            labels=[row.label for row in report.months],
            series=[str(_("Proceeds")), str(_("Costs, fees and refunds"))],
            values=[
                [row.proceeds, row.revenue - row.proceeds] for row in report.months
            ],
        )
        query = f"start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"
        context = {
            **self.admin_site.each_context(request),
            "title": _("Sales report"),
            "opts": self.opts,
            "form": form,
            "report": report,
            "chart": chart,
            "csv_links": [
                (_("The report"), f"?{query}&csv=report"),
                (_("Orders"), f"?{query}&csv=orders"),
                (_("Order lines"), f"?{query}&csv=lines"),
            ],
        }
        return TemplateResponse(request, "admin/shop/order/report.html", context)

    @admin.action(description=_("Export the lines of selected orders as CSV"))
    def export_lines_csv(
        self, request: HttpRequest, queryset: QuerySet[Order]
    ) -> HttpResponse:
        return order_lines_csv(queryset)

    # -- Packing slips ------------------------------------------------------
    @admin.display(description=_("packing slip"))
    def packing_slip_link(self, obj: Order) -> str | SafeString:
        if not obj.pk:
            return "-"
        url = reverse("admin:shop_order_packing_slips") + f"?ids={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Print the packing slip"))

    @admin.action(description=_("Print packing slips"))
    def print_packing_slips(
        self, request: HttpRequest, queryset: QuerySet[Order]
    ) -> HttpResponse:
        ids = ",".join(
            str(pk) for pk in queryset.order_by("pk").values_list("pk", flat=True)
        )
        return HttpResponseRedirect(
            reverse("admin:shop_order_packing_slips") + f"?ids={ids}"
        )

    def packing_slips_view(self, request: HttpRequest) -> HttpResponse:
        """One printable page per order (lines, SKUs, quantities, where it
        goes), without the admin around it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        ids = [
            int(part)
            for part in request.GET.get("ids", "").split(",")
            if part.isdigit()
        ]
        orders = list(
            Order.objects.filter(pk__in=ids[:500])
            .prefetch_related("lines")
            .order_by("pk")
        )
        context = {
            "orders": orders,
            "changelist_url": reverse("admin:shop_order_changelist"),
            "pickup_instructions": shop_settings(request).pickup_instructions,
        }
        return TemplateResponse(request, "admin/shop/order/packing_slips.html", context)

    def _step(
        self, request: HttpRequest, queryset: QuerySet[Order], status: str
    ) -> None:
        moved, refused = orders_transition(
            orders=queryset.order_by("pk"), status=status, by=request.user
        )
        label = str(Order.Status(status).label).lower()
        if moved:
            self.message_user(
                request,
                _("%(count)s order(s) marked %(status)s.")
                % {"count": len(moved), "status": label},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                _("%(count)s order(s) refused: %(reasons)s")
                % {
                    "count": len(refused),
                    "reasons": " ".join(reason for _order, reason in refused),
                },
                messages.WARNING,
            )

    @admin.action(description=_("Mark as packed"))
    def mark_packed(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._step(request, queryset, Order.Status.PACKED)

    @admin.action(description=_("Mark as delivered"))
    def mark_delivered(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._step(request, queryset, Order.Status.DELIVERED)

    @admin.action(description=_("Mark as ready for pickup (emails the buyer)"))
    def mark_ready_for_pickup(
        self, request: HttpRequest, queryset: QuerySet[Order]
    ) -> None:
        self._step(request, queryset, Order.Status.READY_FOR_PICKUP)

    @admin.action(description=_("Mark as picked up"))
    def mark_picked_up(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._step(request, queryset, Order.Status.PICKED_UP)

    @admin.action(description=_("Export selected orders as CSV"))
    def export_csv(
        self, request: HttpRequest, queryset: QuerySet[Order]
    ) -> HttpResponse:
        # The admin's queryset carries the proceeds (Order.objects.with_proceeds).
        return orders_csv(queryset)


@admin.register(PromoCode)
class PromoCodeAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "kind",
        "value",
        "is_active",
        "starts_at",
        "ends_at",
        "uses",
        "max_uses",
    ]
    list_filter = ["is_active", "kind"]
    search_fields = ["code"]
    fields = [
        "code",
        "kind",
        "value",
        "is_active",
        "starts_at",
        "ends_at",
        "minimum_order",
        "max_uses",
        "max_uses_per_email",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PromoCode]:
        return (
            super()
            .get_queryset(request)
            .annotate(_uses=Count("orders", filter=Q(orders__status__in=PAID_STATUSES)))
        )

    @admin.display(description=_("uses (paid orders)"), ordering="_uses")
    def uses(self, obj: PromoCode) -> int:
        return int(getattr(obj, "_uses", 0))

    def has_delete_permission(
        self, request: HttpRequest, obj: PromoCode | None = None
    ) -> bool:
        # A code that was used stays, for the orders' record: deactivate it.
        return obj is None or not obj.orders.exists()


@admin.register(ShopSettings)
class ShopSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "flat_shipping_rate",
        "free_shipping_threshold",
        "sales_tax_rate",
        "taxed_states",
        "local_pickup_enabled",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not ShopSettings.objects.exists()

    def has_delete_permission(
        self, request: HttpRequest, obj: ShopSettings | None = None
    ) -> bool:
        return False
