"""Template helpers for campaign pages: days left, JSON-LD data blocks."""

import datetime as dt
import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

# The same escapes as Django's json_script: "<", ">" and "&" can then never close
# the <script> element or open a comment, whatever staff write in a title.
_JSON_SCRIPT_ESCAPES = {
    ord(">"): "\\u003E",
    ord("<"): "\\u003C",
    ord("&"): "\\u0026",
}


@register.filter
def days_left(day: dt.date | None, today: dt.date | None = None) -> str:
    """ "today", "tomorrow", "in 12 days", "yesterday", "3 days ago" (local dates)."""
    if not day:
        return ""
    today = today or timezone.localdate()
    delta = (day - today).days
    if delta == 0:
        return _("today")
    if delta == 1:
        return _("tomorrow")
    if delta > 1:
        return ngettext("in %(n)d day", "in %(n)d days", delta) % {"n": delta}
    if delta == -1:
        return _("this was yesterday")
    return ngettext("this was %(n)d day ago", "this was %(n)d days ago", -delta) % {
        "n": -delta
    }


@register.filter
def json_ld(data: dict) -> SafeString:
    """A <script type="application/ld+json"> data block (not executed, so CSP-safe)."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),  # noqa: S308 - escaped above
    )


@register.simple_tag
def date_range(start: dt.date, end: dt.date) -> SafeString:
    """Two <time> elements, "January 1 – 31, 2027" style, or one for a single day."""

    def stamp(day: dt.date, text: str) -> SafeString:
        return format_html('<time datetime="{}">{}</time>', day.isoformat(), text)

    if start == end:
        return stamp(start, date_format(start, "F j, Y"))
    if start.year == end.year:
        first = date_format(start, "F j")
    else:
        first = date_format(start, "F j, Y")
    return format_html(
        "{} {} {}",
        stamp(start, first),
        _("to"),
        stamp(end, date_format(end, "F j, Y")),
    )
