"""Focal points: crops keep the chosen point in view, on the public pages and in
the admin's previews, and a moved point makes new renditions."""

import io
from typing import cast

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db.models.fields.files import FieldFile
from django.template import Context, Template
from django.urls import reverse
from PIL import Image

from core.admin_editing import ImageSlot, crop_warning, css_cover_box
from core.focal_points import CENTER, FocalPoint, focal_point_of
from core.images import Picture, Rendition, forget_process_pictures
from tests.campaigns.factories import CampaignFactory
from tests.campaigns.test_admin import _form_data, _image_upload
from tests.html import search
from tests.images import field_file, picture_of
from tests.shop.factories import ProductImageFactory, VariantFactory

BLUE = (0, 0, 255)
RED = (255, 0, 0)


@pytest.fixture(autouse=True)
def _fresh_renditions(settings):
    """Each test asks for renditions as if for the first time."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    forget_process_pictures()
    yield
    forget_process_pictures()


def png(size, paint=()) -> bytes:
    """A red PNG with blue boxes painted on it."""
    image = Image.new("RGB", size, RED)
    for box in paint:
        image.paste(BLUE, box)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def stored(data: bytes, name="originals/focus.png") -> FieldFile:
    return field_file(default_storage.save(name, ContentFile(data)))


def pixels(rendition: Rendition) -> Image.Image:
    name = rendition.url.removeprefix(cast(FileSystemStorage, default_storage).base_url)
    with default_storage.open(name) as file:
        image = Image.open(io.BytesIO(file.read()))
        return image.convert("RGB")


def is_blue(color) -> bool:
    red, _green, blue = color
    return blue > 200 and red < 60


# ---------------------------------------------------------------------------
# Cropping around the point
# ---------------------------------------------------------------------------
def test_a_crop_is_cut_around_the_focal_point():
    # 1000 × 200, cut square (200 × 200): a blue band from 200 to 400 across, where
    # a point at 30% (x = 300) sits in its middle.
    original = stored(png((1000, 200), [(200, 0, 400, 200)]))

    centered = picture_of(original, widths=[200], crop_ratio=(1, 1))
    around = picture_of(
        original, widths=[200], crop_ratio=(1, 1), focus=FocalPoint(30, 50)
    )

    assert not is_blue(pixels(centered.default).getpixel((100, 100)))
    result = pixels(around.default)
    assert result.size == (200, 200)
    for point in [(3, 3), (100, 100), (196, 196)]:
        assert is_blue(result.getpixel(point)), point
    assert around.focus == FocalPoint(50, 50)  # in the middle of the crop


def test_a_focal_point_near_an_edge_is_clamped_inside_the_picture():
    # A point at 5% cannot be centered: the crop starts at the left edge instead,
    # and the point is where it falls in it.
    original = stored(png((900, 300), [(0, 0, 300, 300)]))

    picture = picture_of(
        original, widths=[300], crop_ratio=(1, 1), focus=FocalPoint(5, 50)
    )

    result = pixels(picture.default)
    for point in [(2, 2), (150, 150), (297, 297)]:
        assert is_blue(result.getpixel(point)), point
    assert picture.focus == FocalPoint(15, 50)  # 45 px of 300


def test_a_tall_picture_is_cut_around_the_point_from_the_top():
    original = stored(png((300, 900), [(0, 600, 300, 900)]))

    picture = picture_of(
        original, widths=[300], crop_ratio=(1, 1), focus=FocalPoint(50, 95)
    )

    result = pixels(picture.default)
    assert is_blue(result.getpixel((150, 5))) and is_blue(result.getpixel((150, 295)))


def test_out_of_range_points_are_clamped():
    original = stored(png((600, 200)))

    assert picture_of(
        original, widths=[200], crop_ratio=(1, 1), focus=FocalPoint(250, -4)
    ) == picture_of(original, widths=[200], crop_ratio=(1, 1), focus=FocalPoint(100, 0))


# ---------------------------------------------------------------------------
# Renditions are keyed by the point
# ---------------------------------------------------------------------------
def test_rendition_names_change_with_the_focal_point():
    original = stored(png((800, 400)))
    urls = {
        focus: picture_of(
            original, widths=[200], crop_ratio=(1, 1), focus=FocalPoint(*focus)
        ).default.url
        for focus in [(50, 50), (20, 50), (80, 50), (20, 60)]
    }

    assert len(set(urls.values())) == 4
    # A centered crop keeps the names renditions had before focal points.
    assert (
        picture_of(original, widths=[200], crop_ratio=(1, 1)).default.url
        == (urls[(50, 50)])
    )
    # Without a crop the point changes no pixel, so no file.
    assert (
        picture_of(original, widths=[200], focus=FocalPoint(20, 50)).default.url
        == picture_of(original, widths=[200]).default.url
    )


@pytest.mark.django_db
def test_picture_for_reads_the_point_stored_beside_the_image():
    image = ProductImageFactory(focal_x=10, focal_y=70)

    assert focal_point_of(image.image) == FocalPoint(10, 70)
    assert picture_of(image.image, widths=[96], crop_ratio=(1, 1)) == picture_of(
        image.image, widths=[96], crop_ratio=(1, 1), focus=FocalPoint(10, 70)
    )
    assert focal_point_of(stored(png((300, 300)))) == CENTER  # no such fields
    assert focal_point_of(None) == CENTER


def test_a_picture_cached_before_focal_points_reads_as_centered():
    rendition = Rendition("/r.jpg", 10, 10, "image/jpeg")
    picture = Picture([rendition], [rendition], rendition, 10, 10)
    state = dict(picture.__dict__)
    del state["focus"]
    old = Picture.__new__(Picture)
    object.__setattr__(old, "__dict__", state)

    assert old.focus == CENTER


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------
def render(template: str, **context) -> str:
    return Template("{% load images %}" + template).render(Context(context))


def test_the_picture_tag_tells_css_where_the_point_is():
    # A 16:9 picture, cut 16:9 (nothing cut), then cropped by the page's CSS: the
    # <img> says where the point is, in tens of percent.
    original = stored(png((1600, 900)))

    html = render(
        '{% picture image alt="" widths="480" crop="16:9" focus=focus class="hero" %}',
        image=original,
        focus=FocalPoint(72, 18),
    )
    plain = render(
        '{% picture image alt="" widths="480" crop="16:9" class="hero" %}',
        image=original,
    )

    assert 'class="hero focus-x-70 focus-y-20"' in html
    assert 'class="hero"' in plain


def test_the_stylesheet_knows_every_focus_class():
    with open("static/css/site.css") as css:
        text = css.read()
    for tens in range(0, 101, 10):
        assert f".focus-x-{tens} {{\n  --focus-x: {tens}%;" in text
        assert f".focus-y-{tens} {{\n  --focus-y: {tens}%;" in text


@pytest.mark.django_db
def test_a_moved_focal_point_shows_a_new_crop_on_the_product_page(client):
    variant = VariantFactory(product__name="Hope mug")
    image = ProductImageFactory(product=variant.product)
    url = variant.product.get_absolute_url()

    def main_image_src() -> str:
        html = client.get(url).content.decode()
        return search(r'<img src="([^"]+)"[^>]*class="product__image', html)[1]

    before = main_image_src()
    image.focal_x, image.focal_y = 15, 40
    image.save()  # as the admin does: the page cache is dropped
    after = main_image_src()

    assert after != before
    assert after == (
        picture_of(image.image, widths=[480, 800, 1200], crop_ratio=(1, 1)).default.url
    )


# ---------------------------------------------------------------------------
# The admin
# ---------------------------------------------------------------------------
def test_a_framed_preview_shows_what_the_page_s_css_shows():
    # A 480 × 270 rendition in a 8:3 box, object-position 50% 20%: the box is
    # 480 × 180 of it, 20% of the 90 spare pixels from the top.
    rendition = Rendition("/r.jpg", 480, 270, "image/jpeg")
    picture = Picture([rendition], [rendition], rendition, 480, 270, FocalPoint(52, 18))

    assert css_cover_box(picture, (8, 3)) == (0, 18.0, 480, 180.0)
    assert css_cover_box(picture, (1, 1)) == (105.0, 0, 270.0, 270)


def portrait_and_landscape():
    slots = [ImageSlot("page", crop=(16, 9)), ImageSlot("square", crop=(1, 1))]
    portrait = picture_of(stored(png((300, 600)), "p.png"), widths=[200])
    landscape = picture_of(stored(png((600, 300)), "l.png"), widths=[200])
    return slots, portrait, landscape


def test_a_portrait_picture_in_a_landscape_slot_gets_a_warning():
    slots, portrait, landscape = portrait_and_landscape()

    assert "upright (portrait)" in crop_warning(portrait, slots)
    assert "page" in crop_warning(portrait, slots)
    assert crop_warning(landscape, slots) == ""
    assert crop_warning(portrait, [ImageSlot("square", crop=(1, 1))]) == ""
    assert crop_warning(portrait, [ImageSlot("band", crop=(1, 1), frame=(8, 3))]), (
        "a square crop shown as a wide band on the page is a landscape slot"
    )


def product_form_data(response) -> dict:
    """The product change form's own values, as the browser would post them."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or isinstance(value, FieldFile) or value is False:
                continue
            key = form.add_prefix(name)
            if value is True:
                data[key] = "on"
            elif isinstance(value, list):
                data[key] = [str(item) for item in value]
            else:
                data[key] = str(value)
    return data


