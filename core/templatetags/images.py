"""{% picture %}: a responsive <picture> (WebP + JPEG/PNG fallback) for an image field.

    {% load images %}
    {% picture campaign.hero_image alt=campaign.hero_image_alt widths="480,800,1200"
       sizes="100vw" crop="16:9" loading="eager" class="hero__image" %}

Renders nothing at all when the field is empty (or the original cannot be read).

The crop is cut around the focal point stored beside the image. Where the page
crops the picture further with CSS (`object-fit: cover`), the <img> carries
`focus-x-NN focus-y-NN` classes (tens of percent) that site.css turns into an
`object-position`: a style attribute would break the Content Security Policy.
"""

from collections.abc import Sequence

from django import template
from django.db.models.fields.files import FieldFile
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from core.focal_points import CENTER, FocalPoint
from core.images import Rendition, picture_for

register = template.Library()

DEFAULT_WIDTHS = "480,800,1200,1600"
DEFAULT_SIZES = "100vw"


def _parse_widths(widths: str | Sequence[int | str]) -> list[int]:
    if isinstance(widths, str):
        return [int(part) for part in widths.replace(" ", "").split(",") if part]
    return [int(width) for width in widths]


def _parse_crop(crop: str | Sequence[int | str] | None) -> tuple[int, int] | None:
    if not crop:
        return None
    if isinstance(crop, str):
        width, _, height = crop.partition(":")
        return (int(width), int(height))
    return (int(crop[0]), int(crop[1]))


def css_focus(focus: FocalPoint) -> FocalPoint:
    """The focal point as the stylesheet has it: in tens of percent."""
    return FocalPoint(*((value + 5) // 10 * 10 for value in focus))


def focus_classes(focus: FocalPoint) -> str:
    """The classes that put the focal point where CSS keeps it in view ("" for
    the middle, CSS's own default)."""
    if focus == CENTER:
        return ""
    x, y = css_focus(focus)
    return f"focus-x-{x} focus-y-{y}"


def _srcset(renditions: list[Rendition]) -> str:
    return ", ".join(f"{r.url} {r.width}w" for r in renditions)


@register.simple_tag
def picture(
    image: FieldFile | None,
    *,
    alt: str = "",
    widths: str | Sequence[int | str] = DEFAULT_WIDTHS,
    sizes: str = DEFAULT_SIZES,
    crop: str | Sequence[int | str] | None = None,
    loading: str = "lazy",
    focus: Sequence[int] | None = None,
    **attrs: object,
) -> SafeString | str:
    """The <picture> element; `class` (and any other extra keyword) goes on the <img>.

    `alt` is escaped; an empty alt marks the image as decorative. `focus` (x, y in
    percent) overrides the focal point stored beside the image.
    """
    result = picture_for(
        image,
        widths=_parse_widths(widths),
        crop_ratio=_parse_crop(crop),
        focus=FocalPoint(int(focus[0]), int(focus[1])) if focus else None,
    )
    if result is None:
        return ""
    if loading not in ("lazy", "eager"):
        loading = "lazy"
    where = focus_classes(result.focus)
    if where:
        attrs["class"] = f"{attrs.get('class') or ''} {where}".strip()
    extra = format_html_join(
        "", ' {}="{}"', ((key, value) for key, value in attrs.items() if value)
    )
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">'
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" '
        'loading="{}" decoding="async"{}></picture>',
        _srcset(result.webp),
        sizes,
        result.default.url,
        _srcset(result.fallback),
        sizes,
        result.width,
        result.height,
        alt or "",
        loading,
        extra,
    )
