"""
Orders (their lines are in `shop.models.lines`, their history in
`shop.models.events`), and the one proceeds formula.
"""

import secrets
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.db import models
from django.db.models import (
    Case,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.money import ZERO
from shop.models.catalog import MONEY, MONEY_SUM, unique_when_set
from shop.models.lines import OrderLine

# Each carrier's public tracking page, by tracking number.
TRACKING_URLS = {
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
    "ups": "https://www.ups.com/track?tracknum={number}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={number}",
}


def new_order_token() -> str:
    return secrets.token_urlsafe(24)


def _goods_cost() -> ExpressionWrapper:
    """Cost of goods of the outer order: unit cost x quantity over its lines,
    less the cost of what a refund put back in stock (it was not lost)."""
    lines = (
        OrderLine.objects.filter(order=OuterRef("pk"))
        .order_by()
        .values("order")
        .annotate(
            cost=Sum(
                ExpressionWrapper(
                    F("unit_cost") * F("quantity"), output_field=MONEY_SUM
                )
            )
        )
        .values("cost")
    )
    return ExpressionWrapper(
        Coalesce(Subquery(lines, output_field=MONEY_SUM), Value(ZERO))
        - _refunds("restocked_cost"),
        output_field=MONEY_SUM,
    )


def _refunds(field: str) -> Coalesce:
    """The sum of one part of the outer order's refunds that went through."""
    # Through the reverse relation (`OrderRefund.order`), so this module needs
    # no import of the refunds one, which imports it.
    refunds = (
        Order.objects.filter(pk=OuterRef("pk"), refunds__status="succeeded")
        .order_by()
        .values("pk")
        .annotate(total=Sum(f"refunds__{field}"))
        .values("total")
    )
    return Coalesce(
        Subquery(refunds, output_field=MONEY_SUM), Value(ZERO), output_field=MONEY_SUM
    )


# What `OrderQuerySet.with_proceeds()` adds to each order.
ANNOTATIONS = (
    "goods_cost",
    "proceeds",
    "fee_pending",
    "refunded",
    "refunded_goods",
    "refunded_shipping",
    "refunded_tax",
)


class OrderQuerySet(models.QuerySet["Order"]):
    def counted_as_sales(self) -> "OrderQuerySet":
        """Orders whose money we kept: paid and not refunded. The fulfilment
        statuses of a later step (packed, shipped...) belong here too."""
        return self.filter(status__in=Order.SALE_STATUSES)

    def with_proceeds(self) -> "OrderQuerySet":
        """THE proceeds formula, written once: every page, report, CSV row and the
        Home fund read it from here.

        `goods_cost`: unit cost x quantity over the lines (snapshotted at sale),
        less the cost of items a refund put back in stock.
        `refunded_goods` / `refunded_shipping` / `refunded_tax`: the parts of
        the refunds that went through (`OrderRefund`); `refunded` their sum.
        `proceeds`: goods paid (subtotal - promo discount) - goods_cost +
        shipping charged - postage
        (shipping_cost) - payment fee (a fee still unknown counts as 0 and
        `fee_pending` says so) - refunds of goods and shipping. Sales tax (and
        its refund) is the state's, never proceeds. An order whose money we did
        not keep (unpaid, refunded in full, under review) has none.
        `fee_pending`: a sale whose processor fee has not arrived yet.
        """
        is_sale = Q(status__in=Order.SALE_STATUSES)
        return self.annotate(
            goods_cost=_goods_cost(),
            refunded_goods=_refunds("goods_amount"),
            refunded_shipping=_refunds("shipping_amount"),
            refunded_tax=_refunds("tax_amount"),
            refunded=ExpressionWrapper(
                F("refunded_goods") + F("refunded_shipping") + F("refunded_tax"),
                output_field=MONEY_SUM,
            ),
            proceeds=Case(
                When(
                    is_sale,
                    then=ExpressionWrapper(
                        F("subtotal")
                        - F("discount_amount")
                        - F("goods_cost")
                        + F("shipping_amount")
                        - F("shipping_cost")
                        - Coalesce(F("payment_fee"), Value(ZERO))
                        - F("refunded_goods")
                        - F("refunded_shipping"),
                        output_field=MONEY_SUM,
                    ),
                ),
                default=Value(ZERO),
                output_field=MONEY_SUM,
            ),
            fee_pending=Case(
                When(is_sale & Q(payment_fee__isnull=True), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
        )


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        # Money arrived, but not the amount or currency asked for: never paid
        # until staff decide; its stock stays reserved meanwhile.
        NEEDS_REVIEW = "needs_review", _("Payment needs review")
        PAID = "paid", _("Paid")
        # Fulfilment, after payment (see `shop.services.shipping`).
        PACKED = "packed", _("Packed")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        READY_FOR_PICKUP = "ready_for_pickup", _("Ready for pickup")
        PICKED_UP = "picked_up", _("Picked up")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Canceled")
        FAILED = "failed", _("Payment failed")
        REFUNDED = "refunded", _("Refunded")

    class Delivery(models.TextChoices):
        SHIP = "ship", _("Ship to a US address")
        PICKUP = "pickup", _("Local pickup")

    class Carrier(models.TextChoices):
        USPS = "usps", "USPS"
        UPS = "ups", "UPS"
        FEDEX = "fedex", "FedEx"

    # Statuses whose money counts as a sale (see OrderQuerySet.counted_as_sales):
    # paid, and every fulfilment step after it.
    SALE_STATUSES = (
        Status.PAID,
        Status.PACKED,
        Status.SHIPPED,
        Status.DELIVERED,
        Status.READY_FOR_PICKUP,
        Status.PICKED_UP,
    )
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
    # The cart (kept in the buyer's session) this order was placed from: a cart
    # has at most one pending order (see Meta.constraints).
    cart_id = models.CharField(_("cart"), max_length=64, blank=True, editable=False)
    # Who placed it, as far as holding stock goes: a keyed hash of the client's
    # address (never the address itself; an IPv6 address by its /64 network),
    # so that what one address holds in unpaid orders can be capped
    # (ShopSettings). Cleared once the order no longer holds stock.
    holder_key = models.CharField(
        _("holder"), max_length=32, blank=True, editable=False, db_index=True
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
    discount_amount = models.DecimalField(_("discount"), **MONEY, default=ZERO)
    promo_code = models.ForeignKey(
        "shop.PromoCode",
        verbose_name=_("promo code"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    shipping_amount = models.DecimalField(_("shipping charged"), **MONEY)
    tax_amount = models.DecimalField(_("sales tax"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    shipping_cost = models.DecimalField(
        _("postage cost"),
        **MONEY,
        help_text=_(
            "What delivery cost us. It starts at the shop settings' postage per "
            "order: enter the real figure once you know it."
        ),
    )
    payment_fee = models.DecimalField(_("payment fee"), **MONEY, null=True, blank=True)
    amount_paid = models.DecimalField(
        _("amount paid"),
        **MONEY,
        null=True,
        blank=True,
        help_text=_("What the payment processor reports the buyer paid."),
    )
    currency_paid = models.CharField(_("currency paid"), max_length=3, blank=True)

    carrier = models.CharField(
        _("carrier"), max_length=10, choices=Carrier.choices, blank=True
    )
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)

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
        # Beyond view and change: the parts of an order's work that are
        # Finance's, not the packing volunteers' (see staff/roles.py).
        permissions = [
            ("refund_order", "Can refund orders"),
            ("accept_payment_order", "Can accept a payment under review"),
            ("view_proceeds", "Can see proceeds and the sales report"),
            ("export_order", "Can export orders as CSV"),
        ]
        constraints = [
            unique_when_set(
                "checkout_session_id", name="shop_order_unique_checkout_session"
            ),
            unique_when_set(
                "payment_intent_id", name="shop_order_unique_payment_intent"
            ),
            # One visitor cannot hold the shop's stock with many pending orders:
            # checking the same cart out again reuses or replaces its order.
            models.UniqueConstraint(
                fields=["cart_id"],
                condition=Q(status="pending") & ~Q(cart_id=""),
                name="shop_order_one_pending_per_cart",
            ),
            models.CheckConstraint(
                condition=Q(subtotal__gte=0)
                & Q(shipping_amount__gte=0)
                & Q(tax_amount__gte=0)
                & Q(total__gte=0),
                name="shop_order_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(shipping_cost__gte=0),
                name="shop_order_postage_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(discount_amount__gte=0),
                name="shop_order_discount_not_negative",
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
    def tracking_url(self) -> str:
        """The carrier's tracking page for this parcel, or "" when unknown."""
        template = TRACKING_URLS.get(self.carrier)
        if not template or not self.tracking_number:
            return ""
        return template.format(number=quote(self.tracking_number, safe=""))

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        # The proceeds read with the row may be stale now: read them again.
        for name in ANNOTATIONS:
            self.__dict__.pop(name, None)
        super().refresh_from_db(*args, **kwargs)

    def _annotated(self, name: str) -> Any:
        """An annotation of `Order.objects.with_proceeds()`: the one loaded with
        this row when it came from that queryset, else read for this row."""
        if name not in self.__dict__:
            values = Order.objects.with_proceeds().filter(pk=self.pk)
            row = values.values(*ANNOTATIONS).get()
            self.__dict__.update(row)
        return self.__dict__[name]

    @property
    def goods_cost(self) -> Decimal:
        return Decimal(self._annotated("goods_cost")).quantize(Decimal("0.01"))

    @goods_cost.setter
    def goods_cost(self, value: Decimal) -> None:
        self.__dict__["goods_cost"] = value

    @property
    def proceeds(self) -> Decimal:
        """What this order leaves for the home (see `OrderQuerySet.with_proceeds`)."""
        return Decimal(self._annotated("proceeds")).quantize(Decimal("0.01"))

    @proceeds.setter
    def proceeds(self, value: Decimal) -> None:
        self.__dict__["proceeds"] = value

    @property
    def refunded(self) -> Decimal:
        """What the buyer got back so far, sales tax included."""
        return Decimal(self._annotated("refunded")).quantize(Decimal("0.01"))

    @refunded.setter
    def refunded(self, value: Decimal) -> None:
        self.__dict__["refunded"] = value

    @property
    def amount_charged(self) -> Decimal:
        """What the buyer was charged: what the processor reported, else the
        order's total."""
        return self.amount_paid if self.amount_paid is not None else self.total

    @property
    def fee_pending(self) -> bool:
        return bool(self._annotated("fee_pending"))

    @fee_pending.setter
    def fee_pending(self, value: bool) -> None:
        self.__dict__["fee_pending"] = value