@pytest.mark.django_db
def test_the_product_admin_shows_the_crop_and_saves_the_point(admin_client):
    variant = VariantFactory(product__name="Hope mug")
    image = ProductImageFactory(product=variant.product)
    url = reverse("admin:shop_product_change", args=[variant.product.pk])

    response = admin_client.get(url)
    html = response.content.decode()
    square = picture_of(image.image, widths=[480], crop_ratio=(1, 1))
    side = square.default.width  # the original's, if under 480
    assert (
        '<figure class="focal-slot" data-crop="1 1" data-frame="1 1">'
        f'<svg viewBox="0 0 {side} {side}" width="240" height="240" '
        f'aria-hidden="true"><image href="{square.default.url}" width="{side}" '
        f'height="{side}"/></svg>'
    ) in html
    assert 'data-focal-x="id_images-0-focal_x"' in html
    assert 'data-focal-y="id_images-0-focal_y"' in html
    assert 'name="images-0-focal_x"' in html
    assert "js/focal-point.js" in html

    data = product_form_data(response)
    data.update({"images-0-focal_x": "20", "images-0-focal_y": "75"})
    saved = admin_client.post(url, data)

    assert saved.status_code == 302, saved.context and saved.context["errors"]
    image.refresh_from_db()
    assert (image.focal_x, image.focal_y) == (20, 75)
    html = admin_client.get(url).content.decode()
    moved = picture_of(image.image, widths=[480], crop_ratio=(1, 1))
    assert moved.default.url != square.default.url
    assert f'<image href="{moved.default.url}"' in html


