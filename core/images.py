"""
Uploaded images: one validator for every image field, and responsive renditions.

Uploads come from staff, but an image file is still untrusted input: Pillow decodes it,
so the validator refuses anything that is not a plain raster image of a sane size
(no SVG or HTML, no decompression bombs, no truncated files) before it is stored.

Renditions are resized copies (WebP plus a JPEG or PNG fallback) written once to the
default storage under `renditions/`, with names derived from the original's name and
the parameters (the crop, and the focal point it is cut around), so the same request
always maps to the same files and a moved focal point gets new ones. Which renditions
exist is remembered in the cache, so a page view after the first does no storage I/O,
and each process keeps its own copy of that answer for a few minutes, so a page with
many images does not ask the shared cache (Redis) once per image either.
"""

import hashlib
import io
import logging
import math
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, NamedTuple, cast

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import (
    Image,
    ImageOps,
    ImageSequence,
    UnidentifiedImageError,
)

logger = logging.getLogger(__name__)

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MIN_IMAGE_SIDE = 200
DEFAULT_MAX_PIXELS = 40_000_000
# An animation is decoded frame by frame, each frame as large as the whole picture:
# its cost is the pixels of all its frames together, and its frame count.
DEFAULT_MAX_FRAMES = 300
DEFAULT_MAX_TOTAL_PIXELS = 100_000_000

RENDITIONS_DIR = "renditions"
WEBP_QUALITY = 80
JPEG_QUALITY = 82
# Bump when the way renditions are made changes, so new files get new names.
RENDITION_VERSION = 1
# How long the list of existing renditions is trusted (seconds).
CACHE_TIMEOUT = 30 * 24 * 60 * 60
# How long a process uses its own copy of that list before asking the shared
# cache again (seconds), and how many images it keeps copies for. Renditions
# removed from the storage and the shared cache are made again this much later.
PROCESS_SECONDS = 300
PROCESS_MAX = 2000


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------
def validate_image_file(file: File) -> None:
    """Refuse an upload that is not a readable JPEG, PNG, WebP or GIF of a sane size.

    Works with an uploaded file (forms) and with a FieldFile (model validators; a file
    already in storage is not checked again). The pixel count is checked from the
    header before any pixel is decoded, and Pillow's own decompression-bomb warning is
    turned into an error here only, without touching its global limit. The file
    position is reset afterwards so Django can save it.
    """
    if isinstance(file, FieldFile) and getattr(file, "_committed", False):
        # Already stored, so it was checked on upload: re-saving a model must not
        # download its images again.
        return
    max_bytes = settings.MAX_UPLOAD_IMAGE_BYTES
    max_pixels = getattr(settings, "MAX_UPLOAD_IMAGE_PIXELS", DEFAULT_MAX_PIXELS)
    not_an_image = ValidationError(
        _("Upload a JPEG, PNG, WebP or GIF image. This file is not one."),
        code="invalid_image",
    )

    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            _("This image is %(size)s; the largest accepted is %(max)s.")
            % {"size": filesizeformat(size), "max": filesizeformat(max_bytes)},
            code="image_too_large",
        )

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            file.seek(0)
            with Image.open(file) as image:
                if image.format not in ALLOWED_FORMATS:
                    raise not_an_image
                width, height = image.size
                if width * height > max_pixels:
                    raise _too_many_pixels(width, height, max_pixels)
                animation_error = animation_limit_error(image)
                if animation_error is not None:
                    raise animation_error
                image.verify()
            # verify() leaves the image unusable and does not decode the pixels:
            # open again and decode to catch truncated or corrupt data, one frame
            # at a time (only the frame being decoded is held).
            file.seek(0)
            with Image.open(file) as image:
                for frame in ImageSequence.Iterator(image):
                    frame.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(None, None, max_pixels) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        # Pillow reports corrupt data with any of these.
        raise not_an_image from None
    finally:
        try:
            file.seek(0)
        except (AttributeError, OSError, ValueError):
            pass

    if min(width, height) < MIN_IMAGE_SIDE:
        raise ValidationError(
            _(
                "This image is %(width)s × %(height)s pixels; it needs to be at least "
                "%(min)s pixels on its shorter side."
            )
            % {"width": width, "height": height, "min": MIN_IMAGE_SIDE},
            code="image_too_small",
        )


