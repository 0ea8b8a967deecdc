"""
"Privacy requests" in the admin: the list of requests handled (no personal
data in it), and the page where Finance looks up an email, downloads a copy of
what is held, or erases it after a confirmation page.

The email travels only in POST bodies, never in a URL: addresses in URLs end up
in server and proxy logs.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staff.models import PrivacyRequest
from staff.privacy import (
    ErasureRefused,
    Holdings,
    clean_email,
    privacy_erase,
    privacy_export_json,
    privacy_holdings,
)

PERMISSION = "staff.handle_privacy_request"
SHOWN_FIELDS = (
    "created_at",
    "kind",
    "outcome",
    "reason",
    "handled_by",
    "orders",
    "donations",
    "monthly_gifts",
)


class PrivacyLookupForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_(
            "The address the person used in the shop or to give. Upper or lower "
            "case does not matter."
        ),
    )

    def clean_email(self) -> str:
        try:
            return clean_email(self.cleaned_data["email"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class EraseConfirmForm(PrivacyLookupForm):
    confirm = forms.BooleanField(
        label=_("Yes, erase this person's details"),
        help_text=_("This cannot be undone."),
    )


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(admin.ModelAdmin):
    change_list_template = "admin/staff/privacy_requests.html"
    list_display = [
        "created_at",
        "kind",
        "outcome",
        "handled_by",
        "orders",
        "donations",
        "monthly_gifts",
        "reason",
    ]
    # The coded email is an internal: matching requests is for the database.
    fields = SHOWN_FIELDS
    readonly_fields = SHOWN_FIELDS
    list_filter = ["kind", "outcome", "created_at"]
    list_select_related = ["handled_by"]
    date_hierarchy = "created_at"

    # -- Who may do what --------------------------------------------------
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: PrivacyRequest | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: PrivacyRequest | None = None
    ) -> bool:
        return False

    def has_view_permission(
        self, request: HttpRequest, obj: PrivacyRequest | None = None
    ) -> bool:
        return request.user.has_perm(PERMISSION) or super().has_view_permission(
            request, obj
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(PERMISSION) or super().has_module_permission(
            request
        )

    # -- Handling a request -----------------------------------------------
    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "handle/",
                self.admin_site.admin_view(self.handle_view),
                name="staff_privacyrequest_handle",
            ),
            *super().get_urls(),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "can_handle": request.user.has_perm(PERMISSION),
        }
        return super().changelist_view(request, extra_context)

    def _context(self, request: HttpRequest, **values: Any) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Handle a privacy request"),
            **values,
        }

    def _lookup_page(self, request: HttpRequest, **values: Any) -> HttpResponse:
        return TemplateResponse(
            request, "admin/staff/privacy_lookup.html", self._context(request, **values)
        )

    def _confirm_erase_page(
        self,
        request: HttpRequest,
        *,
        form: EraseConfirmForm,
        holdings: Holdings | None,
    ) -> HttpResponse:
        return TemplateResponse(
            request,
            "admin/staff/privacy_confirm_erase.html",
            self._context(
                request,
                title=_("Erase this person's details?"),
                holdings=holdings,
                form=form,
            ),
        )

    def handle_view(self, request: HttpRequest) -> HttpResponse:
        """Look up an email; then download a copy, or erase after confirming.
        The step is the POSTed `step`: look, download, confirm, erase."""
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        step = request.POST.get("step", "") if request.method == "POST" else ""
        if step not in ("look", "download", "confirm", "erase"):
            return self._lookup_page(request, form=PrivacyLookupForm())
        if step == "erase":
            return self._erase(request)
        form = PrivacyLookupForm(request.POST)
        if not form.is_valid():
            return self._lookup_page(request, form=form)
        email = form.cleaned_data["email"]
        if step == "download":
            body = privacy_export_json(email=email, by=request.user)
            response = HttpResponse(body, content_type="application/json")
            stamp = timezone.localdate().isoformat()
            response["Content-Disposition"] = (
                f'attachment; filename="privacy-copy-{stamp}.json"'
            )
            response["Cache-Control"] = "no-store"
            return response
        holdings = privacy_holdings(email=email)
        if step == "confirm":
            confirm = EraseConfirmForm(initial={"email": email})
            return self._confirm_erase_page(request, form=confirm, holdings=holdings)
        return self._lookup_page(request, form=form, holdings=holdings)

    def _erase(self, request: HttpRequest) -> HttpResponse:
        form = EraseConfirmForm(request.POST)
        if not form.is_valid():
            email = request.POST.get("email", "")
            try:
                holdings = privacy_holdings(email=email)
            except ValueError:
                holdings = None
            return self._confirm_erase_page(request, form=form, holdings=holdings)
        try:
            record = privacy_erase(email=form.cleaned_data["email"], by=request.user)
        except ErasureRefused as refusal:
            self.message_user(
                request,
                _("Nothing was erased. %(reason)s") % {"reason": refusal},
                messages.ERROR,
            )
        else:
            self.message_user(
                request,
                _(
                    "Erased: %(orders)s shop order(s), %(gifts)s gift(s), "
                    "%(monthly)s monthly gift(s). Amounts, order numbers and "
                    "receipt numbers are kept for the books; no email was sent."
                )
                % {
                    "orders": record.orders,
                    "gifts": record.donations,
                    "monthly": record.monthly_gifts,
                },
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:staff_privacyrequest_changelist"))
