import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from tests.shop.factories import ProductFactory, ProductImageFactory, VariantFactory

pytestmark = pytest.mark.django_db


def featured(count: int) -> None:
    for _ in range(count):
        product = ProductFactory(is_featured=True)
        VariantFactory(product=product)
        ProductImageFactory(product=product)


def home_queries(client) -> int:
    # What rendering the page costs: the page cache (core.pagecache) stays out.
    with (
        override_settings(PAGE_CACHE_ENABLED=False),
        CaptureQueriesContext(connection) as context,
    ):
        assert client.get(reverse("home")).status_code == 200
    return len(context)


def test_home_shows_up_to_three_featured_products(client):
    ProductFactory(name="Plain product")  # no variant on sale: never shown
    featured(1)
    VariantFactory(product__name="Featured hoodie", product__is_featured=True)
    html = client.get(reverse("home")).content.decode()
    assert "From the shop" in html and "Featured hoodie" in html
    assert "Plain product" not in html


def test_home_queries_do_not_grow_with_the_catalogue(client):
    featured(1)
    client.get(reverse("home"))
    few = home_queries(client)
    featured(10)
    client.get(reverse("home"))
    assert home_queries(client) == few
    html = client.get(reverse("home")).content.decode()
    assert html.count('class="product-card"') == 3


def test_home_without_products_has_no_shop_section(client):
    assert "From the shop" not in client.get(reverse("home")).content.decode()