def animation_limit_error(image: Image.Image) -> ValidationError | None:
    """Why an animation is refused (too many frames, or too many pixels over all
    its frames), or None. Read from the file's structure: no frame is decoded.

    The per-picture pixel limit does not bound an animation: each of its frames is
    decoded at the whole picture's size, so 400 frames of 9 megapixels are 3,600
    megapixels of work (and, held at once in RGBA, 14 GB of memory)."""
    frames = getattr(image, "n_frames", 1)
    if frames <= 1:
        return None
    max_frames = getattr(settings, "MAX_UPLOAD_IMAGE_FRAMES", DEFAULT_MAX_FRAMES)
    if frames > max_frames:
        return ValidationError(
            _(
                "This animation has %(frames)s frames; the most accepted is "
                "%(max)s. Please shorten it."
            )
            % {"frames": f"{frames:,}", "max": f"{max_frames:,}"},
            code="image_too_many_frames",
        )
    max_total = getattr(
        settings, "MAX_UPLOAD_IMAGE_TOTAL_PIXELS", DEFAULT_MAX_TOTAL_PIXELS
    )
    width, height = image.size
    if frames * width * height > max_total:
        return ValidationError(
            _(
                "This animation has %(frames)s frames of %(width)s × %(height)s "
                "pixels, %(total)s megapixels in all; the largest accepted is "
                "%(max)s megapixels over all its frames. Please make it smaller "
                "or shorter."
            )
            % {
                "frames": f"{frames:,}",
                "width": width,
                "height": height,
                "total": f"{frames * width * height / 1_000_000:,.0f}",
                "max": f"{max_total / 1_000_000:,.0f}",
            },
            code="image_too_many_pixels_in_all",
        )
    return None


def _too_many_pixels(
    width: int | None, height: int | None, max_pixels: int
) -> ValidationError:
    megapixels = max_pixels / 1_000_000
    if width and height:
        message = _(
            "This image is %(width)s × %(height)s pixels; the largest accepted is "
            "%(max)g megapixels. Please resize it."
        ) % {"width": width, "height": height, "max": megapixels}
    else:
        message = _(
            "This image has too many pixels; the largest accepted is %(max)g "
            "megapixels. Please resize it."
        ) % {"max": megapixels}
    return ValidationError(message, code="image_too_many_pixels")


# ---------------------------------------------------------------------------
# Renditions
# ---------------------------------------------------------------------------
class FocalPoint(NamedTuple):
    """The point of a picture that must stay in view when it is cropped, in percent
    of its width from the left (x) and of its height from the top (y)."""

    x: int
    y: int


CENTER = FocalPoint(50, 50)


def focal_point_of(field_file: FieldFile | None) -> FocalPoint:
    """The focal point stored beside an image (StrippedImageField's
    `focal_point_fields`), clamped to 0-100; the middle when it has none."""
    names = getattr(getattr(field_file, "field", None), "focal_point_fields", None)
    instance = getattr(field_file, "instance", None)
    if not names or instance is None:
        return CENTER
    x, y = (_percent(getattr(instance, name, None)) for name in names)
    return FocalPoint(x, y)


def _percent(value: object) -> int:
    try:
        number = round(float(cast(Any, value)))
    except (TypeError, ValueError):
        return 50
    return min(100, max(0, number))


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int
    mime_type: str


@dataclass(frozen=True)
class Picture:
    webp: list[Rendition]  # one per width, ascending
    fallback: list[Rendition]  # JPEG, or PNG when the original has transparency
    default: Rendition  # the fallback used for <img src>
    width: int  # intrinsic size of `default`
    height: int
    # Where the focal point lies in these renditions (percent): what a page that
    # crops them further with CSS keeps in view (object-position). A default, so
    # pictures cached before it existed still read.
    focus: FocalPoint = CENTER


