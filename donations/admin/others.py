"""The admin of donors, monthly gifts, the Home fund and the donate page's presets."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.db.models import Count, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin_lists import PaymentModeFilter, test_payment_display
from core.money import ZERO, format_money
from donations import selectors
from donations.admin.gifts import COUNTED, MONEY
from donations.models import (
    DonationPreset,
    Donor,
    HomeFund,
    Milestone,
    RecurringGift,
)
from donations.services import monthly
from payments.errors import PaymentError
from payments.services.local_gateway import (
    local_gateway_enabled,
    local_subscription_charge,
)


@admin.register(Donor)
class DonorAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "gifts", "given_this_year", "given_last_year"]
    search_fields = ["name", "email"]
    readonly_fields = ["created_at", "yearly_totals"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Donor]:
        year = timezone.localdate().year
        counted = Q(donations__status__in=COUNTED)
        return (
            super()
            .get_queryset(request)
            .annotate(
                _gifts=Count("donations", filter=counted),
                _this_year=Coalesce(
                    Sum(
                        "donations__amount",
                        filter=counted & Q(donations__date__year=year),
                    ),
                    Value(ZERO),
                    output_field=MONEY,
                ),
                _last_year=Coalesce(
                    Sum(
                        "donations__amount",
                        filter=counted & Q(donations__date__year=year - 1),
                    ),
                    Value(ZERO),
                    output_field=MONEY,
                ),
            )
        )

    @admin.display(description=_("gifts"), ordering="_gifts")
    def gifts(self, obj: Any) -> int:
        return int(obj._gifts)

    @admin.display(description=_("given this year"), ordering="_this_year")
    def given_this_year(self, obj: Any) -> str:
        return format_money(obj._this_year)

    @admin.display(description=_("given last year"), ordering="_last_year")
    def given_last_year(self, obj: Any) -> str:
        return format_money(obj._last_year)

    @admin.display(description=_("given by year"))
    def yearly_totals(self, obj: Donor) -> str:
        rows = (
            obj.donations.filter(status__in=COUNTED)
            .annotate(year=ExtractYear("date"))
            .values("year")
            .annotate(total=Sum("amount"))
            .order_by("-year")
        )
        return ", ".join(f"{row['year']}: {format_money(row['total'])}" for row in rows)


@admin.register(RecurringGift)
class RecurringGiftAdmin(admin.ModelAdmin):
    list_display = [
        "donor",
        "amount_display",
        "status",
        "next_charge_date",
        "test_payment",
    ]
    list_filter = ["status", PaymentModeFilter]
    search_fields = ["donor__name", "donor__email", "subscription_id", "customer_id"]
    list_select_related = ["donor"]
    readonly_fields = [
        "donor",
        "reference",
        "amount",
        "fee_covered",
        "status",
        "subscription_id",
        "customer_id",
        "test_payment",
        "next_charge_date",
        "created_at",
        "cancelled_at",
    ]

    # Shown as "test payment: yes / no" (above), never as a box to tick.
    exclude = ["livemode"]
    actions = ["cancel_gifts", "charge_next_month", "fail_next_month"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: RecurringGift | None = None
    ) -> bool:
        return False

    def get_actions(
        self,
        request: HttpRequest,
        action_location: ActionLocation = ActionLocation.CHANGE_LIST,
    ) -> dict[str, Any]:
        actions = super().get_actions(request, action_location)
        if not local_gateway_enabled():  # test charges only on a test site
            actions.pop("charge_next_month", None)
            actions.pop("fail_next_month", None)
        return actions

    @admin.action(
        description=_("Cancel the selected monthly gifts (donor asked)"),
        permissions=["change"],
    )
    def cancel_gifts(
        self, request: HttpRequest, queryset: QuerySet[RecurringGift]
    ) -> None:
        cancelled = failed = 0
        for gift in queryset:
            try:
                cancelled += monthly.recurring_gift_cancel(gift=gift)
            except PaymentError as error:
                failed += 1
                self.message_user(request, f"{gift}: {error}", messages.ERROR)
        self.message_user(
            request,
            _("%(count)s monthly gift(s) canceled.") % {"count": cancelled},
            messages.SUCCESS if not failed else messages.WARNING,
        )

    def _test_charge(
        self, request: HttpRequest, queryset: QuerySet[RecurringGift], succeed: bool
    ) -> None:
        done = 0
        for gift in queryset.exclude(subscription_id=None):
            if (
                gift.status == RecurringGift.Status.CANCELLED
                or not gift.subscription_id
            ):
                continue
            local_subscription_charge(
                subscription_id=gift.subscription_id, succeed=succeed
            )
            done += 1
        self.message_user(
            request,
            _("Test gateway: %(count)s charge(s) made.") % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Test gateway: charge next month now"), permissions=["change"]
    )
    def charge_next_month(
        self, request: HttpRequest, queryset: QuerySet[RecurringGift]
    ) -> None:
        self._test_charge(request, queryset, succeed=True)

    @admin.action(
        description=_("Test gateway: make next month's charge fail"),
        permissions=["change"],
    )
    def fail_next_month(
        self, request: HttpRequest, queryset: QuerySet[RecurringGift]
    ) -> None:
        self._test_charge(request, queryset, succeed=False)

    @admin.display(description=_("test payment"))
    def test_payment(self, obj: RecurringGift) -> str:
        return test_payment_display(obj)

    @admin.display(description=_("each month"), ordering="amount")
    def amount_display(self, obj: RecurringGift) -> str:
        return format_money(obj.charged_amount)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 1
    fields = ["title", "amount", "description"]


@admin.register(HomeFund)
class HomeFundAdmin(admin.ModelAdmin):
    list_display = ["title", "goal_display", "raised_display", "target_date"]
    inlines = [MilestoneInline]
    readonly_fields = ["raised_display"]
    fields = [
        "title",
        "goal_amount",
        "raised_display",
        "target_date",
        "description",
        "image",
        "image_alt",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One Home fund, added by a role that may add it.
        return super().has_add_permission(request) and not HomeFund.objects.exists()

    @admin.display(description=_("goal"))
    def goal_display(self, obj: HomeFund) -> str:
        return format_money(obj.goal_amount)

    @admin.display(description=_("raised so far (store proceeds and gifts)"))
    def raised_display(self, obj: HomeFund) -> str:
        return format_money(selectors.fund_raised())


@admin.register(DonationPreset)
class DonationPresetAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "frequency",
        "amount_display",
        "display_order",
        "is_active",
    ]
    list_editable = ["display_order", "is_active"]
    list_filter = ["frequency", "is_active"]

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, obj: DonationPreset) -> str:
        return format_money(obj.amount)
