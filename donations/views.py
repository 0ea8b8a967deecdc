"""
The donate page, the thank-you page and the Home fund's page. Each view parses
(a form), acts (one service) and renders. Everything works without JavaScript.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.charts import stacked_bar_chart
from core.pagecache import public_page, public_value
from core.ratelimit import ratelimit_request
from donations import selectors
from donations.errors import DonationError
from donations.fees import fee_rates
from donations.forms import DonateForm
from donations.models import Donation, Frequency, RecurringGift
from donations.services import gifts, monthly
from donations.services.receipts import NO_GOODS_OR_SERVICES
from payments.errors import PaymentError
from payments.services.checkout import checkout_confirm
from payments.validation import clean_checkout_session_id
from payments.views import payment_return_refused

logger = logging.getLogger(__name__)


@require_http_methods(["GET", "HEAD", "POST"])
def donate(request: HttpRequest) -> HttpResponse:
    form = DonateForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        refused = ratelimit_request(
            request,
            scope="donate",
            per_visitor=settings.DONATE_RATE_PER_VISITOR,
            per_ip=settings.DONATE_RATE_PER_IP,
        )
        if refused:
            return refused
        thank_you = request.build_absolute_uri(reverse("donations:thank-you"))
        cancel = request.build_absolute_uri(reverse("donations:donate"))
        choice = form.gift_choice()
        start = (
            monthly.recurring_gift_checkout
            if choice.frequency == Frequency.MONTHLY
            else gifts.donation_checkout
        )
        try:
            url = start(
                choice=choice,
                success_url=thank_you + "?session_id={CHECKOUT_SESSION_ID}",
                cancel_url=cancel + "?cancelled=1",
            )
        except (PaymentError, DonationError) as error:
            form.add_error(None, str(error))
        else:
            return redirect(url)
    rate, fixed = fee_rates()
    return render(
        request,
        "donations/donation_form.html",
        {
            "form": form,
            "progress": selectors.fund_progress(),
            "fee_rate_percent": (rate * 100).normalize(),
            "fee_fixed": fixed,
            "cancelled": request.GET.get("cancelled") == "1",
        },
        status=400 if form.honeypot_filled else 200,
    )


@never_cache
@require_GET
def thank_you(request: HttpRequest) -> HttpResponse:
    """Where the payment page sends the donor back. Asks the gateway whether the
    payment went through (the webhook may not have arrived yet): only while our
    record says it is awaited, and not on every load (`checkout_confirm`)."""
    refused = payment_return_refused(request)
    if refused:
        return refused
    session_id = request.GET.get("session_id", "")
    if not clean_checkout_session_id(session_id):
        raise Http404("No such gift.")
    donation = Donation.objects.filter(checkout_session_id=session_id).first()
    gift = (
        None
        if donation is not None
        else RecurringGift.objects.filter(checkout_session_id=session_id).first()
    )
    if donation is None and gift is None:
        raise Http404("No such gift.")
    checkout_confirm(session_id=session_id)
    if donation is not None:
        donation.refresh_from_db()
    if gift is not None:
        gift.refresh_from_db()
    response = render(
        request,
        "donations/thank_you.html",
        {
            "donation": donation,
            "gift": gift,
            "first_charge": gift.donations.filter(status=Donation.Status.PAID).first()
            if gift
            else None,
            "progress": selectors.fund_progress(),
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    """A monthly gift, reached through the signed link in its receipts: see it,
    cancel it, or change the card. A forged or tampered link is a 404. Every
    request counts against the address's limit, so links cannot be guessed."""
    refused = ratelimit_request(
        request, scope="donation-manage", per_ip=settings.DONATION_MANAGE_RATE_PER_IP
    )
    if refused:
        return refused
    gift = monthly.gift_from_manage_token(token)
    if gift is None:
        raise Http404("No such monthly gift.")
    error = ""
    confirm_cancel = False
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "cancel" and gift.status != gift.Status.CANCELLED:
                # Ask once, on a page of its own (no script needed).
                confirm_cancel = True
            elif action in ("cancel", "cancel-confirmed"):
                monthly.recurring_gift_cancel(gift=gift)
                messages.success(
                    request,
                    _("Your monthly gift is canceled. Thank you for all you gave."),
                )
                return redirect(request.path)
            elif action == "card":
                return redirect(
                    monthly.recurring_gift_card_change_url(
                        gift=gift, return_url=request.build_absolute_uri()
                    )
                )
            else:
                return HttpResponseBadRequest(
                    "Unknown action.", content_type="text/plain; charset=utf-8"
                )
        except (PaymentError, DonationError) as problem:
            error = str(problem)
    response = render(
        request,
        "donations/recurringgift_detail.html",
        {
            "gift": gift,
            "charges": gift.donations.order_by("-date", "-pk")[:24],
            "error": error,
            "confirm_cancel": confirm_cancel,
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@public_page
@require_GET
def fund_detail(request: HttpRequest) -> HttpResponse:
    """/the-home/: the goal, what has been raised and how, month by month."""
    # The same figure the progress bar shows elsewhere, kept under the public
    # pages' version (donations/templatetags/fund.py).
    progress = public_value("fund-progress", selectors.fund_progress)
    history = selectors.fund_history(months=12)
    months = history.months
    chart = stacked_bar_chart(
        labels=[date_format(m.month, "M") for m in months],
        series=[_("Store proceeds"), _("Online gifts"), _("Cash and check gifts")],
        values=[(m.store, m.online, m.offline) for m in months],
    )
    return render(
        request,
        "donations/homefund_detail.html",
        {
            "progress": progress,
            "months": months,
            "chart": chart,
            "store_months": history.store_months,
            "wall": selectors.donor_wall(),
        },
    )


@never_cache
@require_GET
def statement_detail(request: HttpRequest, token: str) -> HttpResponse:
    """A printable annual statement, reached only through its signed link."""
    statement = selectors.statement_from_token(token)
    if statement is None:
        raise Http404("No such statement.")
    response = render(
        request,
        "donations/annual_statement.html",
        {
            "statement": statement,
            "legal_name": settings.ORGANIZATION_LEGAL_NAME,
            "ein": settings.ORGANIZATION_EIN,
            "no_goods_or_services": NO_GOODS_OR_SERVICES,
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
