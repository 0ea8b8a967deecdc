"""Images staff upload are stored without metadata (GPS above all), upright,
with their color profile, under generated names; the validator still refuses
bad files first."""

import io
import re

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from PIL import Image, ImageCms, ImageSequence, PngImagePlugin

from campaigns.models import Campaign
from core.images import picture_for
from core.uploads import StrippedImageField, UploadTo, strip_metadata
from tests.campaigns.test_admin import _form_data
from tests.pixels import pixel_at
from tests.shop.factories import ProductImageFactory

GPS_IFD = 0x8825
ORIENTATION = 0x0112
ARTIST = 0x013B
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/'
    b'1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/'
    b'elements/1.1/" dc:creator="Jane Doe"/></rdf:RDF></x:xmpmeta>'
)
# Markers that must not survive: the EXIF header, XMP's namespace, the names.
LEAKS = (b"Exif\x00\x00", b"ns.adobe.com/xap", b"Jane Doe", b"Jane's kitchen")


def phone_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: where (GPS), who, and which way up."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[ARTIST] = "Jane Doe"
    exif[GPS_IFD] = {
        1: "N",  # GPSLatitudeRef
        2: (38.0, 15.0, 10.5),  # GPSLatitude: Louisville
        3: "W",
        4: (85.0, 45.0, 30.2),
    }
    return exif


