"""
The checkout: one page with the buyer's details and the order's summary, and one
service call that places the order and opens its payment page; then the pages the
payment page sends the buyer back to (paid, or left). Every page works without
JavaScript.
"""

from dataclasses import replace
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import HONEYPOT_FIELD
from core.money import AmountError, parse_money
from core.ratelimit import ratelimit_request
from payments.errors import PaymentError
from payments.services.checkout import checkout_confirm
from payments.validation import clean_checkout_session_id
from payments.views import payment_return_refused
from shop.cart import Cart, holder_key
from shop.errors import CheckoutError, OrderBelowMinimum, TotalChanged
from shop.forms import CheckoutForm
from shop.models import Order, ShopSettings
from shop.selectors import shop_settings
from shop.services.checkout import order_abandon, order_checkout
from shop.services.quoting import CheckoutData, order_quote
from shop.us import STATE_NAMES
from shop.views.cart import PROMO_KEY

PENDING_ORDER_KEY = "shop_pending_order"

# The total the checkout page showed, sent back with its form: the order is
# placed only if it costs exactly that (see shop.services.checkout).
SHOWN_TOTAL = "shown_total"
# A submit that only recalculates the summary for the delivery and address typed
# (the "Update total" button, and the script that presses it for the buyer).
UPDATE = "update"


def _shown_total(data: QueryDict) -> Decimal | None:
    """None from a form without it (a page from before it, a script): the order
    is then placed at the server's total without the comparison."""
    raw = data.get(SHOWN_TOTAL)
    if raw is None:
        return None
    try:
        return parse_money(raw)
    except AmountError:
        return None


def _page_customer(
    form: CheckoutForm, *, address_given: bool, rates: ShopSettings, promo_code: str
) -> CheckoutData:
    """What the summary is computed for: the delivery and state typed so far (an
    estimate until there is a state), and the email once the form is valid (a
    promo code may be limited per address)."""
    delivery = str(form["delivery_method"].value() or "")
    allowed = [Order.Delivery.SHIP]
    if rates.local_pickup_enabled:
        allowed.append(Order.Delivery.PICKUP)
    if delivery not in allowed:
        delivery = Order.Delivery.SHIP
    state = str(form["state"].value() or "") if address_given else ""
    valid = form.is_bound and not form.errors
    return CheckoutData(
        email=form.cleaned_data["email"] if valid else "",
        name="",
        delivery_method=delivery,
        state=state if state in STATE_NAMES else "",
        promo_code=promo_code,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    """One page: the buyer's details, and beside them the order's summary,
    computed by `order_quote` for the delivery and state given (live with the
    script, or with "Update total"). Its total goes back with the form, and the
    order is placed only at that total; if it changed (another state, say), the
    page comes back with the new one to check first."""
    cart = Cart(request.session)
    lines = cart.lines()
    if not lines:
        messages.info(request, _("Your cart is empty."))
        return redirect("shop:cart")
    if any(line.problem for line in lines):
        messages.error(request, _("Some items in your cart need your attention first."))
        return redirect("shop:cart")
    cart.ensure_id()  # a cart from before cart ids gets one before any POST
    rates = shop_settings(request)
    promo_code = str(request.session.get(PROMO_KEY, ""))
    updating = request.method == "POST" and UPDATE in request.POST
    if updating:
        # Only the summary is recalculated: the form comes back as typed, and
        # without errors for what is not filled in yet.
        form = CheckoutForm(
            initial={
                name: request.POST.get(name, "")
                for name in CheckoutForm.base_fields
                if name != HONEYPOT_FIELD
            },
            pickup_enabled=rates.local_pickup_enabled,
        )
    else:
        form = CheckoutForm(
            request.POST if request.method == "POST" else None,
            pickup_enabled=rates.local_pickup_enabled,
        )
    notice = ""
    if form.is_bound and form.is_valid():
        refused = ratelimit_request(
            request,
            scope="shop-checkout",
            visitor=cart.cart_id,
            per_visitor=settings.SHOP_CHECKOUT_RATE_PER_VISITOR,
            per_ip=settings.SHOP_CHECKOUT_RATE_PER_IP,
        )
        if refused:
            return refused
        try:
            started = order_checkout(
                cart_id=cart.cart_id,
                cart=cart.quantities(),
                customer=replace(form.checkout_data(), promo_code=promo_code),
                rates=rates,
                site_root=request.build_absolute_uri("/"),
                holder_key=holder_key(request),
                expected_total=_shown_total(request.POST),
            )
        except TotalChanged as error:
            notice = str(error)
        except OrderBelowMinimum as error:
            form.add_error(None, str(error))
        except CheckoutError as error:
            messages.error(request, str(error))
            return redirect("shop:cart")
        except PaymentError as error:
            form.add_error(None, str(error))
        else:
            request.session[PENDING_ORDER_KEY] = started.order.token
            return redirect(started.redirect_url)

    customer = _page_customer(
        form,
        address_given=request.method == "POST",
        rates=rates,
        promo_code=promo_code,
    )
    priced = [(line.variant, line.quantity) for line in lines if line.variant]
    try:
        quote = order_quote(
            lines=priced, customer=customer, rates=rates, now=timezone.now()
        )
        pickup = order_quote(
            lines=priced,
            customer=replace(customer, delivery_method=Order.Delivery.PICKUP),
            rates=rates,
            now=timezone.now(),
        )
    except CheckoutError as error:  # the promo code cannot be used now
        messages.error(request, str(error))
        return redirect("shop:cart")
    return render(
        request,
        "shop/checkout_form.html",
        {
            "form": form,
            "lines": lines,
            "rates": rates,
            "quote": quote,
            "totals": quote.totals,
            "delivery": customer.delivery_method,
            "state_name": STATE_NAMES.get(customer.state, ""),
            "pickup_totals": pickup.totals,
            "notice": notice,
        },
        status=400 if form.honeypot_filled else 200,
    )


@require_GET
def checkout_success(request: HttpRequest) -> HttpResponse:
    """Where the payment page sends the buyer back. Asks the gateway whether the
    session is paid (the webhook may not have arrived yet), then shows the order."""
    refused = payment_return_refused(request)
    if refused:
        return refused
    session_id = request.GET.get("session_id", "")
    if not clean_checkout_session_id(session_id):
        # Checked before any query: a NUL byte would make PostgreSQL fail.
        raise Http404("No checkout session.")
    order = get_object_or_404(Order, checkout_session_id=session_id)
    # Never raises: when it cannot tell, the webhook will, and the order page
    # says the payment is awaited meanwhile. Stripe is asked only about a
    # payment still awaited, and not on every load.
    checkout_confirm(session_id=session_id)
    if request.session.get(PENDING_ORDER_KEY) == order.token:
        Cart(request.session).clear()
        del request.session[PENDING_ORDER_KEY]
        request.session.pop(PROMO_KEY, None)  # used by this order
    return redirect(order)


@require_GET
def checkout_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """The buyer left the payment page: the order is cancelled, its stock given
    back, and the cart is still there to try again."""
    order = get_object_or_404(Order, token=token)
    if order.status == Order.Status.PENDING:
        order_abandon(order=order)
    if order.is_paid:
        return redirect(order)
    request.session.pop(PENDING_ORDER_KEY, None)
    messages.info(
        request,
        _("Your payment was not completed and nothing was charged. Your cart is here."),
    )
    return redirect("shop:cart")
