from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from shop.cart import SESSION_KEY
from shop.models import Order, Variant
from tests.html import assert_valid_html
from tests.shop.factories import (
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db
D = Decimal
LIST = reverse("shop:product-list")
CART = reverse("shop:cart")


def catalogue(count: int, category=None) -> list:
    """`count` products with two variants and an image each."""
    category = category or CategoryFactory()
    products = []
    for _ in range(count):
        product = ProductFactory(category=category)
        VariantFactory(product=product, size="S", price=D("20.00"))
        VariantFactory(product=product, size="L", price=D("24.00"))
        ProductImageFactory(product=product)
        products.append(product)
    return products


def queries(client, url) -> int:
    # What rendering the page costs: the page cache (core.pagecache) stays out.
    with (
        override_settings(PAGE_CACHE_ENABLED=False),
        CaptureQueriesContext(connection) as context,
    ):
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def put_in_cart(client, variant, quantity=1):
    response = client.post(
        variant.product.get_absolute_url(),
        {"variant": variant.pk, "quantity": quantity},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


# ---------------------------------------------------------------------------
# The list
# ---------------------------------------------------------------------------
def test_list_shows_products_from_price_and_sold_out(client):
    product = ProductFactory(name="Hope hoodie")
    VariantFactory(product=product, price=D("45.00"))
    VariantFactory(product=product, price=D("42.00"))
    gone = ProductFactory(name="Old mug")
    VariantFactory(product=gone, stock=0)
    VariantFactory(product=ProductFactory(name="Hidden", is_active=False))
    VariantFactory(product=ProductFactory(name="No variant on sale"), is_active=False)

    response = client.get(LIST)
    html = response.content.decode()
    assert "Hope hoodie" in html and "From $42.00" in html
    assert "Old mug" in html and "Sold out" in html
    assert "Hidden" not in html and "No variant on sale" not in html
    assert_valid_html(response.content)


def test_list_filters_by_category_and_sorts(client):
    mugs = CategoryFactory(name="Mugs", slug="mugs")
    VariantFactory(product__name="Blue mug", product__category=mugs, price=D("12"))
    VariantFactory(product__name="Tall mug", product__category=mugs, price=D("18"))
    VariantFactory(product__name="A shirt", price=D("25"))

    html = client.get(LIST, {"category": "mugs", "sort": "price-desc"}).content.decode()
    assert "A shirt" not in html
    assert html.index("Tall mug") < html.index("Blue mug")
    html = client.get(LIST, {"sort": "price-asc"}).content.decode()
    assert html.index("Blue mug") < html.index("Tall mug") < html.index("A shirt")
    # An unknown sort falls back to the default; an unknown category is a 404.
    assert client.get(LIST, {"sort": "'; DROP"}).status_code == 200
    assert client.get(LIST, {"category": "nope"}).status_code == 404


def test_list_paginates(client):
    catalogue(14)
    first = client.get(LIST).content.decode()
    assert "Page 1 of 2" in first and "page=2" in first
    second = client.get(LIST, {"page": 2})
    assert "Page 2 of 2" in second.content.decode()
    assert client.get(LIST, {"page": "abc"}).status_code == 200


def test_list_runs_the_same_queries_for_5_and_100_products(client):
    category = CategoryFactory()
    catalogue(5, category)
    client.get(LIST)  # warm the renditions' existence cache
    few = queries(client, LIST)
    catalogue(95, category)
    client.get(LIST + "?page=2")
    for page in range(1, 10):
        client.get(LIST, {"page": page})
    many = queries(client, LIST)
    assert few == many
    assert few <= 5, few


# ---------------------------------------------------------------------------
# The product page
# ---------------------------------------------------------------------------
def test_product_page_shows_variants_with_price_and_stock(client):
    product = ProductFactory(name="Hope T-shirt")
    VariantFactory(product=product, size="S", stock=20, price=D("25.00"))
    VariantFactory(product=product, size="M", stock=2, price=D("25.00"))
    VariantFactory(product=product, size="XL", stock=0, price=D("27.00"))
    VariantFactory(product=product, size="XXL", is_active=False)
    ProductImageFactory(product=product, alt="The shirt, front")

    response = client.get(product.get_absolute_url())
    html = response.content.decode()
    assert "<legend>Choose an option</legend>" in html
    assert "In stock" in html and "Only 2 left" in html and "Sold out" in html
    assert "$27.00" in html
    assert "XXL" not in html
    assert 'alt="The shirt, front"' in html
    assert html.count('type="radio"') == 3
    assert html.count("disabled") == 1
    assert_valid_html(response.content)


def test_product_page_queries_do_not_grow_with_variants(client):
    small = ProductFactory()
    VariantFactory(product=small)
    ProductImageFactory(product=small)
    big = ProductFactory()
    for _ in range(8):
        VariantFactory(product=big)
        ProductImageFactory(product=big)
    client.get(small.get_absolute_url())
    client.get(big.get_absolute_url())
    assert queries(client, small.get_absolute_url()) == queries(
        client, big.get_absolute_url()
    )


def test_inactive_or_unknown_product_is_404(client):
    VariantFactory(product__slug="gone", product__is_active=False)
    assert client.get(reverse("shop:product-detail", args=["gone"])).status_code == 404
    assert client.get(reverse("shop:product-detail", args=["nope"])).status_code == 404


def test_browsing_writes_nothing(client):
    product = catalogue(2)[0]
    for url in (LIST, product.get_absolute_url(), CART):
        with CaptureQueriesContext(connection) as context:
            client.get(url)
        writes = [
            q["sql"]
            for q in context.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ]
        assert writes == [], url


# ---------------------------------------------------------------------------
# Adding to the cart: bad input
# ---------------------------------------------------------------------------
def test_add_to_cart_then_see_it_in_the_cart(client):
    variant = VariantFactory(product__name="Hope mug", size="", colour="", stock=5)
    response = put_in_cart(client, variant, 2)
    assert response.url == CART
    html = client.get(CART).content.decode()
    assert "Hope mug" in html and "$50.00" in html


def test_a_tampered_price_in_the_form_is_ignored(client):
    variant = VariantFactory(price=D("25.00"))
    client.post(
        variant.product.get_absolute_url(),
        {"variant": variant.pk, "quantity": 1, "price": "0.01", "total": "0.01"},
    )
    assert client.session[SESSION_KEY] == {str(variant.pk): 1}
    html = client.get(CART).content.decode()
    assert "$25.00" in html and "$0.01" not in html


@pytest.mark.parametrize(
    "quantity, message",
    [
        ("0", "at least 1"),
        ("-1", "at least 1"),
        ("abc", "whole number"),
        (str(10**9), "at most 20"),
        ("", "Enter a quantity"),
        ("4", "Only 3 left"),
    ],
)
def test_add_to_cart_bad_quantity(client, quantity, message):
    variant = VariantFactory(stock=3)
    response = client.post(
        variant.product.get_absolute_url(),
        {"variant": variant.pk, "quantity": quantity},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert 'href="#id_quantity"' in html
    # The buyer's choice is kept.
    assert f'value="{variant.pk}" checked' in html
    assert SESSION_KEY not in client.session
    assert_valid_html(response.content)


def test_add_to_cart_counts_what_is_already_in_the_cart(client):
    variant = VariantFactory(stock=3)
    put_in_cart(client, variant, 2)
    response = client.post(
        variant.product.get_absolute_url(), {"variant": variant.pk, "quantity": 2}
    )
    assert "Only 3 left, and 2 already in your cart" in response.content.decode()
    assert client.session[SESSION_KEY] == {str(variant.pk): 2}


@pytest.mark.parametrize("kind", ["unknown", "inactive", "other product", "missing"])
def test_add_to_cart_bad_variant(client, kind):
    variant = VariantFactory()
    value = {
        "unknown": 999999,
        "inactive": VariantFactory(product=variant.product, is_active=False).pk,
        "other product": VariantFactory().pk,
        "missing": "",
    }[kind]
    response = client.post(
        variant.product.get_absolute_url(), {"variant": value, "quantity": 1}
    )
    assert response.status_code == 200
    assert "Choose" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_add_a_sold_out_variant(client):
    variant = VariantFactory(stock=0)
    VariantFactory(product=variant.product, stock=5)
    response = client.post(
        variant.product.get_absolute_url(), {"variant": variant.pk, "quantity": 1}
    )
    assert "sold out" in response.content.decode()
    assert SESSION_KEY not in client.session


# ---------------------------------------------------------------------------
# The cart
# ---------------------------------------------------------------------------
def test_cart_totals(client):
    variant = VariantFactory(price=D("19.99"), stock=10)
    put_in_cart(client, variant, 1)
    html = client.get(CART).content.decode()
    # 19.99 + 6.00 shipping, 6% tax = 1.56, total 27.55
    for amount in ("$19.99", "$6.00", "$1.56", "$27.55"):
        assert amount in html


def test_cart_update_and_remove(client):
    variant = VariantFactory(stock=5)
    put_in_cart(client, variant, 1)
    client.post(reverse("shop:cart-update"), {"variant": variant.pk, "quantity": 3})
    assert client.session[SESSION_KEY] == {str(variant.pk): 3}
    client.post(reverse("shop:cart-remove"), {"variant": variant.pk})
    assert client.session[SESSION_KEY] == {}
    assert "Your cart is empty" in client.get(CART).content.decode()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"quantity": "0"}, "at least 1"),
        ({"quantity": "-1"}, "at least 1"),
        ({"quantity": "abc"}, "whole number"),
        ({"quantity": str(10**9)}, "at most 20"),
        ({"quantity": "6"}, "Only 5"),
        ({"quantity": "2", "variant": "999999"}, "not in your cart"),
        ({"quantity": "2", "variant": "abc"}, "not in your cart"),
    ],
)
def test_cart_update_bad_input_keeps_the_cart(client, data, message):
    variant = VariantFactory(stock=5)
    put_in_cart(client, variant, 1)
    response = client.post(
        reverse("shop:cart-update"), {"variant": variant.pk, **data}, follow=True
    )
    assert message in response.content.decode()
    assert client.session[SESSION_KEY] == {str(variant.pk): 1}


