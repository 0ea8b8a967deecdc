"""
Uploaded images: responsive renditions. (Upload validation is in core.image_checks,
focal points and the crop box cut around them in core.focal_points.)

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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, cast

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db.models.fields.files import FieldFile
from PIL import Image, ImageOps

from core.focal_points import (
    CENTER,
    FocalPoint,
    clamp_percent,
    crop_box,
    focal_point_of,
)

logger = logging.getLogger(__name__)

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
# Renditions
# ---------------------------------------------------------------------------
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
    focus = FocalPoint(clamp_percent(focus[0]), clamp_percent(focus[1]))

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
        box = crop_box(width, height, crop_ratio, focus)
        crop_width, crop_height = box[2] - box[0], box[3] - box[1]
        focus_in_crop = FocalPoint(
            clamp_percent((focus.x * width / 100 - box[0]) * 100 / crop_width),
            clamp_percent((focus.y * height / 100 - box[1]) * 100 / crop_height),
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
        image = image.crop(crop_box(image.width, image.height, crop_ratio, focus))
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