@pytest.mark.django_db
def test_the_product_admin_refuses_a_point_off_the_picture(admin_client):
    variant = VariantFactory()
    image = ProductImageFactory(product=variant.product)
    url = reverse("admin:shop_product_change", args=[variant.product.pk])
    data = product_form_data(admin_client.get(url))
    data["images-0-focal_x"] = "140"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "less than or equal to 100" in response.content.decode()
    image.refresh_from_db()
    assert image.focal_x == 50


@pytest.mark.django_db
def test_an_empty_point_means_the_middle(admin_client):
    response = admin_client.post(
        reverse("admin:campaigns_campaign_add"),
        _form_data(hero_focal_x="", hero_focal_y=""),
    )

    assert response.status_code == 302
    campaign = CampaignFactory._meta.model.objects.get(slug="wear-blue")
    assert (campaign.hero_focal_x, campaign.hero_focal_y) == (50, 50)


@pytest.mark.django_db
def test_a_portrait_hero_is_saved_with_a_warning(admin_client):
    response = admin_client.post(
        reverse("admin:campaigns_campaign_add"),
        _form_data(
            hero_image=_image_upload(size=(600, 900)),
            hero_image_alt="A volunteer, standing",
            hero_focal_x="50",
            hero_focal_y="25",
        ),
        follow=True,
    )

    campaign = CampaignFactory._meta.model.objects.get(slug="wear-blue")
    assert campaign.hero_image and (campaign.hero_focal_y == 25)
    warnings = [str(m) for m in get_messages(response.wsgi_request)]
    warnings += [str(m) for m in response.context["messages"]]
    assert any("upright (portrait)" in message for message in warnings), warnings

    # The form says it too, beside the crops, for as long as it is so.
    html = admin_client.get(
        reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    ).content.decode()
    assert 'class="focal-point__warning"' in html
    wide = picture_of(campaign.hero_image, widths=[480], crop_ratio=(16, 9))
    assert (
        '<svg viewBox="0 0 480 270" width="240" height="135" aria-hidden="true">'
        f'<image href="{wide.default.url}"'
    ) in html
    x, y, width, height = css_cover_box(wide, (8, 3))
    assert (
        '<figure class="focal-slot" data-crop="16 9" data-frame="8 3">'
        f'<svg viewBox="{x} {y} {width} {height}" width="240" height="90"'
    ) in html


@pytest.mark.django_db
def test_a_landscape_hero_is_saved_without_a_warning(admin_client):
    response = admin_client.post(
        reverse("admin:campaigns_campaign_add"),
        _form_data(hero_image=_image_upload(), hero_image_alt="Blue banner"),
        follow=True,
    )

    assert not [m for m in response.context["messages"] if "portrait" in str(m)], (
        "no warning for a wide picture"
    )
    campaign = CampaignFactory._meta.model.objects.get(slug="wear-blue")
    html = admin_client.get(
        reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    ).content.decode()
    assert "focal-point__warning" not in html
