"""
The shop's pages, one module per page group: `catalog` (product list, product),
`cart` (cart, update, remove, promo code), `checkout` (checkout, back from the
payment page: paid or left) and `orders` (an order's status page). Browsing only
reads; the writes are the session cart and, at checkout, one service call.
"""
