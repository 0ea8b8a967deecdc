"""
The cart's pages: the cart (read from the session, with its promo code checked
again), and the forms that update, remove and apply a promo code. Nothing here
writes to the database; the cart lives in the session.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.forms import HONEYPOT_MESSAGE, honeypot_filled
from core.ratelimit import ratelimit_request
from shop.cart import SOLD_OUT, UNAVAILABLE, Cart, CartLine, cart_subtotal
from shop.errors import PromoInvalid
from shop.forms import CartRemoveForm, CartUpdateForm, PromoCodeForm
from shop.models import Order
from shop.pricing import calculate_totals
from shop.selectors import shop_settings
from shop.services.promos import normalize_code, promo_check, promo_find

logger = logging.getLogger(__name__)

PROMO_KEY = "shop_promo_code"


@dataclass(frozen=True)
class CartPromo:
    code: str  # as kept in the session ("" for none)
    discount: Decimal
    error: str  # why the code cannot be used now ("" when it can)


def _cart_promo(request: HttpRequest, lines: list[CartLine]) -> CartPromo:
    """The promo code the buyer entered in the cart, checked again now (it may
    have expired or been used up since); the checkout checks it once more."""
    code = str(request.session.get(PROMO_KEY, ""))
    if not code:
        return CartPromo(code="", discount=Decimal("0.00"), error="")
    subtotal = cart_subtotal(lines)
    promo = promo_find(code)
    try:
        promo_check(promo=promo, subtotal=subtotal, now=timezone.now())
    except PromoInvalid as error:
        return CartPromo(code=code, discount=Decimal("0.00"), error=str(error))
    assert promo is not None
    units = sum(line.quantity for line in lines)
    return CartPromo(
        code=code, discount=promo.discount_for(subtotal, units=units), error=""
    )


@require_GET
def cart_detail(request: HttpRequest) -> HttpResponse:
    return _cart_page(request)


def _cart_page(request: HttpRequest, *, status: int = 200) -> HttpResponse:
    cart = Cart(request.session)
    lines = cart.lines()
    rates = shop_settings(request)
    subtotal = cart_subtotal(lines)
    promo = _cart_promo(request, lines)
    totals = calculate_totals(
        subtotal=subtotal,
        delivery_method=Order.Delivery.SHIP,
        rates=rates,
        discount=promo.discount,
    )
    return render(
        request,
        "shop/cart_detail.html",
        {
            "lines": lines,
            "totals": totals,
            "rates": rates,
            "promo": promo,
            "promo_form": PromoCodeForm(initial={"code": promo.code}),
            "has_problems": any(line.problem for line in lines),
        },
        status=status,
    )


def _spam_trapped(request: HttpRequest) -> HttpResponse:
    """A cart form came with its spam trap filled: nothing changes, and the cart
    page says why with a 400 (a person with an odd autofill must understand)."""
    logger.warning("Spam trap filled on a cart form.")
    messages.error(request, str(HONEYPOT_MESSAGE))
    return _cart_page(request, status=400)


@require_POST
def cart_promo(request: HttpRequest) -> HttpResponse:
    """Apply a promo code to the cart (or remove it), with a clear message when
    it cannot be used. Every attempt counts against the visitor's and the
    address's limits: guessing codes is the threat."""
    if honeypot_filled(request.POST):
        return _spam_trapped(request)
    if "remove" in request.POST:
        request.session.pop(PROMO_KEY, None)
        messages.info(request, _("The promo code was removed."))
        return redirect("shop:cart")
    refused = ratelimit_request(
        request,
        scope="shop-promo",
        per_visitor=settings.SHOP_PROMO_RATE_PER_VISITOR,
        per_ip=settings.SHOP_PROMO_RATE_PER_IP,
    )
    if refused:
        return refused
    form = PromoCodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a promo code."))
        return redirect("shop:cart")
    code = normalize_code(form.cleaned_data["code"])
    lines = Cart(request.session).lines()
    promo = promo_find(code)
    try:
        promo_check(promo=promo, subtotal=cart_subtotal(lines), now=timezone.now())
    except PromoInvalid as error:
        messages.error(request, str(error))
        return redirect("shop:cart")
    request.session[PROMO_KEY] = code
    messages.success(request, _("Promo code %(code)s applied.") % {"code": code})
    return redirect("shop:cart")


@require_POST
def cart_update(request: HttpRequest) -> HttpResponse:
    if honeypot_filled(request.POST):
        return _spam_trapped(request)
    cart = Cart(request.session)
    form = CartUpdateForm(request.POST)
    if not form.is_valid():
        errors = form.errors.get("quantity") or [_("That item is not in your cart.")]
        messages.error(request, str(errors[0]))
        return redirect("shop:cart")
    variant_id, quantity = form.cleaned_data["variant"], form.cleaned_data["quantity"]
    line = next((line for line in cart.lines() if line.variant_id == variant_id), None)
    if line is None:
        messages.error(request, _("That item is not in your cart."))
    elif line.variant is None or line.problem in (UNAVAILABLE, SOLD_OUT):
        messages.error(request, line.problem_message)
    elif quantity > line.variant.stock:
        messages.error(
            request,
            _("Only %(stock)s of %(item)s left.")
            % {"stock": line.variant.stock, "item": line.variant},
        )
    else:
        cart.set(variant_id, quantity)
        messages.success(request, _("Your cart was updated."))
    return redirect("shop:cart")


@require_POST
def cart_remove(request: HttpRequest) -> HttpResponse:
    cart = Cart(request.session)
    form = CartRemoveForm(request.POST)
    if form.is_valid() and form.cleaned_data["variant"] in cart:
        cart.remove(form.cleaned_data["variant"])
        messages.success(request, _("The item was removed from your cart."))
    else:
        messages.error(request, _("That item is not in your cart."))
    return redirect("shop:cart")
