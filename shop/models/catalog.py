"""
The catalogue (categories, products, variants that carry price, cost and stock)
and the shipping and tax settings staff edit.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import DecimalField, F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.image_checks import validate_image_file
from core.uploads import StrippedImageField, UploadTo, focal_point_fields

MONEY: dict[str, Any] = {"max_digits": 10, "decimal_places": 2}
# Wide enough for sums over many orders.
MONEY_SUM = DecimalField(max_digits=14, decimal_places=2)


def staff_member_field() -> models.ForeignKey[Any, Any]:
    """The staff member who made a change (empty for a script or the payment
    processor; kept empty if the account is deleted)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )


def unique_when_set(field: str, *, name: str) -> models.UniqueConstraint:
    """`field` is unique among the rows where it is not empty."""
    return models.UniqueConstraint(
        fields=[field], condition=~Q(**{field: ""}), name=name
    )


class Category(models.Model):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(
        _("web address"),
        max_length=80,
        unique=True,
        help_text=_("The last part of the category's address, e.g. t-shirts."),
    )
    position = models.PositiveSmallIntegerField(
        _("order in the shop"), default=0, help_text=_("Lower numbers come first.")
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class ProductQuerySet(models.QuerySet["Product"]):
    def active(self) -> "ProductQuerySet":
        return self.filter(is_active=True)


class Product(models.Model):
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("web address"),
        max_length=120,
        unique=True,
        help_text=_(
            "The last part of the product page's address. Changing it breaks links."
        ),
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown: **bold**, lists, links.")
    )
    is_active = models.BooleanField(
        _("on sale"), default=True, help_text=_("Uncheck to hide it from the shop.")
    )
    is_featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Shown first and on the home page.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("shop:product-detail", kwargs={"slug": self.slug})


