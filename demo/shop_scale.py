"""
A large catalog for the benchmark (`manage.py seed_catalog`): products made from
the demo's seven (their categories, drawings, descriptions and variants, in
"editions"), and a year of paid orders for them.

Fast: rows go in with `bulk_create`, so hundreds of products and thousands of
orders take seconds. Idempotent: products are numbered by their SKU prefix and
orders are topped up to what the catalog's size asks for, so a second run with
the same sizes adds nothing and a run with more products adds only the missing.

Every product of one demo kind shares one picture file (drawn once): fine for a
benchmark or a demo database, where nobody deletes a picture in the admin.
"""

import math
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from demo import shop as demo
from demo.drawings.products import SIZE as PICTURE_SIZE
from demo.images import product_image_file
from shop.models import Category, Order, OrderLine, Product, ProductImage, Variant
from shop.services.placing import order_number_for

D = Decimal
CENT = D("0.01")
SKU_PREFIX = "CAT-"
ORDER_DOMAIN = "@catalog.example.org"
PICTURE_DIR = "shop/catalog"
# A shop sells about one and a half of each product a month.
ORDERS_PER_PRODUCT_MONTH = D("1.5")
FLAT_SHIPPING = D("6.00")
FREE_SHIPPING_FROM = D("75.00")
TAX_RATE = D("0.06")
FEE_RATE, FEE_FIXED = D("0.029"), D("0.30")

EDITIONS = [
    "Bluegrass", "Sunrise", "River city", "Harvest", "Lantern", "Homeward",
    "Cardinal", "Meadow", "Hilltop", "Wildflower", "Morning star", "Open door",
    "Kentucky sky", "Daybreak", "Safe harbor", "Redbud", "Hearth", "Trailhead",
    "Evergreen", "Porch light", "Willow", "Lighthouse", "Dogwood", "Front porch",
    "Bridge", "Cornerstone", "Goldenrod", "Twilight", "Riverbend", "Old Louisville",
]  # fmt: skip
STATES = ["KY", "KY", "KY", "IN", "OH", "TN", "WV", "IL", "TX", "CA"]
NAMES = ["Rosa", "Elena", "Marcus", "Priya", "Tom", "Aisha", "Ken", "Dana", "Luis"]


def seed_catalog(*, products: int, months: int) -> tuple[int, int]:
    """Top the catalog up to `products` products and `months` months of paid
    orders; returns (products made, orders made)."""
    if products < 0 or months < 0:
        raise ValueError("The catalog's sizes cannot be negative.")
    with transaction.atomic():
        made_products = _seed_products(total=products)
        made_orders = _seed_orders(products=products, months=months)
    return made_products, made_orders


def _catalog_product_count() -> int:
    return (
        Product.objects.filter(variants__sku__startswith=SKU_PREFIX).distinct().count()
    )


