"""The shop's part of the admin's first page (templates/admin/index.html)."""

from dataclasses import dataclass
from typing import Any

from django import template

from shop.selectors import Dashboard, shop_dashboard

register = template.Library()


@dataclass(frozen=True)
class DashboardTiles:
    """The dashboard and which of its tiles this volunteer may act on."""

    data: Dashboard
    orders_to_fulfil: bool  # to ship, to hand over (who packs orders)
    orders_needing_attention: bool  # who packs orders, or accepts payments
    low_stock: bool  # who adjusts stock
    proceeds: bool  # Finance and the Administrator


@register.simple_tag(takes_context=True)
def shop_admin_dashboard(context: dict[str, Any]) -> DashboardTiles | None:
    """The tiles this user's role may act on; None when there are none."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return None
    fulfil = user.has_perm("shop.change_order")
    tiles = {
        "orders_to_fulfil": fulfil,
        "orders_needing_attention": fulfil
        or user.has_perm("shop.accept_payment_order"),
        "low_stock": user.has_perm("shop.adjust_stock")
        and user.has_perm("shop.view_variant"),
        "proceeds": user.has_perm("shop.view_proceeds"),
    }
    if not any(tiles.values()):
        return None
    return DashboardTiles(data=shop_dashboard(), **tiles)
