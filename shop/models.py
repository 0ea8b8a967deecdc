"""
The shop's records: a catalogue (categories, products, variants that carry price,
cost and stock), the shipping and tax settings staff edit, and orders whose lines
snapshot what was sold.

Writes live in `shop/services.py`; here are fields, constraints and reads that repeat.
"""

import secrets
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.images import validate_image_file

MONEY = {"max_digits": 10, "decimal_places": 2}


class Category(models.Model):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class ProductQuerySet(models.QuerySet):
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
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown: **bold**, lists, links.")
    )
    is_active = models.BooleanField(
        _("on sale"), default=True, help_text=_("Untick to hide it from the shop.")
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
    image = models.ImageField(
        _("image"),
        upload_to="shop/%Y/",
        validators=[validate_image_file],
        width_field="width",
        height_field="height",
    )
    width = models.PositiveIntegerField(_("width"), null=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, editable=False)
    alt = models.CharField(
        _("alt text"),
        max_length=250,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("product image")

    def __str__(self) -> str:
        return self.alt


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
    colour = models.CharField(_("colour"), max_length=40, blank=True)
    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    price = models.DecimalField(_("price"), **MONEY)
    unit_cost = models.DecimalField(
        _("unit cost"),
        **MONEY,
        default=Decimal("0.00"),
        help_text=_("What one costs us (cost of goods), for the profit figures."),
    )
    stock = models.PositiveIntegerField(_("in stock"), default=0)
    is_active = models.BooleanField(_("on sale"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("variant")
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
        default="We will email you within two working days to arrange a time to "
        "collect your order in Louisville.",
        help_text=_("Shown at checkout and in the confirmation email."),
    )
    sales_tax_rate = models.DecimalField(
        _("sales tax rate"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.0600"),
        help_text=_("0.0600 is 6% (Kentucky)."),
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
        ]

    def __str__(self) -> str:
        return str(_("Shop settings"))


def new_order_token() -> str:
    return secrets.token_urlsafe(24)


class OrderQuerySet(models.QuerySet):
    def counted_as_sales(self) -> "OrderQuerySet":
        """Orders whose money we kept: paid and not refunded. The fulfilment
        statuses of a later step (packed, shipped...) belong here too."""
        return self.filter(status__in=Order.SALE_STATUSES)


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        PAID = "paid", _("Paid")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Payment failed")
        REFUNDED = "refunded", _("Refunded")

    class Delivery(models.TextChoices):
        SHIP = "ship", _("Ship to a US address")
        PICKUP = "pickup", _("Local pickup")

    # Statuses whose money counts as a sale (see OrderQuerySet.counted_as_sales).
    SALE_STATUSES = (Status.PAID,)
    # Statuses that gave back the stock they had reserved.
    RELEASED_STATUSES = (Status.EXPIRED, Status.CANCELLED, Status.FAILED)

    # NULL for the instant between the INSERT and the UPDATE that derives the
    # number from the primary key (several NULLs never collide, "" would).
    number = models.CharField(  # noqa: DJ001
        _("order number"), max_length=20, unique=True, null=True, editable=False
    )
    token = models.CharField(
        _("status link token"),
        max_length=64,
        unique=True,
        default=new_order_token,
        editable=False,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
    )
    needs_attention = models.BooleanField(
        _("needs attention"),
        default=False,
        help_text=_("Something about this order needs a person: see the note."),
    )
    attention_note = models.TextField(_("attention note"), blank=True)

    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    delivery_method = models.CharField(
        _("delivery"), max_length=10, choices=Delivery.choices
    )
    address_line1 = models.CharField(_("address line 1"), max_length=120, blank=True)
    address_line2 = models.CharField(_("address line 2"), max_length=120, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    state = models.CharField(_("state"), max_length=2, blank=True)
    zip_code = models.CharField(_("ZIP code"), max_length=10, blank=True)

    subtotal = models.DecimalField(_("goods"), **MONEY)
    shipping_amount = models.DecimalField(_("shipping charged"), **MONEY)
    tax_amount = models.DecimalField(_("sales tax"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    shipping_cost = models.DecimalField(
        _("postage cost"), **MONEY, help_text=_("What delivery costs us.")
    )
    payment_fee = models.DecimalField(_("payment fee"), **MONEY, null=True, blank=True)

    checkout_session_id = models.CharField(
        _("checkout session id"), max_length=255, blank=True, db_index=True
    )
    payment_intent_id = models.CharField(
        _("payment intent id"), max_length=255, blank=True, db_index=True
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    stock_released_at = models.DateTimeField(_("stock released"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(
        _("confirmation email sent"), null=True, blank=True
    )

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("order")
        constraints = [
            models.UniqueConstraint(
                fields=["checkout_session_id"],
                condition=~Q(checkout_session_id=""),
                name="shop_order_unique_checkout_session",
            ),
            models.UniqueConstraint(
                fields=["payment_intent_id"],
                condition=~Q(payment_intent_id=""),
                name="shop_order_unique_payment_intent",
            ),
            models.CheckConstraint(
                condition=Q(subtotal__gte=0)
                & Q(shipping_amount__gte=0)
                & Q(tax_amount__gte=0)
                & Q(total__gte=0),
                name="shop_order_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"order #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("shop:order-detail", kwargs={"token": self.token})

    @property
    def is_paid(self) -> bool:
        return self.status in self.SALE_STATUSES

    @property
    def goods_cost(self) -> Decimal:
        return sum(
            (line.unit_cost * line.quantity for line in self.lines.all()),
            Decimal("0.00"),
        )

    @property
    def proceeds(self) -> Decimal:
        """What this order leaves for the home: goods minus their cost, postage
        and the payment fee. Sales tax is the state's, never proceeds."""
        return (
            self.subtotal
            - self.goods_cost
            - self.shipping_cost
            - (self.payment_fee or Decimal("0"))
        )


class OrderLine(models.Model):
    """What was sold, copied at purchase time so later catalogue edits change
    nothing about past orders."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines"
    )
    # PROTECT: a sold variant is deactivated, never deleted, so stock can always
    # be given back to it.
    variant = models.ForeignKey(
        Variant,
        verbose_name=_("variant"),
        on_delete=models.PROTECT,
        related_name="order_lines",
    )
    product_name = models.CharField(_("product"), max_length=120)
    variant_label = models.CharField(_("variant"), max_length=80, blank=True)
    sku = models.CharField(_("SKU"), max_length=40)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    unit_cost = models.DecimalField(_("unit cost"), **MONEY)
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("order line")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="shop_orderline_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description}"

    @property
    def description(self) -> str:
        if self.variant_label:
            return f"{self.product_name} ({self.variant_label})"
        return self.product_name

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity
