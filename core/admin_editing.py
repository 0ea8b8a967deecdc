"""
What staff need to edit words and pictures in the admin, shared by the pages and
campaigns admins: a Markdown box sized for real text, a preview of the saved
Markdown as visitors will see it (rendered on the server, so no editor script from
anyone else), a thumbnail beside each image upload, and for images that pages crop,
the crops themselves and the point to keep in view (FocalPointAdminMixin).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AdminFileWidget
from django.db import models
from django.db.models.fields.files import FieldFile
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.images import Picture, picture_for
from core.markdown import render_markdown
from core.templatetags.images import css_focus

# The stylesheet the admins below add: wide Markdown boxes, the preview, thumbnails,
# and no time-zone note beside a date that has no time.
EDITING_CSS = {"all": ["css/admin-editing.css"]}


class MarkdownTextarea(forms.Textarea):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={"rows": 24, "cols": 90, "class": "markdown-editor", **(attrs or {})}
        )


class ThumbnailFileInput(AdminFileWidget):
    """The usual upload box, with the current image shown small above it."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        upload = super().render(name, value, attrs, renderer)
        return format_html("{}{}", self.above(name, value), upload)

    def above(self, name: str, value: Any) -> SafeString | str:
        """What is shown above the upload box."""
        return image_thumbnail(value)


def image_thumbnail(value: Any) -> SafeString | str:
    if not isinstance(value, FieldFile) or not value.name:
        return ""
    picture = picture_for(value, widths=[320])
    url = picture.default.url if picture else value.url
    return format_html('<img class="admin-thumbnail" src="{}" alt="" width="160">', url)


def markdown_preview(text: str) -> SafeString | str:
    if not text:
        return _("Nothing written yet.")
    return format_html('<div class="markdown-preview">{}</div>', render_markdown(text))


# ---------------------------------------------------------------------------
# Crops and focal points
# ---------------------------------------------------------------------------
# Width of the renditions the previews show: the smallest the public pages use.
PREVIEW_WIDTH = 480
# Width of each crop preview on the admin page (CSS pixels).
SLOT_WIDTH = 240


@dataclass(frozen=True)
class ImageSlot:
    """A place where a page shows an image: the ratio its renditions are cut to,
    and, when the page crops that rendition again with CSS, the shape it shows."""

    label: str | Promise
    crop: tuple[int, int]
    frame: tuple[int, int] | None = None

    @property
    def shape(self) -> tuple[int, int]:
        return self.frame or self.crop


def crop_warning(picture: Picture | None, slots: Sequence[ImageSlot]) -> str:
    """A note for a portrait picture in a landscape slot ("" when none applies)."""
    if picture is None or picture.height <= picture.width:
        return ""
    wide = [slot for slot in slots if slot.shape[0] > slot.shape[1]]
    if not wide:
        return ""
    return _(
        "This picture is upright (portrait), but it is shown wide (%(where)s): "
        "only a band across it shows. Check the crops, move the point to keep in "
        "view, or upload a wide (landscape) picture."
    ) % {"where": str(wide[0].label).lower()}


