"""The order tools behind the order admin: the next fulfilment step, the sales
report, packing slips and CSV exports, each a view or an action (refunds are in
`order_refunds`)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import (
    QuerySet,
)
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from core.charts import stacked_bar_chart
from shop.admin.order_refunds import OrderRefundsAdmin
from shop.errors import TransitionRefused
from shop.forms import (
    FulfilmentForm,
    ReportPeriodForm,
)
from shop.models import (
    Order,
)
from shop.selectors import shop_settings
from shop.selectors.reports import (
    order_lines_csv,
    orders_csv,
    report_csv,
    report_orders,
    sales_report,
)
from shop.services.shipping import (
    PACK_AND_SHIP,
    next_steps,
    order_pack_and_ship,
    order_transition,
    orders_transition,
)

# Finance's part of the orders (staff/roles.py): the Shop manager packs and
# ships them (change), Finance refunds, reports and exports.
ACCEPT_PAYMENT = "shop.accept_payment_order"
VIEW_PROCEEDS = "shop.view_proceeds"
EXPORT = "shop.export_order"


class OrderToolsAdmin(OrderRefundsAdmin):
    """What `OrderAdmin` offers beyond the list and the order page: its extra
    views (next step, report, packing slips; refunds from `OrderRefundsAdmin`)
    and its actions, each for
    those whose role includes it (a link or button only for them, 403 for the
    others)."""

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(EXPORT)

    def has_accept_payment_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(ACCEPT_PAYMENT)

    def get_urls(self) -> list[URLPattern]:
        return [
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
        if not self.has_change_permission(request):
            raise PermissionDenied
        order = get_object_or_404(Order, pk=object_id)
        change_url = reverse("admin:shop_order_change", args=[order.pk])
        steps = next_steps(order)
        form = FulfilmentForm(request.POST or None, steps=steps)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if data["status"] == PACK_AND_SHIP:
                    order_pack_and_ship(
                        order=order,
                        by=request.user,
                        note=data["note"],
                        carrier=data["carrier"],
                        tracking_number=data["tracking_number"],
                    )
                else:
                    order_transition(
                        order=order,
                        status=data["status"],
                        by=request.user,
                        note=data["note"],
                        carrier=data["carrier"],
                        tracking_number=data["tracking_number"],
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

    # -- Report -------------------------------------------------------------
    def report_view(self, request: HttpRequest) -> HttpResponse:
        """Sales for a chosen period, by month and by product, with a chart and
        CSV downloads (?csv=report|orders|lines) for those who may export."""
        if not request.user.has_perm(VIEW_PROCEEDS):
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
        can_export = self.has_export_permission(request)
        if which and not can_export:
            raise PermissionDenied
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
            ]
            if can_export
            else [],
        }
        return TemplateResponse(request, "admin/shop/order/report.html", context)

    @admin.action(
        description=_("Export the lines of selected orders as CSV"),
        permissions=["export"],
    )
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

    @admin.action(description=_("Print packing slips"), permissions=["change"])
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
        goes), without the admin around it: for those who pack orders."""
        if not self.has_change_permission(request):
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

    @admin.action(description=_("Mark as packed"), permissions=["change"])
    def mark_packed(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._step(request, queryset, Order.Status.PACKED)

    @admin.action(description=_("Mark as delivered"), permissions=["change"])
    def mark_delivered(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._step(request, queryset, Order.Status.DELIVERED)

    @admin.action(
        description=_("Mark as ready for pickup (emails the buyer)"),
        permissions=["change"],
    )
    def mark_ready_for_pickup(
        self, request: HttpRequest, queryset: QuerySet[Order]
    ) -> None:
        self._step(request, queryset, Order.Status.READY_FOR_PICKUP)

    @admin.action(description=_("Mark as picked up"), permissions=["change"])
    def mark_picked_up(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._step(request, queryset, Order.Status.PICKED_UP)

    @admin.action(
        description=_("Export selected orders as CSV"), permissions=["export"]
    )
    def export_csv(
        self, request: HttpRequest, queryset: QuerySet[Order]
    ) -> HttpResponse:
        # The admin's queryset carries the proceeds (Order.objects.with_proceeds).
        return orders_csv(queryset)
