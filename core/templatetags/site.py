from decimal import Decimal

from django import template
from django.utils.safestring import SafeString

from core.markdown import render_markdown
from core.money import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | None) -> str:
    """The one way money is shown: {{ order.total|money }} -> $1,234.50."""
    return format_money(amount)


@register.filter
def markdown(text: str) -> SafeString:
    """Staff-written Markdown as sanitized HTML."""
    return render_markdown(text)