def test_cart_flags_lines_that_went_off_sale_or_out_of_stock(client):
    off = VariantFactory(product__name="Retired cap", stock=5)
    gone = VariantFactory(product__name="Last bracelet", stock=5)
    short = VariantFactory(product__name="Scarce tote", stock=5)
    for variant in (off, gone, short):
        put_in_cart(client, variant, 3)
    Variant.objects.filter(pk=off.pk).update(is_active=False)
    Variant.objects.filter(pk=gone.pk).update(stock=0)
    Variant.objects.filter(pk=short.pk).update(stock=2)

    html = client.get(CART).content.decode()
    assert "Retired cap" in html and "no longer available" in html
    assert "Last bracelet" in html and "has sold out" in html
    assert "Scarce tote" in html and "Only 2 left" in html
    assert reverse("shop:checkout") not in html
    response = client.get(reverse("shop:checkout"))
    assert response.status_code == 302 and response.url == CART
    assert len(client.session[SESSION_KEY]) == 3  # flagged, not dropped


def test_cart_survives_a_deleted_variant(client):
    variant = VariantFactory()
    put_in_cart(client, variant)
    Variant.objects.filter(pk=variant.pk).delete()
    html = client.get(CART).content.decode()
    assert "no longer available" in html


def test_cart_page_is_valid_html(client):
    put_in_cart(client, VariantFactory())
    put_in_cart(client, VariantFactory())
    assert_valid_html(client.get(CART).content)


