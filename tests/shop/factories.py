import io
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from PIL import Image

from shop.models import Category, Product, ProductImage, ShopSettings, Variant
from shop.services.quoting import CheckoutData
from tests.model_factory import ModelFactory


def png_file(name: str = "product.png", size=(400, 400)) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 61, 145)).save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name=name)


class CategoryFactory(ModelFactory[Category]):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ProductFactory(ModelFactory[Product]):
    class Meta:
        model = Product

    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    description = "Soft and **blue**."
    is_active = True


class VariantFactory(ModelFactory[Variant]):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    size = "M"
    colour = "Blue"
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    price = Decimal("25.00")
    unit_cost = Decimal("10.00")
    stock = 10
    is_active = True


class ProductImageFactory(ModelFactory[ProductImage]):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    image = factory.LazyFunction(png_file)
    alt = "A blue T-shirt folded on a table"


class ShopSettingsFactory(ModelFactory[ShopSettings]):
    class Meta:
        model = ShopSettings


# The checkout form of a buyer who has the order shipped (within Kentucky). Copy
# it (`{**SHIPPING_ADDRESS, ...}`) to change a field; never change it in place.
SHIPPING_ADDRESS = {
    "email": "buyer@example.org",
    "name": "Ada Buyer",
    "delivery_method": "ship",
    "address_line1": "1 Main Street",
    "city": "Louisville",
    "state": "KY",
    "zip_code": "40202",
}


def checkout_data(**overrides) -> CheckoutData:
    return CheckoutData(**{**SHIPPING_ADDRESS, **overrides})
