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
(core.image_checks.validate_image_file) stays on the fields and still refuses bad files
first; if something unreadable gets here anyway, nothing is stored.
"""

import io
import secrets
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from django import forms
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, ImageSequence

from core.focal_points import CENTER
from core.image_checks import ALLOWED_FORMATS, animation_limit_error

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
        # The validator refuses these first; code that saves a file itself
        # (instance.image.save(...)) gets here without it.
        too_big = animation_limit_error(source)
        if too_big is not None:
            raise ValueError(" ".join(too_big.messages))
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
    """An animated GIF or WebP keeps its frames, timing and looping, nothing else.

    Frames are decoded and handed to the encoder one at a time, never all held in
    RGBA (400 frames of 9 megapixels would be 14 GB): WebP's encoder takes each
    frame as it comes; GIF's keeps each one in palette form (a byte a pixel) until
    it writes the file, which the limit on all frames' pixels bounds."""
    loop = source.info.get("loop", 0)
    if image_format == "WEBP":
        # WebP reports a frame's duration once it is decoded: a first pass for the
        # timing, then the encoder reads the frames from the original itself (it
        # takes nothing else from it: metadata comes from the options only).
        durations = []
        for frame in ImageSequence.Iterator(source):
            frame.load()
            durations.append(int(frame.info.get("duration") or 100))
        options: dict[str, Any] = {
            "save_all": True,
            "duration": durations,
            "loop": loop,
            "quality": WEBP_QUALITY,
            "method": 4,
        }
        icc_profile = source.info.get("icc_profile")
        if icc_profile:
            options["icc_profile"] = icc_profile
        source.seek(0)
        source.save(buffer, "WEBP", **options)
        return
    frames = _clean_frames(source)
    first = next(frames)
    first.save(
        buffer,
        "GIF",
        save_all=True,
        append_images=frames,  # a generator: GIF's encoder asks for one at a time
        loop=loop,
        disposal=2,  # each frame is whole: clear before the next
    )


def _clean_frames(source: Image.Image) -> Iterator[Image.Image]:
    """Each frame of `source` in RGBA with its duration and nothing else, decoded
    when asked for."""
    for frame in ImageSequence.Iterator(source):
        frame.load()
        copy = frame.convert("RGBA")
        copy.info = {"duration": int(frame.info.get("duration") or 100)}
        yield copy


class StrippedImageFieldFile(ImageFieldFile):
    def save(self, name: str, content: File, save: bool = True) -> None:
        clean = strip_metadata(content)
        if hasattr(self, "_dimensions_cache"):
            del self._dimensions_cache  # the upright image may be turned
        super().save(clean.name or name, clean, save)


class StrippedImageField(models.ImageField):
    """An ImageField whose originals are stored without metadata (see above).
    Use with `upload_to=UploadTo("<folder>")`.

    `focal_point_fields=("focal_x", "focal_y")` names the model's two
    FocalPercentFields that hold the point to keep in view when the image is
    cropped (as `width_field` names where its width is kept): renditions of the
    image are then cut around it (core.images.picture_for)."""

    attr_class = StrippedImageFieldFile

    def __init__(
        self,
        *args: Any,
        focal_point_fields: tuple[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.focal_point_fields = tuple(focal_point_fields or ()) or None
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.focal_point_fields:
            kwargs["focal_point_fields"] = self.focal_point_fields
        return name, path, args, kwargs


class FocalPercentFormField(forms.IntegerField):
    """0 to 100; left empty, the middle (50)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(required=False, min_value=0, max_value=100)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> int:
        cleaned = super().clean(value)
        return CENTER.x if cleaned is None else cleaned


class FocalPercentField(models.PositiveSmallIntegerField):
    """One coordinate of a focal point, in percent (see StrippedImageField)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", CENTER.x)
        kwargs.setdefault("validators", [MaxValueValidator(100)])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{**kwargs, "form_class": FocalPercentFormField})


def focal_point_fields() -> tuple[FocalPercentField, FocalPercentField]:
    """The two fields of a focal point, across and down, labelled for staff:
    `focal_x, focal_y = focal_point_fields()` in a model."""
    return (
        FocalPercentField(
            _("keep in view: % from the left"),
            help_text=_("0 is the left edge, 50 the middle, 100 the right edge."),
        ),
        FocalPercentField(
            _("keep in view: % from the top"),
            help_text=_("0 is the top edge, 50 the middle, 100 the bottom edge."),
        ),
    )
