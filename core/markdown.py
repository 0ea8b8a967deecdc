"""
Markdown written by staff in the admin, rendered to HTML that is safe to show.

Staff accounts can be phished, so the admin is not trusted with raw HTML: Markdown is
rendered, then cleaned by nh3 (a maintained sanitizer) to an allow-list of tags and
attributes. Scripts, event handlers, styles and `javascript:` links never survive.
"""

from functools import lru_cache

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li",
    "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel", "sms"}


def render_markdown(text: str) -> SafeString:
    return mark_safe(_render(text or ""))  # noqa: S308 - sanitized by nh3 in _render


@lru_cache(maxsize=512)
def _render(text: str) -> str:
    """Keyed by the text itself, so an edit is a new key and nothing goes stale."""
    html = markdown_lib.markdown(text, extensions=["tables", "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
