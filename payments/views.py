"""
The Stripe webhook and the local test payment page.

The webhook is the one view in the project without CSRF protection: Stripe
cannot send a CSRF token, so the `Stripe-Signature` HMAC takes its place and
nothing is done with a body whose signature does not verify.
"""

import logging
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from core.ratelimit import ratelimit_request
from payments import gateways
from payments.local_portal import local_billing_portal_read
from payments.models import CheckoutSession
from payments.selectors import local_session_get
from payments.services.events import (
    RefundNotYetMatched,
    stripe_event_process,
    stripe_event_record_unreadable,
)
from payments.services.local_gateway import (
    LOCAL_ACTIONS,
    LocalAction,
    local_checkout_complete,
    local_checkout_is_expired,
    local_gateway_enabled,
)

logger = logging.getLogger(__name__)

_LOCAL_ACTIONS: dict[str, LocalAction] = {action: action for action in LOCAL_ACTIONS}


def payment_return_refused(request: HttpRequest) -> HttpResponse | None:
    """The limit on the pages a payment page sends people back to (the shop's
    success page, the gift's thank-you page): each may ask Stripe how the
    payment went, so they count together, per address. The 429 page, or None."""
    return ratelimit_request(
        request, scope="payment-return", per_ip=settings.PAYMENT_RETURN_RATE_PER_IP
    )


def _text(body: str, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """
    400: no secret configured, or the signature, timestamp or JSON is bad (Stripe
    shows the failure on its dashboard); or signed but malformed (an object
    that is not one, an impossible amount, nesting too deep to read): recorded,
    so that Stripe's retry is a duplicate and the retries stop. 500: a handler
    failed; nothing was kept and Stripe retries. 200: handled, already handled
    or not ours to handle. Never waits on Stripe: fees are fetched afterwards by
    a task.
    """
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        logger.error(
            "STRIPE_WEBHOOK_SECRET is not set: refusing a Stripe webhook, because "
            "an unsigned event could be forged by anyone."
        )
        return HttpResponseBadRequest(
            "Webhook not configured.", content_type="text/plain; charset=utf-8"
        )
    try:
        event = gateways.construct_event(
            request.body, request.headers.get("Stripe-Signature", ""), secret
        )
    except gateways.UnreadableEvent as error:
        result = stripe_event_record_unreadable(
            event_id=error.event_id, event_type=error.event_type
        )
        return _text(result, status=400 if result == "malformed" else 200)
    except gateways.InvalidEvent as error:
        logger.warning("Refused a Stripe webhook: %s", error)
        return HttpResponseBadRequest(
            "Invalid event.", content_type="text/plain; charset=utf-8"
        )
    try:
        result = stripe_event_process(event=event)
    except RefundNotYetMatched as waiting:
        # Expected, not a fault: the charge is named once invoice.paid or the
        # fee task has recorded it. Nothing was kept; Stripe sends it again.
        logger.warning("Stripe event %s left for a retry: %s", event.get("id"), waiting)
        return _text("Not ready yet; please retry.", status=503)
    except Exception:
        logger.exception(
            "Stripe event %s (%s) failed; not recorded, Stripe will retry it.",
            event.get("id"),
            event.get("type"),
        )
        return _text("Event failed; please retry.", status=500)
    return _text(result, status=400 if result == "malformed" else 200)


def _summary(session: CheckoutSession) -> dict[str, Any]:
    lines = [
        {
            "name": line["name"],
            "description": line.get("description", ""),
            "quantity": line["quantity"],
            "unit_amount": Decimal(line["unit_amount"]),
            "amount": Decimal(line["unit_amount"]) * line["quantity"],
        }
        for line in session.line_items
    ]
    return {
        "lines": lines,
        "subtotal": sum((line["amount"] for line in lines), Decimal("0")),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def local_checkout(request: HttpRequest, session_id: str) -> HttpResponse:
    """
    The local test gateway's payment page: no card, three buttons. It exists only
    while the local gateway is enabled (404 otherwise), so a production site
    without it cannot be made to mark anything paid.
    """
    if not local_gateway_enabled():
        logger.warning(
            "Local test checkout %s requested while the local gateway is off.",
            session_id,
        )
        raise Http404("The local test gateway is not enabled.")
    session = local_session_get(session_id)  # None for junk ids (a NUL byte...)
    if session is None:
        raise Http404("No such test checkout.")
    status = 200
    if request.method == "POST":
        action = _LOCAL_ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            return HttpResponseBadRequest(
                "Unknown action.", content_type="text/plain; charset=utf-8"
            )
        result = local_checkout_complete(session_id=session.session_id, action=action)
        if result.applied:
            return HttpResponseRedirect(result.redirect_url)
        session = result.session
        # 410: the session ran out; 409: it already ended another way.
        status = 410 if session.status == CheckoutSession.Status.EXPIRED else 409
    expired = local_checkout_is_expired(session)
    is_open = session.status == CheckoutSession.Status.OPEN and not expired
    context = {
        "session": session,
        "is_open": is_open,
        "is_expired": expired,
        "success_url": session.success_url.replace(
            "{CHECKOUT_SESSION_ID}", session.session_id
        ),
        **_summary(session),
    }
    return render(
        request, "payments/checkout_session_detail.html", context, status=status
    )


@require_GET
def local_billing_portal(request: HttpRequest) -> HttpResponse:
    """
    The local test gateway's stand-in for Stripe's billing portal: it shows the
    customer's monthly gifts and changes nothing. Its link is signed (a forged
    or stale one is 404), and its way back must lead to this site: never an
    open redirect.
    """
    if not local_gateway_enabled():
        raise Http404("The local test gateway is not enabled.")
    link = local_billing_portal_read(request.GET.get("t", ""))
    if link is None:
        raise Http404("No such test billing portal link.")
    customer_id, return_url = link
    if not url_has_allowed_host_and_scheme(
        return_url, allowed_hosts={request.get_host()}
    ):
        # Only the host: the path may be a monthly gift's signed manage link.
        logger.warning(
            "Local billing portal refused a return URL to %r.",
            urlsplit(return_url).netloc,
        )
        return HttpResponseBadRequest(
            "The way back leads off this site.",
            content_type="text/plain; charset=utf-8",
        )
    subscriptions = CheckoutSession.objects.filter(
        customer_id=customer_id, gateway=CheckoutSession.Gateway.LOCAL
    ).exclude(subscription_id="")
    context = {
        "customer_id": customer_id,
        "return_url": return_url,
        "subscriptions": subscriptions,
    }
    return render(request, "payments/billing_portal.html", context)
