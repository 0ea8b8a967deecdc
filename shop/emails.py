"""
The order confirmation email: sent once, after the payment's transaction has
committed, and never able to undo a payment by failing.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.models import Order
from shop.selectors import shop_settings

logger = logging.getLogger(__name__)


def site_url(path: str) -> str:
    """An absolute URL for emails, which have no request to build one from:
    settings.SITE_URL when set, else the first allowed host."""
    base = getattr(settings, "SITE_URL", "")
    if not base:
        host = next(
            (h.lstrip(".") for h in settings.ALLOWED_HOSTS if h and h != "*"),
            "localhost",
        )
        scheme = "https" if getattr(settings, "HTTPS", False) else "http"
        base = f"{scheme}://{host}"
    return base.rstrip("/") + path


def order_send_confirmation(*, order_id: int) -> bool:
    """Send the confirmation email once. Runs after the payment's transaction has
    committed; a failure is logged and leaves `confirmation_sent_at` empty so staff
    can see (and resend) it in the admin; the order stays paid."""
    order = Order.objects.prefetch_related("lines").get(pk=order_id)
    if order.confirmation_sent_at is not None or not order.is_paid:
        return False
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "status_url": site_url(order.get_absolute_url()),
        "pickup_instructions": shop_settings().pickup_instructions,
    }
    try:
        message = EmailMultiAlternatives(
            subject=_("Your Redeeming Hope order %(number)s")
            % {"number": order.number},
            body=render_to_string("emails/order_confirmation.txt", context),
            to=[order.email],
        )
        message.attach_alternative(
            render_to_string("emails/order_confirmation.html", context), "text/html"
        )
        message.send()
    except Exception:
        logger.exception("Could not send the confirmation of order %s", order.number)
        return False
    Order.objects.filter(pk=order.pk, confirmation_sent_at__isnull=True).update(
        confirmation_sent_at=timezone.now()
    )
    return True
