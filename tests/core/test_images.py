"""Image upload validation, renditions and the {% picture %} tag."""

import io
import re
import struct
import time
import zlib
from unittest import mock

import pytest
from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.template import Context, Template
from django.utils.datastructures import MultiValueDict
from PIL import Image

from core.image_checks import validate_image_file
from core.images import Picture, Rendition, forget_process_pictures, picture_for
from tests.html import assert_valid_html
from tests.images import field_file, picture_of
from tests.pixels import pixel_at


def forget_renditions():
    """Forget which renditions exist: the shared cache and this process's copy."""
    cache.clear()
    forget_process_pictures()


@pytest.fixture(autouse=True)
def _empty_cache():
    forget_renditions()
    yield
    forget_renditions()


def image_bytes(
    size=(400, 300), image_format="JPEG", mode="RGB", colour=(200, 80, 40), **save
) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, image_format, **save)
    return buffer.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored(data: bytes, name="originals/photo.jpg") -> FieldFile:
    """A FieldFile for an original saved to the default storage, as a model holds it."""
    saved = default_storage.save(name, ContentFile(data))
    return field_file(saved)


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width × height (a decompression bomb's shape)."""
    data = bytearray(image_bytes((1, 1), "PNG"))
    # Signature (8) + chunk length (4) + b"IHDR" (4), then width and height.
    struct.pack_into(">II", data, 16, width, height)
    crc = zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF
    struct.pack_into(">I", data, 29, crc)
    return bytes(data)


def codes(error: ValidationError) -> list[str | None]:
    return [e.code for e in error.error_list]


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("image_format", "name", "mode"),
    [
        ("JPEG", "photo.jpg", "RGB"),
        ("PNG", "photo.png", "RGBA"),
        ("WEBP", "photo.webp", "RGB"),
        ("GIF", "photo.gif", "P"),
    ],
)
def test_validate_accepts_supported_formats_and_rewinds(image_format, name, mode):
    file = upload(image_bytes((300, 200), image_format, mode=mode, colour=1), name)
    file.read(10)

    validate_image_file(file)

    assert file.tell() == 0


def test_validate_refuses_a_text_file_renamed_jpg():
    file = upload(b"Just some words, not a photograph.\n" * 20)

    with pytest.raises(ValidationError) as raised:
        validate_image_file(file)

    assert codes(raised.value) == ["invalid_image"]
    assert "JPEG, PNG, WebP or GIF" in raised.value.messages[0]
    assert file.tell() == 0


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400">'
            b"<script>alert(1)</script></svg>",
            "drawing.svg",
        ),
        (b"<!DOCTYPE html><html><body><script>alert(1)</script>", "page.jpg"),
    ],
)
def test_validate_refuses_svg_and_html(data, name):
    with pytest.raises(ValidationError) as raised:
        validate_image_file(upload(data, name))

    assert codes(raised.value) == ["invalid_image"]


@pytest.mark.parametrize("image_format", ["BMP", "TIFF"])
def test_validate_refuses_other_image_formats(image_format):
    with pytest.raises(ValidationError) as raised:
        validate_image_file(upload(image_bytes((300, 300), image_format)))

    assert codes(raised.value) == ["invalid_image"]


def test_validate_refuses_too_many_bytes(settings):
    data = image_bytes((400, 300))
    settings.MAX_UPLOAD_IMAGE_BYTES = len(data) - 1

    with pytest.raises(ValidationError) as raised:
        validate_image_file(upload(data))

    assert codes(raised.value) == ["image_too_large"]


def test_validate_refuses_a_tiny_png_claiming_a_huge_size():
    """7,000 × 7,000 pixels: over our 40 MP limit, refused before any decoding."""
    file = upload(png_claiming_size(7_000, 7_000), "bomb.png", "image/png")

    with pytest.raises(ValidationError) as raised:
        validate_image_file(file)

    assert codes(raised.value) == ["image_too_many_pixels"]
    assert "7000 × 7000" in raised.value.messages[0]


