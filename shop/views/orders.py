"""
The order's status page, reached only through its unguessable link.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from shop.models import Order
from shop.selectors import shop_settings
from shop.selectors.order_status import order_status_text


def _no_index(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_GET
def order_detail(request: HttpRequest, token: str) -> HttpResponse:
    """Confirmation and status page, reached only through the unguessable link."""
    order = get_object_or_404(Order.objects.prefetch_related("lines"), token=token)
    response = render(
        request,
        "shop/order_detail.html",
        {
            "order": order,
            "status_text": order_status_text(order=order),
            "lines": list(order.lines.all()),
            "events": list(order.events.all()),
            "rates": shop_settings(request),
        },
    )
    return _no_index(response)
