import pytest
from django.core.management import call_command
from django.urls import reverse

from demo import shop as demo
from shop.models import Category, Product, ProductImage, ShopSettings, Variant

pytestmark = pytest.mark.django_db


def counts():
    return [
        model.objects.count()
        for model in (Category, Product, Variant, ProductImage, ShopSettings)
    ]


def test_demo_catalogue_is_complete_and_idempotent():
    assert demo.seed() > 0
    first = counts()
    assert demo.seed() == 0
    assert counts() == first

    assert Product.objects.count() >= 6
    sized = [
        p for p in Product.objects.all() if p.variants.exclude(size="").count() > 1
    ]
    assert len(sized) >= 2
    for product in Product.objects.all():
        image = product.images.get()
        assert image.alt and (image.width or 0) >= 200 and (image.height or 0) >= 200
        for variant in product.variants.all():
            assert variant.price > variant.unit_cost >= 0
    assert Product.objects.filter(is_featured=True).count() >= 3
    assert ShopSettings.objects.count() == 1


def test_demo_keeps_staff_edits():
    demo.seed()
    Variant.objects.filter(sku="RH-MUG-11OZ").update(stock=1)
    Product.objects.filter(slug="canvas-tote").update(name="Edited tote")
    demo.seed()
    assert Variant.objects.get(sku="RH-MUG-11OZ").stock == 1
    assert Product.objects.get(slug="canvas-tote").name == "Edited tote"


def test_seeded_shop_pages_render(client):
    call_command("seed_demo", verbosity=0)
    assert client.get(reverse("shop:product-list")).status_code == 200
    for product in Product.objects.all():
        response = client.get(product.get_absolute_url())
        assert response.status_code == 200
        assert "<picture>" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_demo_has_a_year_of_paid_orders_made_once(mailoutbox):
    """Committed as a real run commits (no test transaction around it)."""
    from shop.models import Order
    from shop.selectors import sales_by_month, shop_proceeds

    demo.seed()
    demo.seed()
    orders = Order.objects.filter(email__endswith=demo.DEMO_ORDER_DOMAIN)
    assert orders.count() == len(demo.DEMO_ORDERS)
    assert set(orders.values_list("status", flat=True)) == {Order.Status.PAID}
    assert shop_proceeds() > 0
    assert len(sales_by_month()) >= 6
    assert mailoutbox == []  # no confirmation emails for demo orders