def test_validate_treats_pillows_bomb_error_and_warning_as_errors(settings):
    """Even with our own limit out of the way, Pillow's checks refuse the file,
    and its global limit is left as it was."""
    settings.MAX_UPLOAD_IMAGE_PIXELS = 10**12
    limit = Image.MAX_IMAGE_PIXELS

    for width in (20_000, 100_000):  # the warning range, then the error range
        file = upload(png_claiming_size(width, 10_000), "bomb.png", "image/png")
        with pytest.raises(ValidationError) as raised:
            validate_image_file(file)
        assert codes(raised.value) == ["image_too_many_pixels"]

    assert Image.MAX_IMAGE_PIXELS == limit


def test_validate_refuses_a_real_image_over_the_pixel_limit(settings):
    settings.MAX_UPLOAD_IMAGE_PIXELS = 100_000

    with pytest.raises(ValidationError) as raised:
        validate_image_file(upload(image_bytes((400, 300))))

    assert codes(raised.value) == ["image_too_many_pixels"]
    assert "0.1 megapixels" in raised.value.messages[0]


@pytest.mark.parametrize(
    ("image_format", "name"), [("JPEG", "photo.jpg"), ("PNG", "photo.png")]
)
def test_validate_refuses_a_truncated_file(image_format, name):
    noisy = Image.effect_noise((400, 400), 64).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, image_format)
    data = buffer.getvalue()

    with pytest.raises(ValidationError) as raised:
        validate_image_file(upload(data[: len(data) // 2], name))

    assert codes(raised.value) == ["invalid_image"]


@pytest.mark.parametrize("size", [(199, 800), (800, 150)])
def test_validate_refuses_a_too_small_image(size):
    with pytest.raises(ValidationError) as raised:
        validate_image_file(upload(image_bytes(size)))

    assert codes(raised.value) == ["image_too_small"]
    assert "200 pixels" in raised.value.messages[0]


def test_validate_accepts_exactly_200_pixels_on_the_short_side():
    validate_image_file(upload(image_bytes((200, 1000))))


def test_validator_in_a_form_reports_the_error_and_keeps_the_file_saveable():
    class ImageForm(forms.Form):
        image = forms.ImageField(validators=[validate_image_file])

    bad = ImageForm(files=MultiValueDict({"image": [upload(image_bytes((100, 100)))]}))
    assert not bad.is_valid()
    assert "at least 200 pixels" in bad.errors["image"][0]

    good = ImageForm(files=MultiValueDict({"image": [upload(image_bytes((400, 300)))]}))
    assert good.is_valid(), good.errors
    name = default_storage.save("originals/x.jpg", good.cleaned_data["image"])
    with default_storage.open(name) as saved, Image.open(saved) as image:
        assert image.size == (400, 300)


def test_validator_on_a_model_field_checks_new_files_only():
    field = models.ImageField(validators=[validate_image_file])
    new = field_file("tiny.jpg", field)
    new.file = upload(image_bytes((100, 100)), "tiny.jpg")
    # Django's private flag of a file not yet in storage.
    new._committed = False  # type: ignore[attr-defined]

    with pytest.raises(ValidationError):
        validate_image_file(new)

    # Already in storage (an existing object saved again): not opened again.
    stored_file = stored(image_bytes((100, 100)))
    with mock.patch.object(FileSystemStorage, "open", autospec=True) as open_:
        validate_image_file(stored_file)
    open_.assert_not_called()


# ---------------------------------------------------------------------------
# Renditions
# ---------------------------------------------------------------------------
def open_rendition(rendition: Rendition) -> Image.Image:
    assert isinstance(default_storage, FileSystemStorage)
    name = rendition.url.removeprefix(default_storage.base_url)
    with default_storage.open(name) as file:
        image = Image.open(io.BytesIO(file.read()))
        image.load()
        return image


def test_picture_for_makes_webp_and_jpeg_at_each_width():
    original = stored(image_bytes((1000, 800)))

    picture = picture_for(original, widths=[800, 200, 480])

    assert isinstance(picture, Picture)
    assert [(r.width, r.height) for r in picture.webp] == [
        (200, 160),
        (480, 384),
        (800, 640),
    ]
    assert [(r.width, r.height) for r in picture.fallback] == [
        (200, 160),
        (480, 384),
        (800, 640),
    ]
    assert {r.mime_type for r in picture.webp} == {"image/webp"}
    assert {r.mime_type for r in picture.fallback} == {"image/jpeg"}
    assert picture.default == picture.fallback[-1]
    assert (picture.width, picture.height) == (800, 640)
    for rendition in picture.webp + picture.fallback:
        image = open_rendition(rendition)
        assert image.size == (rendition.width, rendition.height)
        assert (
            image.format
            == {"image/webp": "WEBP", "image/jpeg": "JPEG"}[rendition.mime_type]
        )
    assert open_rendition(picture.fallback[0]).info.get("progressive")


def test_picture_for_never_upscales():
    picture = picture_of(stored(image_bytes((600, 400))), widths=[480, 800, 1200])

    assert [(r.width, r.height) for r in picture.webp] == [(480, 320), (600, 400)]
    assert open_rendition(picture.default).size == (600, 400)


@pytest.mark.parametrize(
    ("size", "ratio", "widths", "expected"),
    [
        ((1000, 1000), (16, 9), [480, 800], [(480, 270), (800, 450)]),
        ((800, 400), (1, 1), [300, 1000], [(300, 300), (400, 400)]),
        ((1200, 400), (4, 3), [1200], [(533, 400)]),
    ],
)
def test_picture_for_crops_to_a_ratio(size, ratio, widths, expected):
    picture = picture_of(stored(image_bytes(size)), widths=widths, crop_ratio=ratio)

    assert [(r.width, r.height) for r in picture.fallback] == expected
    assert open_rendition(picture.default).size == expected[-1]


def test_picture_for_crop_keeps_the_centre():
    image = Image.new("RGB", (900, 300), "red")
    image.paste((0, 0, 255), (300, 0, 600, 300))  # a blue centre square
    buffer = io.BytesIO()
    image.save(buffer, "PNG")

    picture = picture_of(
        stored(buffer.getvalue(), "c.png"), widths=[300], crop_ratio=(1, 1)
    )

    result = open_rendition(picture.default).convert("RGB")
    assert result.size == (300, 300)
    for point in [(2, 2), (150, 150), (297, 297)]:
        red, green, blue = pixel_at(result, point)
        assert blue > 200 and red < 50, point


def test_picture_for_keeps_transparency_with_a_png_fallback():
    image = Image.new("RGBA", (400, 400), (255, 0, 0, 0))
    image.paste((0, 128, 0, 255), (100, 100, 300, 300))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")

    picture = picture_of(stored(buffer.getvalue(), "logo.png"), widths=[200])

    assert picture.default.mime_type == "image/png"
    assert picture.default.url.endswith(".png")
    for rendition in (picture.default, picture.webp[0]):
        result = open_rendition(rendition)
        assert result.mode == "RGBA"
        assert pixel_at(result, (0, 0))[3] == 0
        assert pixel_at(result, (100, 100))[3] == 255


def test_picture_for_uses_jpeg_for_an_opaque_image_with_an_alpha_channel():
    data = image_bytes((400, 400), "PNG", mode="RGBA", colour=(0, 0, 255, 255))
    original = stored(data, "opaque.png")

    picture = picture_of(original, widths=[200])

    assert picture.default.mime_type == "image/jpeg"
    # Asked again with the cache gone: the JPEG found is used, nothing rewritten.
    forget_renditions()
    with mock.patch.object(
        FileSystemStorage, "save", autospec=True, side_effect=FileSystemStorage.save
    ) as save:
        again = picture_for(original, widths=[200])
    save.assert_not_called()
    assert again == picture


def exif_jpeg(size, orientation=1, colours=("red", "blue")) -> bytes:
    """A JPEG, left half colours[0], right half colours[1], with camera metadata."""
    image = Image.new("RGB", size, colours[0])
    image.paste(colours[1], (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "Camera Maker"  # Make
    exif[0x8825] = {1: "N", 2: (38.0, 15.0, 0.0), 3: "W", 4: (85.0, 45.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("size", "widths", "expected"),
    [
        ((400, 200), [100, 400], [(100, 200), (200, 400)]),
        # Much larger than needed: the JPEG is decoded at a reduced scale first.
        ((3000, 1500), [200], [(200, 400)]),
    ],
)
def test_picture_for_applies_exif_orientation(size, widths, expected):
    # Orientation 6: the camera was turned; show the stored image rotated 90° clockwise.
    data = exif_jpeg(size, orientation=6)

    picture = picture_of(stored(data), widths=widths)

    assert [(r.width, r.height) for r in picture.fallback] == expected
    result = open_rendition(picture.default).convert("RGB")
    width, height = expected[-1]
    assert result.size == (width, height)
    # The stored left half (red) ends up on top.
    assert pixel_at(result, (width // 2, height // 8))[0] > 200
    assert pixel_at(result, (width // 2, height * 7 // 8))[2] > 200


def test_picture_for_strips_exif_and_gps():
    data = exif_jpeg((600, 400))
    with Image.open(io.BytesIO(data)) as image:
        assert image.getexif().get_ifd(0x8825)  # the original does carry GPS

    picture = picture_of(stored(data), widths=[300, 600])

    for rendition in picture.webp + picture.fallback:
        result = open_rendition(rendition)
        assert "exif" not in result.info
        assert "xmp" not in result.info
        assert not dict(result.getexif())


def test_picture_for_names_are_deterministic():
    original = stored(image_bytes((1000, 600)))

    first = picture_of(original, widths=[480, 800])
    forget_renditions()
    second = picture_of(original, widths=[480, 800])
    cropped = picture_of(original, widths=[480, 800], crop_ratio=(1, 1))

    assert first == second
    assert re.fullmatch(
        r"/media/renditions/photo-[0-9a-f]{8}-480w\.webp", first.webp[0].url
    )
    assert re.fullmatch(
        r"/media/renditions/photo-[0-9a-f]{8}-800w\.jpg", first.fallback[1].url
    )
    assert cropped.webp[0].url != first.webp[0].url


def test_picture_for_writes_each_file_once():
    original = stored(image_bytes((1000, 600)))
    with mock.patch.object(
        FileSystemStorage, "save", autospec=True, side_effect=FileSystemStorage.save
    ) as save:
        picture_for(original, widths=[480, 800])
        assert save.call_count == 4  # two widths, WebP + JPEG

        forget_renditions()  # the storage is asked, nothing rewritten
        picture_for(original, widths=[480, 800])
        assert save.call_count == 4

    assert sorted(default_storage.listdir("renditions")[1]) == sorted(
        [
            re.sub(r"^/media/renditions/", "", r.url)
            for r in picture_of(original, widths=[480, 800]).webp
            + picture_of(original, widths=[480, 800]).fallback
        ]
    )


def test_picture_for_caches_the_existence_check():
    original = stored(image_bytes((1000, 600)))
    first = picture_for(original, widths=[480, 800], crop_ratio=(16, 9))

    with (
        mock.patch.object(FileSystemStorage, "exists", autospec=True) as exists,
        mock.patch.object(FileSystemStorage, "save", autospec=True) as save,
        mock.patch.object(FileSystemStorage, "open", autospec=True) as open_,
    ):
        second = picture_for(original, widths=[480, 800], crop_ratio=(16, 9))

    assert second == first
    exists.assert_not_called()
    save.assert_not_called()
    open_.assert_not_called()


def test_picture_for_asks_the_shared_cache_once_per_process_for_a_while():
    original = stored(image_bytes((1000, 600)))
    first = picture_for(original, widths=[480, 800])
    with mock.patch.object(cache, "get", wraps=cache.get) as shared:
        assert picture_for(original, widths=[480, 800]) == first
        shared.assert_not_called()
        # Later, the process asks the shared cache again (which still knows).
        with mock.patch(
            "core.images.time.monotonic", return_value=time.monotonic() + 301
        ):
            assert picture_for(original, widths=[480, 800]) == first
        shared.assert_called_once()


def test_picture_for_an_empty_field_is_none():
    assert picture_for(field_file(None), widths=[480]) is None
    assert picture_for(field_file(""), widths=[480]) is None
    assert picture_for(None, widths=[480]) is None


def test_picture_for_a_missing_original_is_none_and_not_cached(caplog):
    original = field_file("originals/gone.jpg")

    assert picture_for(original, widths=[480]) is None
    assert "gone.jpg" in caplog.text

    default_storage.save("originals/gone.jpg", ContentFile(image_bytes((600, 400))))
    assert picture_for(original, widths=[480]) is not None


def test_picture_for_refuses_bad_arguments():
    original = stored(image_bytes())
    with pytest.raises(ValueError):
        picture_for(original, widths=[])
    with pytest.raises(ValueError):
        picture_for(original, widths=[480], crop_ratio=(0, 9))


# ---------------------------------------------------------------------------
# The {% picture %} tag
# ---------------------------------------------------------------------------
def render(template: str, **context) -> str:
    return Template("{% load images %}" + template).render(Context(context))


def test_picture_tag_renders_a_responsive_picture():
    original = stored(image_bytes((1600, 1200)))

    html = render(
        '{% picture image alt=alt widths="480,800" sizes="(min-width: 60em) 50vw, '
        '100vw" crop="16:9" loading="eager" class="hero__image" %}',
        image=original,
        alt="A volunteer at the front desk",
    )

    picture = picture_of(original, widths=[480, 800], crop_ratio=(16, 9))
    assert html.startswith("<picture>") and html.endswith("</picture>")
    assert (
        f'<source type="image/webp" srcset="{picture.webp[0].url} 480w, '
        f'{picture.webp[1].url} 800w" sizes="(min-width: 60em) 50vw, 100vw">'
    ) in html
    assert f'src="{picture.fallback[1].url}"' in html
    assert (
        f'srcset="{picture.fallback[0].url} 480w, {picture.fallback[1].url} 800w"'
    ) in html
    assert 'width="800" height="450"' in html
    assert 'alt="A volunteer at the front desk"' in html
    assert 'loading="eager"' in html
    assert 'decoding="async"' in html
    assert 'class="hero__image"' in html


def test_picture_tag_defaults_to_lazy_loading_and_escapes_alt():
    html = render(
        '{% picture image alt=alt widths="320" %}',
        image=stored(image_bytes()),
        alt='Tom & "Jerry" <script>',
    )

    assert 'loading="lazy"' in html
    assert 'alt="Tom &amp; &quot;Jerry&quot; &lt;script&gt;"' in html
    assert "<script>" not in html
    assert 'sizes="100vw"' in html


def test_picture_tag_renders_nothing_for_an_empty_field():
    empty = field_file("")

    assert render('{% picture image alt="x" %}', image=empty) == ""
    assert render('{% picture image alt="x" %}', image=None) == ""


def test_picture_tag_output_is_valid_html():
    body = render(
        '{% picture image alt=alt widths="480,800,1200" crop="1:1" '
        'class="card__image" %}',
        image=stored(image_bytes((900, 700))),
        alt="Hands holding a mug",
    )

    assert_valid_html(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Test</title></head><body><main>{body}</main></body></html>"
    )
