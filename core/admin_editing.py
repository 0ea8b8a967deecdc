"""
What staff need to edit words and pictures in the admin, shared by the pages and
campaigns admins: a Markdown box sized for real text, a preview of the saved
Markdown as visitors will see it (rendered on the server, so no editor script from
anyone else), and a thumbnail beside each image upload.
"""

from typing import Any

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.db.models.fields.files import FieldFile
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.images import picture_for
from core.markdown import render_markdown

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
        html = super().render(name, value, attrs, renderer)
        thumbnail = image_thumbnail(value)
        if not thumbnail:
            return html
        return format_html("{}{}", thumbnail, html)


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
