"""The catalogue in the admin: categories, products with their variants and
pictures, stock adjusted with a reason, promo codes and the one settings row."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    F,
    Prefetch,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from core.admin_editing import FocalPointAdminMixin, ImageSlot
from core.images import picture_for
from core.money import format_money, format_percent
from shop.errors import StockRefused
from shop.forms import (
    StockAdjustmentForm,
)
from shop.models import (
    Category,
    Product,
    ProductImage,
    PromoCode,
    ShopSettings,
    StockAdjustment,
    Variant,
)
from shop.services.promos import PAID_STATUSES
from shop.services.stock import variant_adjust_stock


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


ADJUST_STOCK = "shop.adjust_stock"


def without_adjust_link(request: HttpRequest, fields: Any) -> list[Any]:
    """The "Adjust stock" link only for those who may adjust it."""
    if request.user.has_perm(ADJUST_STOCK):
        return list(fields)
    return [name for name in fields if name != "adjust_link"]


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

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return without_adjust_link(request, super().get_fields(request, obj))

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


class ProductImageInline(FocalPointAdminMixin, admin.StackedInline):
    """Each picture with its square crop, as the shop's pages show it (every one
    of them cuts product pictures square), and the point it keeps in view."""

    model = ProductImage
    extra = 0
    fields = ["image", ("focal_x", "focal_y"), "alt", "position"]
    image_slots = {
        "image": [ImageSlot(_("Shop pages, home page and cart"), crop=(1, 1))]
    }


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
        "price_display",
        "cost_display",
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

    def get_readonly_fields(
        self, request: HttpRequest, obj: Variant | None = None
    ) -> list[Any]:
        return without_adjust_link(request, super().get_readonly_fields(request, obj))

    @admin.display(description=_("stock history"))
    def adjust_link(self, obj: Variant) -> str | SafeString:
        return adjust_stock_link(obj)

    @admin.display(description=_("price"), ordering="price")
    def price_display(self, obj: Variant) -> str:
        return format_money(obj.price)

    @admin.display(description=_("cost to us"), ordering="unit_cost")
    def cost_display(self, obj: Variant) -> str:
        return format_money(obj.unit_cost)

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
        if not request.user.has_perm(ADJUST_STOCK):
            raise PermissionDenied
        variant = get_object_or_404(
            Variant.objects.select_related("product"), pk=object_id
        )
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


@admin.register(PromoCode)
class PromoCodeAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "discount",
        "minimum_display",
        "is_active",
        "valid_display",
        "uses",
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

    @admin.display(description=_("discount"), ordering="value")
    def discount(self, obj: PromoCode) -> str:
        if obj.kind == PromoCode.Kind.PERCENT:
            return str(_("%(percent)s off")) % {"percent": format_percent(obj.value)}
        return str(_("%(amount)s off")) % {"amount": format_money(obj.value)}

    @admin.display(description=_("minimum order"), ordering="minimum_order")
    def minimum_display(self, obj: PromoCode) -> str:
        return format_money(obj.minimum_order) if obj.minimum_order else "-"

    @admin.display(description=_("valid"), ordering="starts_at")
    def valid_display(self, obj: PromoCode) -> str:
        """The days it works, for the list (the times are on its page)."""

        def day(moment: Any) -> str:
            return date_format(timezone.localtime(moment), "M j, Y")

        if obj.starts_at and obj.ends_at:
            return f"{day(obj.starts_at)} – {day(obj.ends_at)}"
        if obj.starts_at:
            return str(_("from %(day)s")) % {"day": day(obj.starts_at)}
        if obj.ends_at:
            return str(_("until %(day)s")) % {"day": day(obj.ends_at)}
        return str(_("always"))

    @admin.display(description=_("uses (paid orders)"), ordering="_uses")
    def uses(self, obj: PromoCode) -> str:
        used = int(getattr(obj, "_uses", 0))
        if obj.max_uses is None:
            return str(used)
        return str(_("%(used)s of %(limit)s")) % {"used": used, "limit": obj.max_uses}

    def has_delete_permission(
        self, request: HttpRequest, obj: PromoCode | None = None
    ) -> bool:
        # A code that was used stays, for the orders' record: deactivate it.
        # (The role's permission first: without it, no deleting at all.)
        return super().has_delete_permission(request, obj) and (
            obj is None or not obj.orders.exists()
        )


@admin.register(ShopSettings)
class ShopSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "shipping_display",
        "free_from_display",
        "tax_rate_display",
        "taxed_states",
        "local_pickup_enabled",
    ]

    @admin.display(description=_("flat shipping rate"))
    def shipping_display(self, obj: ShopSettings) -> str:
        return format_money(obj.flat_shipping_rate)

    @admin.display(description=_("free shipping from"))
    def free_from_display(self, obj: ShopSettings) -> str:
        if obj.free_shipping_threshold is None:
            return str(_("never"))
        return format_money(obj.free_shipping_threshold)

    @admin.display(description=_("sales tax rate"))
    def tax_rate_display(self, obj: ShopSettings) -> str:
        return format_percent(obj.sales_tax_rate * 100)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One settings row, added by a role that may add it.
        return super().has_add_permission(request) and not ShopSettings.objects.exists()

    def has_delete_permission(
        self, request: HttpRequest, obj: ShopSettings | None = None
    ) -> bool:
        return False
