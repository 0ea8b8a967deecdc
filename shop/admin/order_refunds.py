"""Refunding an order from the admin: the refunds table on the order page and
the two-step refund view (the form, where nothing is chosen until staff choose
it, then a confirmation page whose signed choice alone refunds)."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from core.money import format_money
from shop.admin.refund_form import (
    ConfirmationRefused,
    RefundChoice,
    RefundForm,
    confirmation_read,
    confirmation_token,
)
from shop.errors import RefundRefused
from shop.models import Order
from shop.selectors.refunds import (
    RefundPlan,
    RefundState,
    order_refund_state,
    refund_figures,
    refund_plan,
    refundable_quantities,
)
from shop.services.refunds import order_refund

# Finance's part of the orders (staff/roles.py): refunding needs its own right.
REFUND = "shop.refund_order"


class OrderRefundsAdmin(admin.ModelAdmin):
    """The order admin's refunds: the table of an order's refunds and the
    refund view, for those whose role may refund (403 for the others)."""

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:object_id>/refund/",
                self.admin_site.admin_view(self.refund_view),
                name="shop_order_refund",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("refunds"))
    def refunds_table(self, obj: Order) -> SafeString:
        """The refunds with the "Refund this order" button (the order page
        shows `refunds_list` instead to those who may not refund)."""
        return self._refunds(obj, button=True)

    @admin.display(description=_("refunds"))
    def refunds_list(self, obj: Order) -> SafeString:
        return self._refunds(obj, button=False)

    def _refunds(self, obj: Order, *, button: bool) -> SafeString:
        refunds = obj.refunds.prefetch_related("lines__line") if obj.pk else []
        can_refund = button and bool(obj.pk) and obj.status in Order.SALE_STATUSES
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
        """Refund chosen items (and the shipping, or the whole order) in two
        steps: the form, where nothing is chosen until staff choose it, then a
        confirmation page that repeats the amount. Only the confirmation's
        signed copy of the choice refunds, and only while the order's refunds
        are as they were shown; a changed or stale one is refused."""
        if not request.user.has_perm(REFUND):
            raise PermissionDenied
        order = get_object_or_404(Order, pk=object_id)
        state = order_refund_state(order=order)
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": _("Refund order %(number)s") % {"number": order.number},
            "order": order,
            "state": state,
            "opts": self.opts,
            "change_url": reverse("admin:shop_order_change", args=[order.pk]),
        }
        posted = request.POST if request.method == "POST" else None
        if posted is not None and "token" in posted and "edit" not in posted:
            return self._refund_confirmed(request, order, context)
        form = self._refund_form(order, state, posted)
        if posted is not None and "edit" not in posted and not state.blocker:
            if form.is_valid():
                choice = form.choice()
                try:
                    plan = refund_plan(
                        order=order,
                        quantities=choice.quantities,
                        shipping=choice.shipping,
                    )
                except RefundRefused as error:
                    form.add_error(None, str(error))
                else:
                    return self._refund_review(request, form, choice, plan, context)
        return TemplateResponse(
            request,
            "admin/shop/order/refund.html",
            {**context, "form": form, "figures": refund_figures(order, state)},
        )

    @staticmethod
    def _refund_form(
        order: Order, state: RefundState, data: QueryDict | None
    ) -> RefundForm:
        left = refundable_quantities(order)
        return RefundForm(
            data,
            lines=[(line, left.get(line.pk, 0)) for line in order.lines.all()],
            whole_amount=state.whole_amount,
            shipping_left=state.left.shipping,
        )

    def _refund_review(
        self,
        request: HttpRequest,
        form: RefundForm,
        choice: RefundChoice,
        plan: RefundPlan,
        context: dict[str, Any],
    ) -> HttpResponse:
        """The confirmation page: nothing is refunded yet."""
        order: Order = context["order"]
        lines = {line.pk: line for line in order.lines.all()}
        token = confirmation_token(
            order=order,
            choice=choice,
            amount=plan.amount,
            refunded=context["state"].refunded,
        )
        context = {
            **context,
            "title": _("Refund %(amount)s for order %(number)s?")
            % {"amount": format_money(plan.amount), "number": order.number},
            "form": form,
            "plan": plan,
            "choice": choice,
            "items": [
                (lines[pk], quantity, pk in choice.restock)
                for pk, quantity in plan.quantities.items()
            ],
            "token": token,
        }
        return TemplateResponse(
            request, "admin/shop/order/refund_confirm.html", context
        )

    def _refund_confirmed(
        self, request: HttpRequest, order: Order, context: dict[str, Any]
    ) -> HttpResponse:
        refund_url = reverse("admin:shop_order_refund", args=[order.pk])
        try:
            confirmation = confirmation_read(request.POST["token"], order=order)
        except ConfirmationRefused as error:
            self.message_user(request, str(error), messages.ERROR)
            state = context["state"]
            return TemplateResponse(
                request,
                "admin/shop/order/refund.html",
                {
                    **context,
                    "form": self._refund_form(order, state, None),
                    "figures": refund_figures(order, state),
                },
                status=400,
            )
        choice = confirmation.choice
        try:
            refund = order_refund(
                order=order,
                quantities=choice.quantities,
                shipping=choice.shipping,
                restock=choice.restock,
                reason=choice.reason,
                expected_amount=confirmation.amount,
                refunded_before=confirmation.refunded,
                by=request.user,
            )
        except RefundRefused as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(refund_url)
        self.message_user(
            request,
            _("%(amount)s refunded for order %(number)s.")
            % {"amount": format_money(refund.amount), "number": order.number},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(context["change_url"])
