"""
The donations admin, for volunteers: gifts (with the total of what the list
shows), donors with their yearly totals, monthly gifts, the Home fund and its
milestones, and the preset amounts of the donate page. Money and payment ids are
read-only once a gift is paid; a cash or check gift is recorded through the same
service that numbers it and sends its receipt.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.admin_lists import PaymentModeFilter, test_payment_display
from core.money import ZERO, format_money
from core.spreadsheets import csv_response
from donations import selectors
from donations.errors import DonationError
from donations.models import Donation, Frequency
from donations.services.offline import (
    OfflineGift,
    donation_record_offline,
    validate_offline_gift,
)
from donations.services.receipts import donation_send_receipt

# Finance's (staff/roles.py): adding a gift here records a cash or check gift,
# numbered and receipted; an export takes donors' details off the site.
RECORD_OFFLINE = "donations.record_offline_donation"
EXPORT = "donations.export_donation"

MONEY = DecimalField(max_digits=12, decimal_places=2)
COUNTED = [Donation.Status.PAID, Donation.Status.PARTIALLY_REFUNDED]
# Money was taken (some may have been given back since): what the list's
# "paid" total adds up.
RECEIVED = [*COUNTED, Donation.Status.REFUNDED]
# Checkouts a donor opened and never paid (left, or the card was declined):
# hidden from the list, its totals and its export unless staff ask for them.
NOT_COMPLETED = [Donation.Status.PENDING, Donation.Status.FAILED]

PAYMENT_FIELDS = [
    "checkout_session_id",
    "invoice_id",
    "payment_intent_id",
    "charge_id",
    "test_payment",
]
MONEY_FIELDS = [
    "amount",
    "fee_covered",
    "processor_fee",
    "amount_refunded",
    "amount_received",
]


class OfflineGiftForm(forms.ModelForm):
    """Adding a gift in the admin records a cash or check gift."""

    email = forms.EmailField(label=_("Donor's email"))
    name = forms.CharField(label=_("Donor's name"), max_length=200)

    class Meta:
        model = Donation
        fields = ["amount", "date", "method", "check_number", "send_receipt", "note"]
        help_texts = {
            "date": _("The day the gift was received."),
            "send_receipt": _("Email the donor a receipt now."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        method = self.fields["method"]
        assert isinstance(method, forms.ChoiceField)
        method.choices = [
            (Donation.Method.CHECK, Donation.Method.CHECK.label),
            (Donation.Method.CASH, Donation.Method.CASH.label),
        ]
        self.fields["date"].required = True
        self.fields["date"].initial = timezone.localdate

    def offline_gift(self) -> OfflineGift:
        data = self.cleaned_data
        return OfflineGift(
            email=data["email"],
            name=data["name"],
            amount=data["amount"],
            date=data["date"],
            method=data["method"],
            check_number=data.get("check_number") or "",
            send_receipt=bool(data.get("send_receipt")),
            note=data.get("note") or "",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("amount") is not None and cleaned.get("date") is not None:
            try:
                validate_offline_gift(gift=self.offline_gift())
            except DonationError as error:
                raise forms.ValidationError(str(error)) from error
        return cleaned


class PaymentFilter(admin.SimpleListFilter):
    """Paid gifts by default: a donor who opened the payment page and left is
    not a gift. A payment under review stays in view (money arrived)."""

    title = _("payment")
    parameter_name = "payment"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("not_completed", _("Not completed (left or declined)")),
            ("all", _("All")),
        ]

    def choices(self, changelist: Any) -> Any:
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Paid (default)"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: lookup}
                ),
                "display": title,
            }

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Donation]
    ) -> QuerySet[Donation]:
        if self.value() == "all":
            return queryset
        if self.value() == "not_completed":
            return queryset.filter(status__in=NOT_COMPLETED)
        if "status__exact" in request.GET:  # a status chosen in the filter below
            return queryset
        return queryset.exclude(status__in=NOT_COMPLETED)


@admin.register(Donation)
class DonationAdmin(admin.ModelAdmin):
    list_display = [
        "paid_on",
        "donor",
        "amount_display",
        "source",
        "status",
    ]
    list_filter = [
        PaymentFilter,
        "status",
        "frequency",
        "source",
        "date",
        PaymentModeFilter,
    ]
    search_fields = [
        "donor__name",
        "donor__email",
        "reference",
        "receipt_number",
        "checkout_session_id",
        "invoice_id",
        "payment_intent_id",
        "charge_id",
    ]
    list_select_related = ["donor"]
    autocomplete_fields = ["donor"]
    date_hierarchy = "date"
    actions = ["resend_receipts", "export_csv", "export_all_csv"]
    fieldsets = [
        (None, {"fields": ["donor", "status", "frequency", "source", "method"]}),
        (
            _("Money"),
            {"fields": [*MONEY_FIELDS, "date", "paid_at", "check_number"]},
        ),
        (
            _("Dedication and wall"),
            {
                "fields": [
                    "dedication",
                    "dedication_name",
                    "dedication_notify_email",
                    "is_anonymous",
                    "show_on_wall",
                    "hidden_from_wall",
                ]
            },
        ),
        (_("Receipt"), {"fields": ["receipt_number", "receipt_sent_at", "note"]}),
        (
            _("Technical details"),
            {
                "classes": ["collapse"],
                "fields": ["reference", "recurring_gift", *PAYMENT_FIELDS],
            },
        ),
    ]

    class Media:
        css = {"all": ["donations/admin.css"]}

    def get_form(
        self,
        request: HttpRequest,
        obj: Donation | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[forms.ModelForm]:
        if obj is None:
            kwargs["form"] = OfflineGiftForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Donation | None = None) -> Any:
        if obj is None:
            return [
                (
                    _("A cash or check gift"),
                    {
                        "fields": [
                            "name",
                            "email",
                            "amount",
                            "date",
                            "method",
                            "check_number",
                            "send_receipt",
                            "note",
                        ]
                    },
                )
            ]
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(
        self, request: HttpRequest, obj: Donation | None = None
    ) -> list[str]:
        if obj is None:
            return []
        readonly = [
            "reference",
            "recurring_gift",
            "frequency",
            "source",
            "status",
            "paid_at",
            "receipt_number",
            "receipt_sent_at",
            "amount_received",
            *PAYMENT_FIELDS,
        ]
        # Money is what the donor was asked for and paid: a pending online gift
        # has a payment page open for exactly that amount, and a paid one is an
        # accounting record. Correct a mistake with a refund, never an edit.
        readonly += ["donor", "method", "date", *MONEY_FIELDS]
        if obj.status != Donation.Status.PENDING:
            readonly.append("check_number")
        return list(dict.fromkeys(readonly))

    def save_model(
        self, request: HttpRequest, obj: Donation, form: forms.ModelForm, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        assert isinstance(form, OfflineGiftForm)
        donation = donation_record_offline(gift=form.offline_gift())
        obj.pk = donation.pk
        obj.refresh_from_db()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(RECORD_OFFLINE)

    def has_delete_permission(
        self, request: HttpRequest, obj: Donation | None = None
    ) -> bool:
        # Gifts are accounting records: refund or correct them, never delete.
        return False

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(EXPORT)

    @admin.display(description=_("test payment"))
    def test_payment(self, obj: Donation) -> str:
        return test_payment_display(obj)

    @admin.display(description=_("date"), ordering="date")
    def paid_on(self, obj: Donation) -> str:
        if obj.date:
            return date_format(obj.date, "M j, Y")
        return "—"

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, obj: Donation) -> str:
        amount = format_money(obj.charged_amount)
        if obj.frequency == Frequency.MONTHLY:
            return str(_("%(amount)s (monthly)") % {"amount": amount})
        return amount

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if isinstance(response, TemplateResponse) and response.context_data:
            changelist = response.context_data.get("cl")
            if changelist is not None:
                received = Q(status__in=RECEIVED)
                totals = changelist.queryset.aggregate(
                    gifts=Count("pk"),
                    unpaid=Count("pk", filter=Q(status__in=NOT_COMPLETED)),
                    paid=Coalesce(
                        Sum("amount", filter=received)
                        + Sum("fee_covered", filter=received),
                        Value(ZERO),
                        output_field=MONEY,
                    ),
                    net=Coalesce(
                        Sum(selectors.NET, filter=Q(status__in=COUNTED)),
                        Value(ZERO),
                        output_field=MONEY,
                    ),
                )
                response.context_data["totals"] = {
                    # The list's default (PaymentFilter) leaves them out: say so.
                    "unpaid_link": ""
                    if PaymentFilter.parameter_name in request.GET
                    or "status__exact" in request.GET
                    else changelist.get_query_string(
                        {PaymentFilter.parameter_name: "not_completed"}
                    ),
                    "gifts": totals["gifts"],
                    "unpaid": totals["unpaid"],
                    "paid": format_money(totals["paid"]),
                    "net": format_money(totals["net"]),
                }
        return response

    @admin.action(description=_("Send the receipt again"), permissions=["change"])
    def resend_receipts(
        self, request: HttpRequest, queryset: QuerySet[Donation]
    ) -> None:
        sent = sum(
            donation_send_receipt(donation_id=pk, resend=True)
            for pk in queryset.values_list("pk", flat=True)
        )
        skipped = queryset.count() - sent
        self.message_user(
            request,
            _("%(sent)s receipt(s) sent; %(skipped)s skipped (not paid, or failed).")
            % {"sent": sent, "skipped": skipped},
            messages.SUCCESS if not skipped else messages.WARNING,
        )

    @admin.action(
        description=_("Export selected paid gifts as CSV"), permissions=["export"]
    )
    def export_csv(
        self, request: HttpRequest, queryset: QuerySet[Donation]
    ) -> HttpResponse:
        """Gifts only: checkouts a donor never paid stay out of the file even
        when the list shows them."""
        return self._csv(queryset.exclude(status__in=NOT_COMPLETED))

    @admin.action(
        description=_("Export selected gifts as CSV, unpaid attempts included"),
        permissions=["export"],
    )
    def export_all_csv(
        self, request: HttpRequest, queryset: QuerySet[Donation]
    ) -> HttpResponse:
        return self._csv(queryset)

    def _csv(self, queryset: QuerySet[Donation]) -> HttpResponse:
        rows = (
            [
                d.date.isoformat() if d.date else "",
                d.donor.name,
                d.donor.email,
                d.get_frequency_display(),
                d.get_source_display(),
                d.get_method_display(),
                d.check_number,
                d.get_status_display(),
                d.amount,
                d.fee_covered,
                "" if d.processor_fee is None else d.processor_fee,
                d.amount_refunded,
                d.receipt_number or "",
                "yes" if d.is_anonymous else "no",
                d.get_dedication_display() if d.dedication else "",
                d.dedication_name,
                test_payment_display(d),
            ]
            for d in queryset.select_related("donor").order_by("date", "pk")
        )
        return csv_response(
            name="gifts",
            header=[
                "date",
                "donor",
                "email",
                "frequency",
                "source",
                "paid by",
                "check number",
                "status",
                "gift",
                "fee covered",
                "processor fee",
                "refunded",
                "receipt",
                "anonymous",
                "dedication",
                "honoree",
                "test payment",
            ],
            rows=rows,
        )