def phone_photo(size=(1200, 700), orientation=6) -> bytes:
    """A JPEG made in memory with GPS EXIF, XMP, a comment and a color profile.

    Orientation 6: the camera was turned, so the upright picture is 700 × 1200.
    The left half is red, so after turning it upright the top is red."""
    image = Image.new("RGB", size, (20, 60, 160))
    image.paste((200, 30, 30), (0, 0, size[0] // 2, size[1]))
    buffer = io.BytesIO()
    image.save(
        buffer,
        "JPEG",
        exif=phone_exif(orientation),
        xmp=XMP,
        comment=b"Jane's kitchen",
        icc_profile=SRGB,
        quality=95,
    )
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as check:  # the test's own premise
        assert check.getexif().get_ifd(GPS_IFD) and "xmp" in check.info
    return data


def assert_no_metadata(data: bytes) -> Image.Image:
    for leak in LEAKS:
        assert leak not in data, leak
    image = Image.open(io.BytesIO(data))
    assert not image.getexif(), dict(image.getexif())
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment", "Author", "dpi"):
        assert key not in image.info, key
    return image


# ---------------------------------------------------------------------------
# Through the admin, as staff upload
# ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_phone_photo_uploaded_in_the_admin_is_stored_without_gps(admin_client):
    upload = SimpleUploadedFile(
        "jane-doe-at-home.jpg", phone_photo(), content_type="image/jpeg"
    )
    response = admin_client.post(
        reverse("admin:campaigns_campaign_add"),
        _form_data(hero_image=upload, hero_image_alt="Blue banner"),
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(slug="wear-blue")

    name = campaign.hero_image.name or ""
    assert re.fullmatch(r"campaigns/\d{4}/[0-9a-f]{32}\.jpg", name), name
    assert "jane" not in name.lower()
    with default_storage.open(name) as stored:
        data = stored.read()
    image = assert_no_metadata(data)
    assert image.format == "JPEG"
    assert image.info.get("icc_profile") == SRGB  # colors stay right
    # Turned upright before the orientation tag went: the red half is on top.
    assert image.size == (700, 1200)
    assert (campaign.hero_image_width, campaign.hero_image_height) == (700, 1200)
    red, green, blue = pixel_at(image, (350, 100))
    assert red > 150 and blue < 100
    # It still displays: renditions are made from it, and the page shows them.
    picture = picture_for(campaign.hero_image, widths=[400])
    assert picture is not None and picture.default.width == 400
    campaign.hero_image.close()


@pytest.mark.django_db
def test_the_validator_still_refuses_a_file_that_is_not_an_image(admin_client):
    fake = SimpleUploadedFile("hero.jpg", b"<svg onload=alert(1)>", "image/jpeg")
    response = admin_client.post(
        reverse("admin:campaigns_campaign_add"),
        _form_data(hero_image=fake, hero_image_alt="x"),
    )
    assert response.status_code == 200
    assert "hero_image" in response.context["adminform"].form.errors
    assert not Campaign.objects.exists()
    assert not default_storage.exists("campaigns")


# ---------------------------------------------------------------------------
# Every format, and every way a file reaches a field
# ---------------------------------------------------------------------------
def _encode(image: Image.Image, image_format: str, **options) -> ContentFile:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return ContentFile(buffer.getvalue(), name="upload")


def test_a_png_keeps_its_transparency_and_loses_its_text_and_exif():
    image = Image.new("RGBA", (300, 300), (20, 60, 160, 0))
    image.paste((200, 30, 30, 255), (0, 0, 150, 300))
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Jane Doe")
    clean = strip_metadata(
        _encode(image, "PNG", pnginfo=text, exif=phone_exif(), dpi=(300, 300))
    )
    assert clean.name == "image.png"
    stored = assert_no_metadata(clean.read())
    assert stored.mode == "RGBA"
    assert stored.getchannel("A").getextrema() == (0, 255)


def test_a_webp_loses_its_exif_and_xmp():
    image = Image.new("RGB", (300, 300), (20, 60, 160))
    clean = strip_metadata(_encode(image, "WEBP", exif=phone_exif(), xmp=XMP))
    assert clean.name == "image.webp"
    assert assert_no_metadata(clean.read()).format == "WEBP"


@pytest.mark.parametrize("image_format", ["GIF", "WEBP"])
def test_an_animation_keeps_its_frames_and_timing_only(image_format):
    frames = [Image.new("RGB", (300, 300), color) for color in ("red", "blue", "gray")]
    options = {"comment": b"Jane Doe"} if image_format == "GIF" else {"xmp": XMP}
    clean = strip_metadata(
        _encode(
            frames[0],
            image_format,
            save_all=True,
            append_images=frames[1:],
            duration=[100, 200, 300],
            loop=0,
            **options,
        )
    )
    stored = assert_no_metadata(clean.read())
    assert getattr(stored, "n_frames", 1) == 3
    durations = []
    for frame in ImageSequence.Iterator(stored):
        frame.load()
        durations.append(frame.info["duration"])
    assert durations == [100, 200, 300]


def test_a_file_that_is_not_an_image_is_never_stored():
    with pytest.raises(Exception):  # noqa: B017 - Pillow's own error, or ours
        strip_metadata(ContentFile(b"<html>hello</html>", name="x.jpg"))


@pytest.mark.django_db
def test_a_file_saved_from_code_is_stripped_and_renamed_too():
    image = Image.new("RGB", (400, 400), (11, 61, 145))
    photo = _encode(image, "JPEG", exif=phone_exif(orientation=1))
    product_image = ProductImageFactory(image=ContentFile(photo.read(), "jane.jpg"))
    name = product_image.image.name or ""
    assert re.fullmatch(r"shop/\d{4}/[0-9a-f]{32}\.jpg", name), name
    with default_storage.open(name) as stored:
        assert_no_metadata(stored.read())


def test_upload_to_keeps_only_a_known_extension():
    upload_to = UploadTo("shop/")
    assert re.fullmatch(r"shop/\d{4}/[0-9a-f]{32}\.jpg", upload_to(None, "A.JPEG"))
    assert re.fullmatch(r"shop/\d{4}/[0-9a-f]{32}", upload_to(None, "x.php"))
    assert upload_to(None, "a.png") != upload_to(None, "a.png")  # random
    assert upload_to == UploadTo("shop") and upload_to != UploadTo("fund")


def test_every_file_field_of_ours_strips_metadata():
    """A new image field must not forget: every file field in the project's apps
    is a StrippedImageField with a generated name."""
    ours = ("campaigns", "shop", "donations", "pages", "payments", "core", "staff")
    fields = [
        field
        for model in apps.get_models()
        if model._meta.app_label in ours
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]
    assert len(fields) >= 4  # hero, social, product and fund images
    for field in fields:
        assert isinstance(field, StrippedImageField), field
        assert isinstance(field.upload_to, UploadTo), field


# ---------------------------------------------------------------------------
# Originals stored before this: manage.py strip_image_metadata
# ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_older_originals_are_stored_again_without_metadata():
    from io import StringIO

    from django.core.management import call_command

    from tests.campaigns.factories import CampaignFactory

    campaign = CampaignFactory()
    # As an upload from before: the phone's file as it was, under its own name.
    old_name = default_storage.save(
        "campaigns/2025/jane-doe.jpg", ContentFile(phone_photo())
    )
    Campaign.objects.filter(pk=campaign.pk).update(
        hero_image=old_name,
        hero_image_alt="Blue banner",
        hero_image_width=1200,
        hero_image_height=700,
    )

    out = StringIO()
    call_command("strip_image_metadata", "--dry-run", stdout=out)
    assert "Would store 1 image(s)" in out.getvalue()
    assert Campaign.objects.get().hero_image.name == old_name

    call_command("strip_image_metadata", stdout=StringIO())
    campaign = Campaign.objects.get()
    name = campaign.hero_image.name or ""
    assert re.fullmatch(r"campaigns/\d{4}/[0-9a-f]{32}\.jpg", name), name
    assert (campaign.hero_image_width, campaign.hero_image_height) == (700, 1200)
    with default_storage.open(name) as stored:
        assert_no_metadata(stored.read())
    assert not default_storage.exists(old_name)  # the GPS is gone for good

    out = StringIO()
    call_command("strip_image_metadata", stdout=out)  # again: nothing to do
    assert "Stored 0 image(s)" in out.getvalue()
    assert Campaign.objects.get().hero_image.name == name
