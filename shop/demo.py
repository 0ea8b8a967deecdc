"""
Demo catalogue for `seed_demo`: seven products in three categories, several with
sizes or colours, realistic prices and costs of goods, stock, and generated images.

Idempotent: categories and products are keyed by slug, variants by SKU, and a
product gets its demo image only when it has none; nothing staff edited since is
overwritten.
"""

from decimal import Decimal
from typing import TypedDict

from core.demo_images import image_demo_file
from shop.models import Category, Product, ProductImage, ShopSettings, Variant

D = Decimal

# size, colour, SKU, price, unit cost, stock
VariantSpec = tuple[str, str, str, str, str, int]


class ProductSpec(TypedDict):
    slug: str
    name: str
    category: str
    featured: bool
    colours: tuple[str, str]
    alt: str
    description: str
    variants: list[VariantSpec]


CATEGORIES = [
    ("apparel", "Apparel", 0),
    ("accessories", "Accessories", 1),
    ("home-goods", "Home goods", 2),
]

PRODUCTS: list[ProductSpec] = [
    {
        "slug": "hope-t-shirt",
        "name": "Hope T-shirt",
        "category": "apparel",
        "featured": True,
        "colours": ("#0b3d91", "#1d5bd6"),
        "alt": "A royal blue T-shirt with the Redeeming Hope mark on the chest",
        "description": (
            "Our classic crew-neck T-shirt in soft ring-spun cotton, printed with "
            "the Redeeming Hope mark.\n\n- 100% cotton, pre-shrunk\n"
            "- Unisex fit: size up for a looser look\n- Machine wash cold"
        ),
        "variants": [
            ("S", "Royal blue", "RH-TEE-BLU-S", "25.00", "9.50", 14),
            ("M", "Royal blue", "RH-TEE-BLU-M", "25.00", "9.50", 20),
            ("L", "Royal blue", "RH-TEE-BLU-L", "25.00", "9.50", 18),
            ("XL", "Royal blue", "RH-TEE-BLU-XL", "25.00", "9.50", 9),
            ("2XL", "Royal blue", "RH-TEE-BLU-2XL", "27.00", "10.75", 3),
        ],
    },
    {
        "slug": "wear-blue-hoodie",
        "name": "#WearBlue hoodie",
        "category": "apparel",
        "featured": True,
        "colours": ("#06245a", "#0b3d91"),
        "alt": "A navy hooded sweatshirt with #WearBlue across the front",
        "description": (
            "Wear it on January 11, National Human Trafficking Awareness Day, and "
            "every cold day after. Heavyweight fleece with a front pocket.\n\n"
            "- 80% cotton, 20% polyester\n- Unisex fit"
        ),
        "variants": [
            ("S", "Navy", "RH-HOOD-NVY-S", "45.00", "19.00", 6),
            ("M", "Navy", "RH-HOOD-NVY-M", "45.00", "19.00", 10),
            ("L", "Navy", "RH-HOOD-NVY-L", "45.00", "19.00", 8),
            ("XL", "Navy", "RH-HOOD-NVY-XL", "45.00", "19.00", 0),
        ],
    },
    {
        "slug": "redeeming-hope-mug",
        "name": "Redeeming Hope mug",
        "category": "home-goods",
        "featured": True,
        "colours": ("#1d5bd6", "#e7eefc"),
        "alt": "A white ceramic mug with a blue Redeeming Hope band",
        "description": (
            "An 11 oz ceramic mug for the morning coffee that reminds you who the "
            "home is for. Dishwasher and microwave safe."
        ),
        "variants": [("", "", "RH-MUG-11OZ", "14.00", "5.00", 24)],
    },
    {
        "slug": "freedom-bracelet",
        "name": "Freedom bracelet",
        "category": "accessories",
        "featured": False,
        "colours": ("#1e6b3a", "#0b3d91"),
        "alt": "A braided cord bracelet with a small engraved charm",
        "description": (
            "A braided cord bracelet with an engraved charm, adjustable to fit most "
            "wrists. A small way to start a conversation."
        ),
        "variants": [
            ("", "Blue", "RH-BRC-BLU", "12.00", "3.00", 30),
            ("", "Silver", "RH-BRC-SLV", "12.00", "3.40", 12),
        ],
    },
    {
        "slug": "canvas-tote",
        "name": "Canvas tote",
        "category": "accessories",
        "featured": False,
        "colours": ("#c9ccd3", "#4a4a55"),
        "alt": "A natural canvas tote bag printed with the words Redeeming Hope",
        "description": (
            "A sturdy 12 oz cotton canvas tote with long handles, for groceries, "
            "books and everything else."
        ),
        "variants": [("", "Natural", "RH-TOTE-NAT", "18.00", "6.00", 15)],
    },
    {
        "slug": "embroidered-cap",
        "name": "Embroidered cap",
        "category": "apparel",
        "featured": False,
        "colours": ("#4a4a55", "#06245a"),
        "alt": "A low-profile cap with the Redeeming Hope mark embroidered in blue",
        "description": (
            "A low-profile cotton twill cap with an adjustable strap and the "
            "Redeeming Hope mark embroidered on the front. One size."
        ),
        "variants": [
            ("", "Navy", "RH-CAP-NVY", "22.00", "8.00", 10),
            ("", "Stone", "RH-CAP-STN", "22.00", "8.00", 7),
        ],
    },
    {
        "slug": "sticker-pack",
        "name": "Sticker pack",
        "category": "accessories",
        "featured": False,
        "colours": ("#b3261e", "#0b3d91"),
        "alt": "Five vinyl stickers, including one with the hotline number",
        "description": (
            "Five weatherproof vinyl stickers, one with the National Human "
            "Trafficking Hotline number (1-888-373-7888), for laptops, bottles "
            "and notice boards."
        ),
        "variants": [("", "", "RH-STK-5PK", "6.00", "1.50", 50)],
    },
]


def seed() -> int:
    """Create the missing demo catalogue; return how many rows were made."""
    created = 0
    if not ShopSettings.objects.exists():
        ShopSettings.objects.create()
        created += 1
    categories: dict[str, Category] = {}
    for slug, name, position in CATEGORIES:
        categories[slug], made = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )
        created += made
    for spec in PRODUCTS:
        product, made = Product.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "category": categories[spec["category"]],
                "description": spec["description"],
                "is_featured": spec["featured"],
            },
        )
        created += made
        for position, (size, colour, sku, price, cost, stock) in enumerate(
            spec["variants"]
        ):
            _, made = Variant.objects.get_or_create(
                sku=sku,
                defaults={
                    "product": product,
                    "size": size,
                    "colour": colour,
                    "price": D(price),
                    "unit_cost": D(cost),
                    "stock": stock,
                    "position": position,
                },
            )
            created += made
        if not product.images.exists():
            image = ProductImage(product=product, alt=spec["alt"])
            image.image.save(
                f"{spec['slug']}.jpg",
                image_demo_file(
                    text=spec["name"],
                    size=(900, 900),
                    colours=spec["colours"],
                    name=f"{spec['slug']}.jpg",
                ),
                save=False,
            )
            image.save()
            created += 1
    return created