def test_cart_queries_do_not_grow_with_lines(client):
    put_in_cart(client, VariantFactory())
    one = queries(client, CART)
    for _ in range(5):
        put_in_cart(client, VariantFactory())
    assert queries(client, CART) == one


# ---------------------------------------------------------------------------
# Order status page
# ---------------------------------------------------------------------------
def test_order_page_needs_the_token(client):
    from shop.services.placing import order_create_from_cart
    from tests.shop.factories import checkout_data

    order = order_create_from_cart(
        cart={VariantFactory().pk: 1}, customer=checkout_data()
    )
    response = client.get(order.get_absolute_url())
    assert response.status_code == 200
    assert response["X-Robots-Tag"].startswith("noindex")
    assert (
        '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    )
    assert_valid_html(response.content)
    url = order.get_absolute_url()
    assert client.get(url.replace(order.token, "guess")).status_code == 404
    assert order.number
    assert client.get(url.replace(order.token, order.number)).status_code == 404
    assert client.get(url.replace(order.token, "A" * 32)).status_code == 404
    assert Order.objects.count() == 1


def test_the_cart_count_comes_from_the_context_processor(client):
    variant = VariantFactory(stock=5)
    product_url = variant.product.get_absolute_url()
    assert "(0 items)" in client.get(reverse("shop:product-list")).content.decode()
    client.post(product_url, {"variant": variant.pk, "quantity": 1})
    assert "(1 item)" in client.get(product_url).content.decode()
    client.post(product_url, {"variant": variant.pk, "quantity": 2})
    assert "(3 items)" in client.get(reverse("shop:product-list")).content.decode()


def test_pages_without_the_cart_link_never_read_the_session(rf):
    from django.contrib.sessions.backends.db import SessionStore

    from shop.context_processors import cart

    request = rf.get("/")
    request.session = SessionStore()
    context = cart(request)
    assert not request.session.accessed
    assert int(context["cart_count"]) == 0  # type: ignore[call-overload]  # lazy int
    assert request.session.accessed


def test_the_cart_shows_a_thumbnail_of_each_line(client):
    variant = VariantFactory(stock=5)
    ProductImageFactory(product=variant.product)
    put_in_cart(client, variant)
    html = client.get(CART).content.decode()
    assert 'class="cart-line__media"' in html and "<img" in html
