"""Orders in the admin, for volunteers: the list (payments under review first),
the order page grouped buyer, delivery, lines, money and history, and the
actions that move an order along (see `shop.admin.order_tools`)."""

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db.models import (
    Case,
    IntegerField,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from core.money import format_money
from shop.admin.order_filters import NeedsAttentionFilter, ToDoFilter
from shop.admin.order_refunds import REFUND
from shop.admin.order_tools import VIEW_PROCEEDS, OrderToolsAdmin
from shop.models import (
    Order,
    OrderQuerySet,
)
from shop.services.emails import order_send_confirmation
from shop.services.outcomes import order_accept_reviewed_payment
from shop.services.shipping import next_steps

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
    "refunds_list",
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
class OrderAdmin(OrderToolsAdmin):
    list_display = [
        "number",
        "created_on",
        "name",
        "status_display",
        "delivery_display",
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

    def get_fieldsets(self, request: HttpRequest, obj: Order | None = None) -> Any:
        """The order page shows each volunteer the tools of their role: the
        fulfillment and packing slip links to who packs orders, the refund
        button to who may refund, the proceeds to Finance."""
        hidden = set()
        if not self.has_change_permission(request, obj):
            hidden |= {"fulfilment_link", "packing_slip_link"}
        if not request.user.has_perm(VIEW_PROCEEDS):
            hidden.add("proceeds_display")
        refunds = "refunds_table" if request.user.has_perm(REFUND) else "refunds_list"
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        refunds if field == "refunds_table" else field
                        for field in options["fields"]
                        if field not in hidden
                    ],
                },
            )
            for name, options in super().get_fieldsets(request, obj)
        ]

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

    @admin.display(description=_("created"), ordering="created_at")
    def created_on(self, obj: Order) -> str:
        return date_format(timezone.localtime(obj.created_at), "M j, Y")

    @admin.display(description=_("delivery"), ordering="delivery_method")
    def delivery_display(self, obj: Order) -> str:
        if obj.delivery_method == Order.Delivery.PICKUP:
            return str(_("Pickup"))
        return str(_("Ship"))

    @admin.display(description=_("paid"))
    def paid_display(self, obj: Order) -> str:
        """What the processor reported, with its currency when it is not ours."""
        if obj.amount_paid is None:
            return "-"
        currency = obj.currency_paid
        if currency.lower() == settings.CURRENCY.lower():
            currency = ""
        return f"{format_money(obj.amount_paid)} {currency}".strip()

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

    @admin.action(
        description=_("Send the confirmation email where it is missing"),
        permissions=["change"],
    )
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

    @admin.action(
        description=_("Accept the payment under review as paid"),
        permissions=["accept_payment"],
    )
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
        if Order.Status.PACKED in steps:
            labels = str(_("%(step)s, or packed and shipped") % {"step": labels})
        return format_html(
            '<a class="button" href="{}">{}</a>',
            url,
            _("Next step: %(steps)s") % {"steps": labels},
        )

    class Media:
        css = {"all": ["shop/admin.css"]}
