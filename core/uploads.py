"""
Images staff upload are stored without their metadata, under generated names.

A photo taken with a phone carries EXIF: where it was taken (GPS), when, with
which device, sometimes the owner's name; XMP, IPTC and comments can carry
more. On this site a picture of the home, or of a volunteer's kitchen table, must
never tell anyone where it was taken. So the original is decoded and encoded
again with nothing but its pixels (turned upright first, since the orientation
tag goes with the rest) and its color profile; and it is stored under a random
name, because a file name like "jane-doe-at-home.jpg" says things too.

Where: `StrippedImageField` is an ImageField whose file's `save()` does this.
Django calls that `save()` for every new file, whichever way it came (the admin's
form, a ModelForm, `instance.image.save(...)` in code, the demo seeding): just
before the file reaches the storage, after validation. A storage-level hook would
have to wrap whichever backend production configures (S3...); a form or admin
hook could be bypassed by code that assigns a file. The validator
(core.images.validate_image_file) stays on the fields and still refuses bad files
first; if something unreadable gets here anyway, nothing is stored.
"""

import io
import secrets
from pathlib import PurePosixPath
from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from PIL import Image, ImageOps, ImageSequence

from core.images import ALLOWED_FORMATS

JPEG_QUALITY = 90
WEBP_QUALITY = 90
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


@deconstructible
class UploadTo:
    """`upload_to` for staff images: "<folder>/<year>/<32 random hex>.<ext>".

    Only the extension of the name it is given is kept (StrippedImageField gives
    one that matches the stored format)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder.strip("/")

    def __call__(self, instance: models.Model | None, filename: str) -> str:
        extension = PurePosixPath(filename).suffix.lower()
        extension = ".jpg" if extension == ".jpeg" else extension
        if extension.lstrip(".") not in EXTENSIONS.values():
            extension = ""
        year = timezone.localdate().year
        return f"{self.folder}/{year}/{secrets.token_hex(16)}{extension}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UploadTo) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


def strip_metadata(content: File) -> ContentFile:
    """The image in `content` encoded again without metadata, as a ContentFile
    named "image.<ext>". ValueError when it is not an image this site takes."""
    try:
        content.seek(0)
    except (AttributeError, OSError, ValueError):
        content.open("rb")
    with Image.open(content) as source:
        image_format = source.format or ""
        if image_format not in ALLOWED_FORMATS:
            raise ValueError(f"Not an accepted image format: {image_format!r}.")
        buffer = io.BytesIO()
        if getattr(source, "n_frames", 1) > 1:
            _save_animation(source, buffer, image_format)
        else:
            _save_still(source, buffer, image_format)
    return ContentFile(buffer.getvalue(), name=f"image.{EXTENSIONS[image_format]}")


def _save_still(source: Image.Image, buffer: io.BytesIO, image_format: str) -> None:
    icc_profile = source.info.get("icc_profile")
    transparency = source.info.get("transparency")
    image = ImageOps.exif_transpose(source)  # a copy, upright, pixels loaded
    image.info = {}  # EXIF, XMP, comments, text chunks, DPI: none of it is kept
    options: dict[str, Any] = {}
    if icc_profile:
        options["icc_profile"] = icc_profile
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        options.update(quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif image_format == "WEBP":
        options.update(quality=WEBP_QUALITY, method=4)
    elif image_format == "PNG":
        options.update(optimize=True)
    if transparency is not None and image_format in ("PNG", "GIF"):
        options["transparency"] = transparency
    image.save(buffer, image_format, **options)


def _save_animation(source: Image.Image, buffer: io.BytesIO, image_format: str) -> None:
    """An animated GIF or WebP keeps its frames, timing and looping, nothing else."""
    loop = source.info.get("loop", 0)
    icc_profile = source.info.get("icc_profile")
    frames, durations = [], []
    for frame in ImageSequence.Iterator(source):
        frame.load()  # WebP reports a frame's duration once it is decoded
        durations.append(int(frame.info.get("duration") or 100))
        copy = frame.convert("RGBA")
        copy.info = {}
        frames.append(copy)
    options: dict[str, Any] = {
        "save_all": True,
        "append_images": frames[1:],
        "duration": durations,
        "loop": loop,
    }
    if image_format == "WEBP":
        options.update(quality=WEBP_QUALITY, method=4)
        if icc_profile:
            options["icc_profile"] = icc_profile
    else:
        options["disposal"] = 2  # each frame is whole: clear before the next
    frames[0].save(buffer, image_format, **options)


class StrippedImageFieldFile(ImageFieldFile):
    def save(self, name: str, content: File, save: bool = True) -> None:
        clean = strip_metadata(content)
        if hasattr(self, "_dimensions_cache"):
            del self._dimensions_cache  # the upright image may be turned
        super().save(clean.name or name, clean, save)


class StrippedImageField(models.ImageField):
    """An ImageField whose originals are stored without metadata (see above).
    Use with `upload_to=UploadTo("<folder>")`."""

    attr_class = StrippedImageFieldFile