def _seed_products(*, total: int) -> int:
    missing = total - Product.objects.count()
    if missing <= 0:
        return 0
    categories = {c.slug: c for c in Category.objects.all()}
    pictures = {spec["slug"]: _picture(spec) for spec in demo.PRODUCTS}
    start = _catalog_product_count()
    new_products: list[Product] = []
    variants: list[Variant] = []
    images: list[ProductImage] = []
    for number in range(start, start + missing):
        spec = demo.PRODUCTS[number % len(demo.PRODUCTS)]
        edition = EDITIONS[(number // len(demo.PRODUCTS)) % len(EDITIONS)]
        cycle = number // (len(demo.PRODUCTS) * len(EDITIONS))
        name = f"{edition} {spec['name'][0].lower()}{spec['name'][1:]}"
        if spec["name"][0] == "#":
            name = f"{edition} {spec['name']}"
        if cycle:
            name = f"{name} {cycle + 1}"
        product = Product(
            category=categories[spec["category"]],
            name=name,
            slug=slugify(name),
            description=spec["description"],
            is_featured=number % 25 == 0,
        )
        new_products.append(product)
        for position, (size, colour, _sku, price, cost, stock) in enumerate(
            spec["variants"]
        ):
            variants.append(
                Variant(
                    product=product,
                    size=size,
                    colour=colour,
                    sku=f"{SKU_PREFIX}{number:05d}-{position}",
                    price=D(price) + number % 5,
                    unit_cost=D(cost),
                    stock=(stock + number * 7 + position * 3) % 41,
                    position=position,
                )
            )
        images.append(
            ProductImage(
                product=product,
                image=pictures[spec["slug"]],
                width=PICTURE_SIZE,
                height=PICTURE_SIZE,
                alt=spec["alt"],
            )
        )
    Product.objects.bulk_create(new_products)
    Variant.objects.bulk_create(variants)
    ProductImage.objects.bulk_create(images)
    return missing


def _picture(spec: demo.ProductSpec) -> str:
    """The stored picture every product of this demo kind shows (drawn once)."""
    name = f"{PICTURE_DIR}/{spec['slug']}.jpg"
    if not default_storage.exists(name):
        colors = list(
            dict.fromkeys(colour for _, colour, *_ in spec["variants"] if colour)
        )
        drawing = product_image_file(kind=spec["drawing"], colors=colors, name=name)
        name = default_storage.save(name, drawing)
    return name


def _seed_orders(*, products: int, months: int) -> int:
    """Paid orders over the last `months` months, as many as the catalog's size
    asks for, each for one to three items of the catalog, with its fee known."""
    target = math.ceil(products * months * ORDERS_PER_PRODUCT_MONTH)
    missing = target - Order.objects.filter(email__endswith=ORDER_DOMAIN).count()
    variants = list(Variant.objects.filter(is_active=True).order_by("pk"))
    if missing <= 0 or not variants:
        return 0
    rng = random.Random(target)
    today = timezone.localdate()
    days = max(1, months * 30)
    orders: list[Order] = []
    lines: list[list[OrderLine]] = []
    for _ in range(missing):
        day = today - timedelta(days=rng.randrange(days))
        order, order_lines = _order(rng, variants=variants, day=day, today=today)
        orders.append(order)
        lines.append(order_lines)
    Order.objects.bulk_create(orders, batch_size=1000)
    for order, order_lines in zip(orders, lines, strict=True):
        # auto_now_add overwrote the dates: give each order its own day back.
        order.created_at = order.paid_at or order.created_at
        order.number = order_number_for(pk=order.pk, created_at=order.created_at)
        for line in order_lines:
            line.order_id = order.pk
    Order.objects.bulk_update(orders, ["number", "created_at"], batch_size=1000)
    OrderLine.objects.bulk_create(
        [line for order_lines in lines for line in order_lines], batch_size=2000
    )
    return missing


def _order(
    rng: random.Random, *, variants: list[Variant], day: date, today: date
) -> tuple[Order, list[OrderLine]]:
    lines = []
    for variant in rng.sample(variants, k=min(len(variants), rng.choice([1, 1, 2, 3]))):
        lines.append(
            OrderLine(
                variant=variant,
                product_name=variant.product.name,
                variant_label=variant.label,
                sku=variant.sku,
                unit_price=variant.price,
                unit_cost=variant.unit_cost,
                quantity=rng.choice([1, 1, 1, 2, 3]),
            )
        )
    subtotal = sum((line.unit_price * line.quantity for line in lines), D("0"))
    pickup = rng.random() < 0.15
    state = "KY" if pickup else rng.choice(STATES)
    shipping = D("0") if pickup or subtotal >= FREE_SHIPPING_FROM else FLAT_SHIPPING
    tax = ((subtotal + shipping) * TAX_RATE).quantize(CENT) if state == "KY" else D(0)
    total = subtotal + shipping + tax
    if (today - day).days < 5:
        status = Order.Status.PAID
    else:
        status = Order.Status.PICKED_UP if pickup else Order.Status.DELIVERED
    paid_at = timezone.make_aware(datetime.combine(day, time(rng.randrange(7, 23))))
    name = rng.choice(NAMES)
    order = Order(
        status=status,
        email=f"{name.lower()}{rng.randrange(10_000)}{ORDER_DOMAIN}",
        name=name,
        delivery_method=Order.Delivery.PICKUP if pickup else Order.Delivery.SHIP,
        address_line1="" if pickup else f"{rng.randrange(1, 9999)} Main Street",
        city="" if pickup else "Louisville",
        state="" if pickup else state,
        zip_code="" if pickup else "40202",
        subtotal=subtotal,
        shipping_amount=shipping,
        tax_amount=tax,
        total=total,
        shipping_cost=D("0") if pickup else FLAT_SHIPPING,
        payment_fee=(total * FEE_RATE + FEE_FIXED).quantize(CENT),
        amount_paid=total,
        currency_paid="usd",
        checkout_session_id=f"cs_catalog_{rng.getrandbits(64):016x}",
        paid_at=paid_at,
        confirmation_sent_at=paid_at,
    )
    return order, lines