def picture_for(
    field_file: FieldFile | None,
    *,
    widths: Sequence[int],
    crop_ratio: tuple[int, int] | None = None,
    focus: FocalPoint | None = None,
) -> Picture | None:
    """Renditions of an uploaded image at `widths`, optionally cropped to a ratio
    around a focal point (by default the one stored beside the image, see
    `focal_point_of`; the middle when there is none).

    Never upscales: widths above the original's collapse to the original width. The
    files are created on first use; after that the answer comes from the cache. None
    when the field is empty, or when the original cannot be read (logged, so a page
    still renders without the image).
    """
    if not field_file or not field_file.name:
        return None
    wanted = sorted({int(w) for w in widths if int(w) > 0})
    if not wanted:
        raise ValueError("picture_for() needs at least one positive width.")
    if crop_ratio is not None:
        crop_ratio = (int(crop_ratio[0]), int(crop_ratio[1]))
        if crop_ratio[0] <= 0 or crop_ratio[1] <= 0:
            raise ValueError(f"Invalid crop ratio: {crop_ratio!r}")

    focus = focal_point_of(field_file) if focus is None else focus
    focus = FocalPoint(_percent(focus[0]), _percent(focus[1]))

    storage = default_storage
    name = field_file.name
    params = f"v{RENDITION_VERSION}|{name}|{crop_ratio}"
    if crop_ratio is not None and focus != CENTER:
        # A crop around another point is other pixels: other files. (A centered
        # crop keeps the names it had before focal points existed.)
        params += f"|{focus.x},{focus.y}"
    cache_key = (
        "images:picture:"
        + hashlib.sha256(
            f"{_storage_identity(storage)}|{params}|{wanted}|{tuple(focus)}".encode()
        ).hexdigest()
    )
    kept = _PROCESS.get(cache_key)
    if kept is not None and kept[0] > time.monotonic():
        return kept[1]
    picture = cache.get(cache_key)
    if picture is not None:
        _keep(cache_key, picture)
        return picture

    try:
        picture = _make_picture(
            field_file, storage, name, params, wanted, crop_ratio, focus
        )
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        logger.warning("Cannot make renditions of %s: %s", name, error)
        return None
    cache.set(cache_key, picture, CACHE_TIMEOUT)
    _keep(cache_key, picture)
    return picture


# This process's copies: cache key -> (time.monotonic() until which it is used,
# the picture). A rendition's name never changes (it derives from the original's
# name and the parameters), so a copy can only be out of date if files were
# removed by hand.
_PROCESS: dict[str, tuple[float, Picture]] = {}


def _keep(key: str, picture: Picture) -> None:
    _PROCESS.pop(key, None)
    _PROCESS[key] = (time.monotonic() + PROCESS_SECONDS, picture)
    while len(_PROCESS) > PROCESS_MAX:
        try:
            del _PROCESS[next(iter(_PROCESS))]  # the oldest
        except (KeyError, RuntimeError, StopIteration):  # another thread's
            break


def forget_process_pictures() -> None:
    """Drop this process's copies (tests do, with the shared cache)."""
    _PROCESS.clear()


def _storage_identity(storage: Storage) -> str:
    # Two storages (say, two media roots in tests) must not share cache entries.
    return "|".join(
        str(getattr(storage, attr, ""))
        for attr in ("location", "bucket_name", "base_url")
    )


def _make_picture(
    field_file: FieldFile,
    storage: Storage,
    name: str,
    params: str,
    wanted: list[int],
    crop_ratio: tuple[int, int] | None,
    focus: FocalPoint,
) -> Picture:
    digest = hashlib.sha256(params.encode()).hexdigest()[:8]
    stem = PurePosixPath(name).stem[:60] or "image"
    prefix = f"{RENDITIONS_DIR}/{stem}-{digest}"

    source = None
    try:
        # Reading the header is cheap; pixels are decoded only if a file is missing.
        field_file.open("rb")
        source = Image.open(field_file)
        width, height = source.size
        if source.getexif().get(0x0112, 1) in (5, 6, 7, 8):  # turned on its side
            width, height = height, width
        box = _crop_box(width, height, crop_ratio, focus)
        crop_width, crop_height = box[2] - box[0], box[3] - box[1]
        focus_in_crop = FocalPoint(
            _percent((focus.x * width / 100 - box[0]) * 100 / crop_width),
            _percent((focus.y * height / 100 - box[1]) * 100 / crop_height),
        )
        plan = [
            (w, max(1, round(crop_height * w / crop_width)), f"{prefix}-{w}w")
            for w in sorted({min(w, crop_width) for w in wanted})
        ]
        may_be_transparent = _may_have_transparency(source)
        found = {
            base: _existing_fallback(storage, base, may_be_transparent)
            for _, _, base in plan
        }
        extensions = set(found.values())
        if None not in extensions and len(extensions) == 1:
            fallback_ext = extensions.pop()
        else:
            image = _prepare(source, crop_ratio, focus, plan[-1][0] / crop_width)
            transparent = may_be_transparent and _has_alpha(image)
            image = image.convert("RGBA" if transparent else "RGB")
            fallback_ext = "png" if transparent else "jpg"
            for w, h, base in plan:
                if found[base] == fallback_ext:
                    continue
                resized = image.resize((w, h), Image.Resampling.LANCZOS)
                if not storage.exists(f"{base}.webp"):
                    _write(storage, f"{base}.webp", resized, "WEBP")
                _write(storage, f"{base}.{fallback_ext}", resized, fallback_ext)
    finally:
        if source is not None:
            source.close()
        field_file.close()

    fallback_mime = "image/png" if fallback_ext == "png" else "image/jpeg"
    webp = [
        Rendition(storage.url(f"{base}.webp"), width, height, "image/webp")
        for width, height, base in plan
    ]
    fallback = [
        Rendition(storage.url(f"{base}.{fallback_ext}"), width, height, fallback_mime)
        for width, height, base in plan
    ]
    default = fallback[-1]
    return Picture(
        webp=webp,
        fallback=fallback,
        default=default,
        width=default.width,
        height=default.height,
        focus=focus_in_crop,
    )


