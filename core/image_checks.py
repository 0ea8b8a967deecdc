"""
Upload validation: one validator for every image field.

Uploads come from staff, but an image file is still untrusted input: Pillow decodes it,
so the validator refuses anything that is not a plain raster image of a sane size
(no SVG or HTML, no decompression bombs, no truncated files) before it is stored.
"""

import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageSequence, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MIN_IMAGE_SIDE = 200
DEFAULT_MAX_PIXELS = 40_000_000
# An animation is decoded frame by frame, each frame as large as the whole picture:
# its cost is the pixels of all its frames together, and its frame count.
DEFAULT_MAX_FRAMES = 300
DEFAULT_MAX_TOTAL_PIXELS = 100_000_000


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
