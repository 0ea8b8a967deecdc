"""The shop in the admin: the catalogue (stock and cost of goods visible), orders
(lines read-only, money and Stripe ids frozen once paid) and their tools, promo
codes and the settings row."""

from shop.admin import catalog, orders

__all__ = ["catalog", "orders"]