def _crop_box(
    width: int,
    height: int,
    crop_ratio: tuple[int, int] | None,
    focus: FocalPoint = CENTER,
) -> tuple[int, int, int, int]:
    """The largest box of `crop_ratio` in width × height, centered on the focal
    point as far as the edges allow (all of it when there is no ratio)."""
    if crop_ratio is None:
        return (0, 0, width, height)
    ratio_w, ratio_h = crop_ratio
    if width * ratio_h > height * ratio_w:  # too wide: trim the sides
        new_width = max(1, round(height * ratio_w / ratio_h))
        left = _around(focus.x, width, new_width)
        return (left, 0, left + new_width, height)
    new_height = max(1, round(width * ratio_h / ratio_w))
    top = _around(focus.y, height, new_height)
    return (0, top, width, top + new_height)


def _around(percent: int, length: int, span: int) -> int:
    """Where a `span` centered on `percent` of `length` starts, kept inside it.
    Integer arithmetic: at 50% this is (length - span) // 2, the centered crop."""
    start = (percent * length * 2 - span * 100) // 200
    return min(max(start, 0), length - span)


def _may_have_transparency(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        "transparency" in image.info
    )


def _has_alpha(image: Image.Image) -> bool:
    """True when some pixel is not fully opaque (an unused alpha channel is not)."""
    rgba = image if image.mode == "RGBA" else image.convert("RGBA")
    # One band, so the extrema are plain numbers (several bands give tuples).
    low, _high = cast(tuple[int, int], rgba.getchannel("A").getextrema())
    return low < 255


def _prepare(
    source: Image.Image,
    crop_ratio: tuple[int, int] | None,
    focus: FocalPoint,
    scale: float,
) -> Image.Image:
    """Decode the original, upright and cropped around the focal point, with its
    metadata dropped.

    `scale` is the largest rendition's size relative to the (cropped) original.
    """
    if source.format == "JPEG" and scale < 0.5:
        # Let the JPEG decoder scale down by a power of two: far fewer pixels to
        # decode. draft() never goes below the size asked for.
        source.draft(
            "RGB",
            (math.ceil(source.width * scale) + 1, math.ceil(source.height * scale) + 1),
        )
    icc_profile = source.info.get("icc_profile")
    image = ImageOps.exif_transpose(source)
    if crop_ratio is not None:
        # On the decoded size, which draft() may have made smaller.
        image = image.crop(_crop_box(image.width, image.height, crop_ratio, focus))
    image.load()
    image.info = {"icc_profile": icc_profile} if icc_profile else {}
    return image


def _existing_fallback(
    storage: Storage, base: str, may_be_transparent: bool
) -> str | None:
    """The fallback extension already written for `base` (with its WebP), if any."""
    if not storage.exists(f"{base}.webp"):
        return None
    for ext in ("png", "jpg") if may_be_transparent else ("jpg",):
        if storage.exists(f"{base}.{ext}"):
            return ext
    return None


def _write(storage: Storage, name: str, image: Image.Image, image_format: str) -> None:
    """Encode and store one rendition; only the color profile is kept."""
    image_format = {"jpg": "JPEG", "png": "PNG"}.get(image_format, image_format)
    # `image` comes from _prepare(), whose info holds the color profile only.
    options: dict[str, Any] = {"icc_profile": image.info.get("icc_profile")}
    if image_format == "WEBP":
        options.update(quality=WEBP_QUALITY, method=4)
    elif image_format == "JPEG":
        options.update(quality=JPEG_QUALITY, progressive=True, optimize=True)
    else:
        options.update(optimize=True)
    if not options["icc_profile"]:
        del options["icc_profile"]
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    saved = storage.save(name, ContentFile(buffer.getvalue()))
    if saved != name:
        # Another process wrote the same rendition a moment ago: keep theirs.
        storage.delete(saved)
