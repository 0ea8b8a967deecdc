"""The shop's part of the admin's first page (templates/admin/index.html)."""

from typing import Any

from django import template

from shop.selectors import Dashboard, shop_dashboard

register = template.Library()


@register.simple_tag(takes_context=True)
def shop_admin_dashboard(context: dict[str, Any]) -> Dashboard | None:
    """The dashboard for staff who may see orders; None for the others."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("shop.view_order"):
        return None
    return shop_dashboard()
