"""
The shop's pages. Browsing (list, product, cart) only reads; the writes are adding
to the session cart and, at checkout, one service call that places the order and
opens its payment page. Every page works without JavaScript.
"""

import logging
from dataclasses import dataclass, replace
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import HONEYPOT_FIELD, HONEYPOT_MESSAGE, honeypot_filled
from core.money import AmountError, parse_money
from core.pagecache import PAGE_NUMBER, SLUG, public_page
from core.ratelimit import ratelimit_request
from payments.errors import PaymentError
from payments.services.checkout import checkout_confirm
from payments.validation import clean_checkout_session_id
from shop.cart import (
    SOLD_OUT,
    UNAVAILABLE,
    Cart,
    CartLine,
    cart_subtotal,
    holder_key,
)
from shop.errors import CheckoutError, OrderBelowMinimum, PromoInvalid, TotalChanged
from shop.forms import (
    AddToCartForm,
    CartRemoveForm,
    CartUpdateForm,
    CheckoutForm,
    PromoCodeForm,
)
from shop.models import Category, Order, ShopSettings, Variant
from shop.pricing import calculate_totals
from shop.selectors import SORTS, product_cards, product_for_page, shop_settings
from shop.selectors.order_status import order_status_text
from shop.services.checkout import order_abandon, order_checkout
from shop.services.placing import CheckoutData, order_quote, order_size_message
from shop.services.promos import normalize_code, promo_check, promo_find
from shop.us import STATE_NAMES

logger = logging.getLogger(__name__)

PRODUCTS_PER_PAGE = 12
SORT_LABELS = {
    "featured": gettext_lazy("Featured"),
    "newest": gettext_lazy("Newest"),
    "price-asc": gettext_lazy("Price: low to high"),
    "price-desc": gettext_lazy("Price: high to low"),
}
PENDING_ORDER_KEY = "shop_pending_order"
PROMO_KEY = "shop_promo_code"


def _no_index(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@public_page(query={"category": SLUG, "sort": SORTS, "page": PAGE_NUMBER})
@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    categories = list(Category.objects.filter(products__is_active=True).distinct())
    category = None
    slug = request.GET.get("category", "")
    if slug:
        category = next((c for c in categories if c.slug == slug), None)
        if category is None:
            raise Http404("No such category.")
    sort = request.GET.get("sort", "featured")
    if sort not in SORTS:
        sort = "featured"
    page = Paginator(
        product_cards(category=category, sort=sort), PRODUCTS_PER_PAGE
    ).get_page(request.GET.get("page"))
    query = {"category": category.slug if category else "", "sort": sort}
    return render(
        request,
        "shop/product_list.html",
        {
            "categories": categories,
            "category": category,
            "sort": sort,
            "sort_labels": SORT_LABELS,
            "page_obj": page,
            "products": page.object_list,
            "query": "&".join(f"{k}={v}" for k, v in query.items() if v),
        },
    )


@public_page
@require_http_methods(["GET", "HEAD", "POST"])
def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The product page; its form POSTs back here to add to the cart, so an error
    re-renders the page with the buyer's choice kept."""
    product = product_for_page(slug=slug)
    if product is None:
        raise Http404("No such product.")
    if request.method == "POST":
        refused = ratelimit_request(
            request,
            scope="shop-add-to-cart",
            per_visitor=settings.SHOP_ADD_TO_CART_RATE_PER_VISITOR,
            per_ip=settings.SHOP_ADD_TO_CART_RATE_PER_IP,
        )
        if refused:
            return refused
    cart = Cart(request.session)
    form = AddToCartForm(
        request.POST if request.method == "POST" else None,
        product=product,
        in_cart=cart.quantities(),
    )
    if form.is_bound and form.is_valid():
        variant, quantity = form.cleaned_data["variant"], form.cleaned_data["quantity"]
        most = shop_settings(request).max_items_per_order
        if len(cart) + quantity > most:
            # Said now, not only at checkout: no order may hold more.
            form.add_error("quantity", order_size_message(most=most, in_cart=len(cart)))
        else:
            cart.add(variant.pk, quantity)
            messages.success(
                request,
                _("Added %(quantity)s × %(item)s to your cart.")
                % {"quantity": quantity, "item": variant},
            )
            return redirect("shop:cart")
    variants: list[Variant] = product.variants_on_sale  # type: ignore[attr-defined]
    return render(
        request,
        "shop/product_detail.html",
        {
            "product": product,
            "variants": variants,
            "images": list(product.images.all()),
            "form": form,
            "selected": str(form["variant"].value() or ""),
            "sold_out": all(v.stock == 0 for v in variants),
        },
        status=400 if form.honeypot_filled else 200,
    )


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
    refused = ratelimit_request(
        request, scope="payment-return", per_ip=settings.PAYMENT_RETURN_RATE_PER_IP
    )
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


@never_cache
@require_GET
def order_detail(request: HttpRequest, token: str) -> HttpResponse:
    """Confirmation and status page, reached only through the unguessable link."""
    order = get_object_or_404(Order.objects.prefetch_related("lines"), token=token)
    response = render(
        request,
        "shop/order_detail.html",
        {
            "order": order,
            "status_text": order_status_text(order=order),
            "lines": list(order.lines.all()),
            "events": list(order.events.all()),
            "rates": shop_settings(request),
        },
    )
    return _no_index(response)
