"""`{% per_visitor "template.html" %}`: a fragment of a page that differs from
one visitor to the next (the cart count), so that the rest of the page can be
served from the cache (core.pagecache).

The fragment is a template of its own, rendered with the page's context when
the page is not cached, and on its own (a RequestContext: the request and the
context processors, nothing from the view) for each visitor of a cached page.
So it may show only what comes from the request: the visitor's session, the URL
name."""

from django import template
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe

from core.pagecache import fragment_marker

register = template.Library()


@register.simple_tag(takes_context=True)
def per_visitor(context: Context, template_name: str) -> SafeString:
    marker = fragment_marker(context.get("request"), template_name)
    if marker is not None:
        return mark_safe(marker)  # our own comment, no input
    fragment = context.template.engine.get_template(template_name)  # type: ignore[union-attr]
    with context.push():
        return mark_safe(fragment.render(context))  # rendered: escaped already
