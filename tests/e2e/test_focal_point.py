"""A volunteer clicks a product picture in the admin on what must stay in view;
the square crop the shop shows is cut around it after saving."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from shop.models import ProductImage
from tests.images import picture_of
from tests.shop.factories import ProductImageFactory, VariantFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long volunteer password"


def wide_photo() -> ContentFile:
    """2000 × 1000, the product (a blue square) left of the middle, at 30%."""
    image = Image.new("RGB", (2000, 1000), (236, 231, 222))
    image.paste((20, 60, 160), (400, 300, 800, 700))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="tote.jpg")


@pytest.fixture
def product_image(live_server) -> ProductImage:
    variant = VariantFactory(product__name="Canvas tote")
    return ProductImageFactory(product=variant.product, image=wide_photo())


def test_a_volunteer_clicks_what_stays_in_view(
    page, live_server, product_image, django_user_model
):
    django_user_model.objects.create_superuser(
        "volunteer", "volunteer@example.org", PASSWORD
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + reverse("admin:index"))
    page.get_by_label("Username").fill("volunteer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    product = product_image.product
    page.goto(live_server.url + reverse("admin:shop_product_change", args=[product.pk]))

    across = page.locator("#id_images-0-focal_x")
    down = page.locator("#id_images-0-focal_y")
    expect(across).to_have_value("50")
    crop = page.locator("#images-0 .focal-slot svg")
    centered_src = crop.locator("image").get_attribute("href")
    assert crop.get_attribute("viewBox") == "0 0 480 480"

    # A click on the whole picture, on the product: the numbers follow.
    whole = page.locator("#images-0 .focal-point__image")
    whole.scroll_into_view_if_needed()
    box = whole.bounding_box()
    assert box is not None
    whole.click(position={"x": box["width"] * 0.30, "y": box["height"] * 0.5})
    expect(across).to_have_value("30")
    expect(down).to_have_value("50")
    expect(page.locator("#images-0 .focal-point__marker")).to_be_visible()
    expect(page.get_by_text("Point moved: the crops show it.")).to_be_visible()
    # The square crop moves over the whole picture (480 × 240) before saving:
    # 240 wide, centered on 30% (144), so from 24.
    expect(crop).to_have_attribute("viewBox", "24.00 0.00 240.00 240.00")

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    product_image.refresh_from_db()
    assert (product_image.focal_x, product_image.focal_y) == (30, 50)
    moved_src = crop.locator("image").get_attribute("href")
    assert moved_src != centered_src
    expect(page.get_by_text("Point moved")).to_be_hidden()

    # The shop's page shows the same crop, whole product in view.
    page.goto(live_server.url + product.get_absolute_url())
    shown = page.locator("img.product__image")
    expect(shown).to_be_visible()
    expected = picture_of(
        product_image.image, widths=[480, 800, 1200], crop_ratio=(1, 1)
    )
    assert shown.get_attribute("src") == expected.default.url
    assert (
        "-480w" in moved_src
        and moved_src.rsplit("-", 1)[0] == (expected.default.url.rsplit("-", 1)[0])
    ), "the admin's preview is a rendition of the page's own crop"