class ProductImage(models.Model):
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="images",
    )
    image = StrippedImageField(
        _("image"),
        upload_to=UploadTo("shop"),
        validators=[validate_image_file],
        width_field="width",
        height_field="height",
        focal_point_fields=("focal_x", "focal_y"),
    )
    focal_x, focal_y = focal_point_fields()
    width = models.PositiveIntegerField(_("width"), null=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, editable=False)
    alt = models.CharField(
        _("alt text"),
        max_length=250,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    position = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers come first.")
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("product image")

    def __str__(self) -> str:
        return self.alt


class VariantQuerySet(models.QuerySet["Variant"]):
    def low_stock(self) -> "VariantQuerySet":
        """Variants on sale whose stock is at or below their own threshold."""
        return self.filter(is_active=True, stock__lte=F("low_stock_threshold"))


class Variant(models.Model):
    """One thing that can be bought: a size and/or colour of a product, with its
    own SKU, price, cost of goods and stock count."""

    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="variants",
    )
    size = models.CharField(_("size"), max_length=30, blank=True)
    colour = models.CharField(_("color"), max_length=40, blank=True)
    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    price = models.DecimalField(_("price"), **MONEY)
    unit_cost = models.DecimalField(
        _("unit cost"),
        **MONEY,
        default=Decimal("0.00"),
        help_text=_("What one costs us (cost of goods), for the profit figures."),
    )
    stock = models.PositiveIntegerField(_("in stock"), default=0)
    low_stock_threshold = models.PositiveIntegerField(
        _("low stock at"),
        default=3,
        help_text=_("Staff are warned when the stock falls to this number."),
    )
    is_active = models.BooleanField(_("on sale"), default=True)
    position = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers come first.")
    )

    objects = VariantQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("variant")
        # Stock changes only through an adjustment with a reason (kept as history).
        permissions = [("adjust_stock", "Can adjust stock")]
        constraints = [
            models.CheckConstraint(
                condition=Q(stock__gte=0), name="shop_variant_stock_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(price__gt=0), name="shop_variant_price_positive"
            ),
            models.CheckConstraint(
                condition=Q(unit_cost__gte=0), name="shop_variant_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        label = self.label
        return f"{self.product.name} ({label})" if label else self.product.name

    @property
    def label(self) -> str:
        """ "M / Blue", "Blue", "" when the product comes in one kind only."""
        return " / ".join(part for part in (self.size, self.colour) if part)


# The pickup instructions a new shop starts with (staff edit them).
PICKUP_INSTRUCTIONS = (
    "We will email you within two business days to arrange a time to "
    "collect your order in Louisville."
)


class ShopSettings(models.Model):
    """One row, edited in the admin: what delivery and tax cost the buyer, and
    what postage costs us. Read it with `shop.selectors.shop_settings()`."""

    flat_shipping_rate = models.DecimalField(
        _("flat shipping rate"), **MONEY, default=Decimal("6.00")
    )
    free_shipping_threshold = models.DecimalField(
        _("free shipping from"),
        **MONEY,
        null=True,
        blank=True,
        default=Decimal("75.00"),
        help_text=_(
            "Orders whose goods reach this amount ship free. Empty: never free."
        ),
    )
    local_pickup_enabled = models.BooleanField(_("offer local pickup"), default=True)
    pickup_instructions = models.TextField(
        _("pickup instructions"),
        blank=True,
        default=PICKUP_INSTRUCTIONS,
        help_text=_("Shown at checkout and in the confirmation email."),
    )
    sales_tax_rate = models.DecimalField(
        _("sales tax rate"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.0600"),
        help_text=_("0.0600 is 6% (Kentucky)."),
    )
    taxed_states = models.CharField(
        _("taxed states"),
        max_length=200,
        default="KY",
        help_text=_(
            "Two-letter codes, separated by commas: orders shipped to these states "
            "pay the sales tax above. Local pickup always does."
        ),
    )
    tax_shipping = models.BooleanField(
        _("tax shipping"),
        default=True,
        help_text=_("Kentucky taxes delivery charges on taxable goods."),
    )
    shipping_cost_per_order = models.DecimalField(
        _("postage cost per order"),
        **MONEY,
        default=Decimal("6.00"),
        help_text=_("What shipping one order costs us, for the profit figures."),
    )
    # What one buyer may hold at once: stock in orders placed but not paid yet
    # (a payment page is open). Without these, one address could keep the whole
    # shop from other buyers (see shop.services and SECURITY.md).
    max_items_per_order = models.PositiveSmallIntegerField(
        _("most items in one order"),
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Buyers who want more are asked to contact us (a bulk order). "
            "10 is a good number for a small shop."
        ),
    )
    max_items_held_per_address = models.PositiveSmallIntegerField(
        _("most items one buyer can hold at once"),
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Items waiting for payment in all the orders placed from one internet "
            "connection. They count until the order is paid or its payment page "
            "closes (about half an hour)."
        ),
    )
    max_share_held_per_address = models.PositiveSmallIntegerField(
        _("most of one item's stock one buyer can hold (percent)"),
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "25 means a quarter: with 20 in stock, one buyer can hold 5 at once "
            "while they pay. One can always be bought, however low the stock."
        ),
    )

    class Meta:
        verbose_name = _("shop settings")
        verbose_name_plural = _("shop settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(sales_tax_rate__gte=0) & Q(sales_tax_rate__lt=1),
                name="shop_settings_tax_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(flat_shipping_rate__gte=0),
                name="shop_settings_shipping_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(max_items_per_order__gte=1)
                & Q(max_items_held_per_address__gte=1)
                & Q(max_share_held_per_address__gte=1)
                & Q(max_share_held_per_address__lte=100),
                name="shop_settings_hold_caps_range",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Shop settings"))

    @property
    def taxed_state_codes(self) -> frozenset[str]:
        return frozenset(
            code.strip().upper()
            for code in self.taxed_states.split(",")
            if code.strip()
        )


class StockAdjustment(models.Model):
    """One change of a variant's stock made by staff, with its reason: the
    variant's stock history (sales and refunds are in the orders)."""

    class Reason(models.TextChoices):
        RESTOCK = "restock", _("Restock (new items arrived)")
        DAMAGED = "damaged", _("Damaged or lost")
        COUNT = "count", _("Count correction")

    variant = models.ForeignKey(
        Variant,
        verbose_name=_("variant"),
        on_delete=models.CASCADE,
        related_name="stock_adjustments",
    )
    change = models.IntegerField(
        _("change"), help_text=_("How many more (10) or fewer (-2) there are.")
    )
    stock_after = models.PositiveIntegerField(_("in stock after"))
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = staff_member_field()
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("stock adjustment")
        constraints = [
            models.CheckConstraint(
                condition=~Q(change=0), name="shop_stockadjustment_not_zero"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant}: {self.change:+d} ({self.get_reason_display()})"
