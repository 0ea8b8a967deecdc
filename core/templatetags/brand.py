"""`{% default_social_image %}`: the Open Graph image for pages without their own."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

OG_IMAGE = "img/og-default.png"
OG_IMAGE_SIZE = (1200, 630)
OG_IMAGE_ALT = (
    "A white house with a blue heart in it before a rising sun, beside the words "
    "Redeeming Hope, Fighting human trafficking in Kentucky"
)


@register.simple_tag(takes_context=True)
def default_social_image(context: template.Context) -> SafeString:
    """Link previews need an absolute address, so the request's host is used."""
    url = static(OG_IMAGE)
    request = context.get("request")
    if request is not None:
        url = request.build_absolute_uri(url)
    width, height = OG_IMAGE_SIZE
    return format_html(
        '<meta property="og:image" content="{}">\n'
        '    <meta property="og:image:type" content="image/png">\n'
        '    <meta property="og:image:width" content="{}">\n'
        '    <meta property="og:image:height" content="{}">\n'
        '    <meta property="og:image:alt" content="{}">',
        url,
        width,
        height,
        OG_IMAGE_ALT,
    )
