"""The demo's pictures are drawings of things: products in their colors, people
in blue. Made with Pillow in memory."""

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from core.image_checks import validate_image_file
from demo import campaigns as campaigns_demo
from demo import shop as shop_demo
from demo.drawings.canvas import shade
from demo.drawings.products import COLORS, DRAWERS, SIZE, draw_product, paint
from demo.images import product_image_file, wear_blue_image_file


def open_file(file: ContentFile) -> Image.Image:
    file.seek(0)
    image = Image.open(io.BytesIO(file.read()))
    file.seek(0)
    return image


def colors_of(image: Image.Image) -> set[tuple[int, ...]]:
    counted = image.convert("RGB").getcolors(SIZE * SIZE) or []
    return {color for _, color in counted if isinstance(color, tuple)}


@pytest.mark.parametrize("kind", sorted(DRAWERS))
def test_every_product_kind_draws_a_square_picture(kind):
    picture = draw_product(kind)
    assert picture.size == (SIZE, SIZE)
    assert picture.mode == "RGB"
    # The item is centered on a light ground: the corners are the background...
    corners = [picture.getpixel(xy) for xy in [(2, 2), (SIZE - 3, 2), (2, SIZE - 3)]]
    assert all(isinstance(pixel, tuple) and min(pixel) > 225 for pixel in corners)
    # ...and the middle is not: something is drawn there.
    middle = picture.crop((SIZE // 4, SIZE // 4, 3 * SIZE // 4, 3 * SIZE // 4))
    assert len(colors_of(middle)) > 20


@pytest.mark.parametrize(
    ("kind", "one", "other"),
    [
        ("cap", "Navy", "Stone"),
        ("bracelet", "Blue", "Silver"),
        ("t-shirt", "Navy", "Royal blue"),
    ],
)
def test_variant_colors_are_painted(kind, one, other):
    first, second = draw_product(kind, [one]), draw_product(kind, [other])
    assert first.tobytes() != second.tobytes()
    # Each picture holds its own color and not the other's.
    assert paint(one) != paint(other)
    first_colors, second_colors = colors_of(first), colors_of(second)
    assert _rgb(paint(one)) in first_colors and _rgb(paint(one)) not in second_colors
    assert _rgb(paint(other)) in second_colors


def test_several_colors_share_one_picture():
    both = colors_of(draw_product("cap", ["Navy", "Stone"]))
    assert _rgb(paint("Navy")) in both and _rgb(paint("Stone")) in both


def test_every_demo_variant_color_has_paint():
    for spec in shop_demo.PRODUCTS:
        assert spec["drawing"] in DRAWERS
        for _, color, *_ in spec["variants"]:
            if color:
                assert color.lower() in COLORS


def test_unknown_kind_or_color_is_refused():
    with pytest.raises(ValueError):
        draw_product("teapot")
    with pytest.raises(ValueError):
        draw_product("mug", ["Plaid"])


@pytest.mark.parametrize(
    ("name", "image_format"), [("a.png", "PNG"), ("b.jpg", "JPEG")]
)
def test_product_image_file(name, image_format):
    file = product_image_file(kind="mug", colors=[], name=name)
    assert isinstance(file, ContentFile) and file.name == name
    with open_file(file) as image:
        assert image.format == image_format
        assert image.size == (SIZE, SIZE)
    validate_image_file(file)


def test_wear_blue_picture_is_wide_and_blue():
    file = wear_blue_image_file(name="hero.jpg")
    with open_file(file) as image:
        assert image.format == "JPEG"
        assert image.size == (1600, 900)
        small = image.convert("RGB").resize((160, 90))
    data = small.tobytes()
    pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
    blue = sum(1 for r, g, b in pixels if b > r + 40 and b > g + 20)
    assert blue > 160 * 90 * 0.2  # a good share of it is people in blue, the ribbon
    validate_image_file(file)
    with open_file(wear_blue_image_file(name="small.png", size=(800, 450))) as small:
        assert small.size == (800, 450)


def test_alt_texts_describe_the_pictures():
    for spec in shop_demo.PRODUCTS:
        alt = spec["alt"]
        assert alt != spec["name"]
        assert spec["name"].lower() not in {alt.lower(), alt.lower().rstrip(".")}
        assert len(alt.split()) >= 8, alt
    alt = campaigns_demo.HERO_IMAGE_ALT
    assert "blue" in alt and "people" in alt
    assert "reading" not in alt  # not a picture of words


def test_shade_goes_toward_black_or_white():
    assert shade("#808080", -1) == (0, 0, 0)
    assert shade("#808080", 1) == (255, 255, 255)
    assert shade("#808080", 0) == (128, 128, 128)


def _rgb(color: str) -> tuple[int, int, int]:
    return shade(color, 0)


@pytest.mark.django_db
def test_a_picture_from_an_earlier_demo_is_redrawn_and_staff_pictures_are_kept():
    from shop.models import ProductImage
    from tests.shop.factories import ProductFactory, ProductImageFactory

    spec = shop_demo.PRODUCTS[0]
    earlier = ProductFactory(slug="earlier")
    ProductImageFactory(product=earlier, alt=next(iter(shop_demo.EARLIER_DEMO_ALTS)))
    chosen = ProductFactory(slug="chosen")
    ProductImageFactory(product=chosen, alt="Our volunteer wearing the shirt")

    assert shop_demo._seed_image(earlier, spec) == 1
    assert shop_demo._seed_image(chosen, spec) == 0
    assert shop_demo._seed_image(earlier, spec) == 0  # once only

    (image,) = ProductImage.objects.filter(product=earlier)
    assert image.alt == spec["alt"] and image.width == SIZE
    assert chosen.images.get().alt == "Our volunteer wearing the shirt"


@pytest.mark.django_db
def test_the_campaigns_earlier_text_banner_is_replaced_by_the_illustration():
    from campaigns.models import Campaign
    from tests.campaigns.factories import CampaignFactory

    CampaignFactory(
        slug=campaigns_demo.CAMPAIGN_SLUG,
        with_image=True,
        hero_image_alt=campaigns_demo.EARLIER_HERO_IMAGE_ALT,
    )
    campaigns_demo._replace_earlier_hero_image()
    campaign = Campaign.objects.get(slug=campaigns_demo.CAMPAIGN_SLUG)
    assert campaign.hero_image_alt == campaigns_demo.HERO_IMAGE_ALT
    assert campaign.hero_image_width == 1600
