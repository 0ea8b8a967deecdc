"""
Focal points: the point of a picture that stays in view when it is cropped, and the
crop box cut around it.
"""

from typing import Any, NamedTuple, cast

from django.db.models.fields.files import FieldFile


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
    x, y = (clamp_percent(getattr(instance, name, None)) for name in names)
    return FocalPoint(x, y)


def clamp_percent(value: object) -> int:
    """A percent as a whole number from 0 to 100 (50 when it is not a number)."""
    try:
        number = round(float(cast(Any, value)))
    except (TypeError, ValueError):
        return 50
    return min(100, max(0, number))


def crop_box(
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
