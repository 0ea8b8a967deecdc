"""
The catalog's pages: the product list (by category, sorted, a page at a time) and a
product's page, whose form adds to the session cart. Both are public and cached.
"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.pagecache import PAGE_NUMBER, SLUG, public_page
from core.ratelimit import ratelimit_request
from shop.cart import Cart
from shop.forms import AddToCartForm
from shop.models import Category, Variant
from shop.selectors import SORTS, product_cards, product_for_page, shop_settings
from shop.services.placing import order_size_message

PRODUCTS_PER_PAGE = 12
SORT_LABELS = {
    "featured": gettext_lazy("Featured"),
    "newest": gettext_lazy("Newest"),
    "price-asc": gettext_lazy("Price: low to high"),
    "price-desc": gettext_lazy("Price: high to low"),
}


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