class FocalPointImageInput(ThumbnailFileInput):
    """The upload box, above it the picture (click it to set the point to keep in
    view, with static/js/focal-point.js; the two number fields work without it)
    and each slot's crop made by the same code and files as the public pages."""

    def __init__(
        self,
        *,
        field_name: str,
        focal_point_fields: tuple[str, str],
        slots: Sequence[ImageSlot],
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs)
        self.field_name = field_name
        self.focal_point_fields = focal_point_fields
        self.slots = list(slots)

    @property
    def media(self) -> forms.Media:
        return forms.Media(css={"all": EDITING_CSS["all"]}, js=["js/focal-point.js"])

    def above(self, name: str, value: Any) -> SafeString | str:
        if not isinstance(value, FieldFile) or not value.name:
            return ""
        whole = picture_for(value, widths=[PREVIEW_WIDTH])
        if whole is None:
            return image_thumbnail(value)
        # The focal inputs sit beside this one: "images-0-image" has
        # "images-0-focal_x" (an inline's prefix), "hero_image" has "hero_focal_x".
        prefix = name[: len(name) - len(self.field_name)]
        focal_x, focal_y = (f"id_{prefix}{field}" for field in self.focal_point_fields)
        warning = crop_warning(whole, self.slots)
        return format_html(
            '<div class="focal-point" data-focal-x="{}" data-focal-y="{}">'
            '<p class="help">{}</p><div class="focal-point__views">'
            '<figure class="focal-point__whole"><div class="focal-point__picture">'
            '<img class="focal-point__image" src="{}" width="{}" height="{}" alt="" '
            'data-width="{}" data-height="{}">'
            '<span class="focal-point__marker" hidden></span></div>'
            "<figcaption>{}</figcaption></figure>{}</div>"
            '<p class="focal-point__changed" hidden>{}</p>{}</div>',
            focal_x,
            focal_y,
            _(
                "Click the whole picture on what must stay in view when it is "
                "cropped, or type the two numbers below, then save. The crops "
                "beside it are the ones visitors see."
            ),
            whole.default.url,
            SLOT_WIDTH,
            round(SLOT_WIDTH * whole.height / whole.width),
            whole.width,
            whole.height,
            _("Whole picture"),
            format_html_join(
                "", "{}", ((self._slot(value, slot),) for slot in self.slots)
            ),
            _("Point moved: the crops show it. Save to keep it."),
            format_html('<p class="focal-point__warning">{}</p>', warning)
            if warning
            else "",
        )

    def _slot(self, value: FieldFile, slot: ImageSlot) -> SafeString | str:
        picture = picture_for(value, widths=[PREVIEW_WIDTH], crop_ratio=slot.crop)
        if picture is None:
            return ""
        shape_w, shape_h = slot.shape
        shown: tuple[float, float, float, float]
        if slot.frame is None:
            shown = (0, 0, picture.width, picture.height)
        else:
            # The part of the rendition the page's CSS shows (object-fit: cover,
            # object-position from the {% picture %} tag's focus classes).
            shown = css_cover_box(picture, slot.frame)
        # An SVG's viewBox cuts it (no style attribute under the CSP), and the
        # script moves it over the whole picture as the point moves.
        return format_html(
            '<figure class="focal-slot" data-crop="{} {}" data-frame="{} {}">'
            '<svg viewBox="{} {} {} {}" width="{}" height="{}" aria-hidden="true">'
            '<image href="{}" width="{}" height="{}"/></svg>'
            "<figcaption>{}</figcaption></figure>",
            *slot.crop,
            shape_w,
            shape_h,
            *shown,
            SLOT_WIDTH,
            round(SLOT_WIDTH * shape_h / shape_w),
            picture.default.url,
            picture.width,
            picture.height,
            slot.label,
        )


def css_cover_box(
    picture: Picture, frame: tuple[int, int]
) -> tuple[float, float, float, float]:
    """What a box of shape `frame` shows of `picture` with `object-fit: cover` and
    the object-position its focus classes give: x, y, width, height in its pixels.
    (CSS puts the image's p% point at the box's p%.)"""
    focus = css_focus(picture.focus)
    frame_w, frame_h = frame
    if picture.width * frame_h > picture.height * frame_w:  # wider: sides cut
        width = picture.height * frame_w / frame_h
        return (focus.x * (picture.width - width) / 100, 0, width, picture.height)
    height = picture.width * frame_h / frame_w
    return (0, focus.y * (picture.height - height) / 100, picture.width, height)


class FocalPointAdminMixin:
    """For a ModelAdmin or an inline: `image_slots = {"image": [ImageSlot(...)]}`
    names the image fields (StrippedImageFields with `focal_point_fields`) pages
    crop, and where. Their upload boxes show the crops; a ModelAdmin also warns,
    on saving, of a portrait picture put in a landscape slot."""

    image_slots: dict[str, Sequence[ImageSlot]] = {}

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        slots = self.image_slots.get(db_field.name)
        focal_point_fields = getattr(db_field, "focal_point_fields", None)
        if slots is not None and focal_point_fields:
            kwargs["widget"] = FocalPointImageInput(
                field_name=db_field.name,
                focal_point_fields=focal_point_fields,
                slots=slots,
            )
        return super().formfield_for_dbfield(  # type: ignore[misc]
            db_field, request, **kwargs
        )

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: BaseForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        for name, slots in self.image_slots.items():
            if name not in form.changed_data:
                continue
            warning = crop_warning(
                picture_for(getattr(obj, name), widths=[PREVIEW_WIDTH]), slots
            )
            if warning:
                messages.warning(request, warning)
