"""
Demo catalogue for `seed_demo`: seven products in three categories, several with
sizes or colors, realistic prices and costs of goods, stock, and generated images.

Idempotent: categories and products are keyed by slug, variants by SKU, and a
product gets its demo image only when it has none; nothing staff edited since is
overwritten.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TypedDict

from django.db import transaction
from django.utils import timezone

from demo.images import product_image_file
from payments.models import CheckoutSession
from payments.registry import CheckoutOutcome
from payments.services.local_gateway import local_payment_record
from shop.models import (
    Category,
    Order,
    Product,
    ProductImage,
    ShopSettings,
    Variant,
)
from shop.services.outcomes import order_mark_paid
from shop.services.placing import order_create_from_cart
from shop.services.quoting import CheckoutData

D = Decimal

# size, color (the `colour` field), SKU, price, unit cost, stock
VariantSpec = tuple[str, str, str, str, str, int]


class ProductSpec(TypedDict):
    slug: str
    name: str
    category: str
    featured: bool
    drawing: str  # which product mockup to draw (demo.drawings.products)
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
        "drawing": "t-shirt",
        "alt": (
            "A royal blue crew-neck T-shirt laid flat, with a white house-and-heart"
            " mark printed on the chest"
        ),
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
        "drawing": "hoodie",
        "alt": (
            "A navy hooded sweatshirt with white drawstrings, a front pocket and "
            "#WearBlue printed across the chest in white"
        ),
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
        "drawing": "mug",
        "alt": (
            "A white mug with a wide blue band around it, printed with a white "
            "house-and-heart mark"
        ),
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
        "drawing": "bracelet",
        "alt": (
            "Two braided cord bracelets, one blue and one silver, each with a round"
            " silver charm engraved with a house and a heart"
        ),
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
        "drawing": "tote",
        "alt": (
            "A natural canvas tote bag with long handles, printed in blue with a "
            "house-and-heart mark and the words Redeeming Hope"
        ),
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
        "drawing": "cap",
        "alt": (
            "Two baseball caps seen from the front, one navy and one stone, each "
            "with a small house-and-heart mark embroidered above the visor"
        ),
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
        "drawing": "sticker-pack",
        "alt": (
            "A sheet of five stickers: a house-and-heart mark on a blue circle, a "
            "red heart, #WearBlue on a rounded blue label, a navy house with a "
            "yellow heart and a yellow label with the hotline number 1-888-373-7888"
        ),
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
        created += _seed_image(product, spec)
    created += _seed_orders()
    return created


# The alt texts of the pictures earlier demos made (a gradient with the product's
# name on it): such a picture is replaced by the product drawing, anything else
# (a picture staff uploaded) is kept.
EARLIER_DEMO_ALTS = {
    "A royal blue T-shirt with the Redeeming Hope mark on the chest",
    "A navy hooded sweatshirt with #WearBlue across the front",
    "A white ceramic mug with a blue Redeeming Hope band",
    "A braided cord bracelet with a small engraved charm",
    "A natural canvas tote bag printed with the words Redeeming Hope",
    "A low-profile cap with the Redeeming Hope mark embroidered in blue",
    "Five vinyl stickers, including one with the hotline number",
}


def _seed_image(product: Product, spec: ProductSpec) -> int:
    """The product's picture, drawn in the colors its variants come in: made when
    the product has none, or only the picture an earlier demo made."""
    images = list(product.images.all())
    if len(images) == 1 and images[0].alt in EARLIER_DEMO_ALTS:
        images[0].image.delete(save=False)
        images[0].delete()
    elif images:
        return 0
    colors = list(dict.fromkeys(colour for _, colour, *_ in spec["variants"] if colour))
    name = f"{spec['slug']}.jpg"
    image = ProductImage(product=product, alt=spec["alt"])
    image.image.save(
        name,
        product_image_file(kind=spec["drawing"], colors=colors, name=name),
        save=False,
    )
    image.save()
    return 1


# A year of paid demo orders, so the Home fund's bar and monthly breakdown have
# store proceeds on a fresh `make run`: (months ago, buyer, [(sku, quantity)]).
DEMO_ORDER_DOMAIN = "@demo.example.org"
DEMO_ORDERS = [
    (11, "Rosa", [("RH-TEE-BLU-M", 2)]),
    (10, "Elena", [("RH-MUG-11OZ", 1), ("RH-TOTE-NAT", 1)]),
    (8, "Marcus", [("RH-HOOD-NVY-L", 1), ("RH-STK-5PK", 2)]),
    (6, "Priya", [("RH-TEE-BLU-S", 1), ("RH-MUG-11OZ", 2)]),
    (4, "Tom", [("RH-TOTE-NAT", 3), ("RH-BRC-BLU", 2)]),
    (2, "Aisha", [("RH-TEE-BLU-L", 1), ("RH-HOOD-NVY-M", 1)]),
    (1, "Ken", [("RH-CAP-NVY", 1), ("RH-BRC-SLV", 1)]),
    (0, "Dana", [("RH-MUG-11OZ", 1), ("RH-STK-5PK", 1)]),
]


def _seed_orders() -> int:
    """Paid demo orders through the shop's own services (as the local test
    gateway pays them: no fee), backdated over the last year. Made once: when
    any demo order exists, nothing is added."""
    demo_orders = Order.objects.filter(email__endswith=DEMO_ORDER_DOMAIN)
    if demo_orders.exists():
        # Demo orders made before they had a payment record get one, so that
        # staff can try a refund on them too.
        for order in demo_orders.filter(checkout_session_id__startswith="cs_demo_"):
            _record_demo_payment(order)
        return 0
    skus = dict(Variant.objects.values_list("sku", "pk"))
    today = timezone.localdate()
    made = 0
    for months, name, lines in DEMO_ORDERS:
        cart = {skus[sku]: quantity for sku, quantity in lines if sku in skus}
        if not cart:
            continue
        order = order_create_from_cart(
            cart=cart,
            customer=CheckoutData(
                email=f"{name.lower()}{DEMO_ORDER_DOMAIN}",
                name=f"{name} (demo)",
                delivery_method=Order.Delivery.SHIP,
                address_line1="100 Demo Street",
                city="Louisville",
                state="KY",
                zip_code="40202",
            ),
        )
        # One transaction: the order counts as confirmed before its
        # confirmation email could go out (demo buyers get none).
        with transaction.atomic():
            _pay_demo_order(order, months_ago=months, today=today)
        made += 1
    return made


def _record_demo_payment(order: Order) -> CheckoutSession:
    """The local test gateway's record of a demo order's payment."""
    return local_payment_record(
        kind="order",
        reference=order.number or "",
        amount=order.total,
        customer_email=order.email,
        session_id=order.checkout_session_id or f"cs_demo_{order.pk}",
    )


def _pay_demo_order(order: Order, *, months_ago: int, today: date) -> None:
    """Pay a demo order as the local test gateway would (no fee), then date it
    `months_ago` months back."""
    payment = _record_demo_payment(order)
    order_mark_paid(
        order_number=order.number or "",
        outcome=CheckoutOutcome(
            action="paid",
            kind="order",
            reference=order.number or "",
            session_id=payment.session_id,
            payment_intent_id=payment.payment_intent_id,
            amount_total=order.total,
            amount_expected=order.total,
            currency="usd",
            fee=D("0"),
        ),
    )
    day = today - timedelta(days=30 * months_ago + 3)
    paid_at = timezone.make_aware(datetime.combine(day, time(14)))
    Order.objects.filter(pk=order.pk).update(
        paid_at=paid_at, created_at=paid_at, confirmation_sent_at=paid_at
    )
