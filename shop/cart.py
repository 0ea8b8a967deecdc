"""
The cart, kept in the session as {variant id: quantity} and nothing else: prices,
names and stock are read from the database every time the cart is shown, so a
tampered form or a stale page can never set what something costs.

A line whose variant went off sale or out of stock while it sat in the cart stays
in the cart, flagged with what is wrong, until the buyer removes or changes it.
"""

import ipaddress
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils.translation import gettext as _

from core.privacy_logging import pseudonym
from core.ratelimit import client_ip
from shop.models import Variant

SESSION_KEY = "shop_cart"
# The cart's own id, made with the cart: its orders carry it, so a cart can never
# have two pending orders (see shop.services.checkout).
CART_ID_KEY = "shop_cart_id"
_CART_ID_LENGTH = 22  # secrets.token_urlsafe(16)
# Most of one variant a single order may take: plenty for a supporter, and it keeps
# absurd numbers out of the arithmetic.
MAX_QUANTITY = 20

UNAVAILABLE = "unavailable"
SOLD_OUT = "sold_out"
NOT_ENOUGH = "not_enough"


@dataclass
class CartLine:
    variant_id: int
    variant: Variant | None
    quantity: int
    problem: str = ""

    @property
    def name(self) -> str:
        return self.variant.product.name if self.variant else _("An item")

    @property
    def label(self) -> str:
        return self.variant.label if self.variant else ""

    @property
    def unit_price(self) -> Decimal | None:
        return self.variant.price if self.variant else None

    @property
    def line_total(self) -> Decimal:
        if self.variant is None or self.problem in (UNAVAILABLE, SOLD_OUT):
            return Decimal("0.00")
        return self.variant.price * self.quantity

    @property
    def problem_message(self) -> str:
        if self.problem == UNAVAILABLE:
            return _("This item is no longer available. Remove it to check out.")
        if self.problem == SOLD_OUT:
            return _("This item has sold out. Remove it to check out.")
        if self.problem == NOT_ENOUGH and self.variant is not None:
            return _("Only %(stock)s left: lower the quantity to check out.") % {
                "stock": self.variant.stock
            }
        return ""


def line_problem(variant: Variant | None, quantity: int) -> str:
    if variant is None or not variant.is_active or not variant.product.is_active:
        return UNAVAILABLE
    if variant.stock == 0:
        return SOLD_OUT
    if quantity > variant.stock:
        return NOT_ENOUGH
    return ""


class Cart:
    def __init__(self, session: SessionBase) -> None:
        self.session = session

    @property
    def cart_id(self) -> str:
        """This cart's id (made now if the cart has none yet)."""
        return self.ensure_id()

    def ensure_id(self) -> str:
        """Give the cart its id if it has none; kept until the cart is cleared."""
        value = self.session.get(CART_ID_KEY)
        if not isinstance(value, str) or len(value) != _CART_ID_LENGTH:
            value = secrets.token_urlsafe(16)
            self.session[CART_ID_KEY] = value
        return value

    def _data(self) -> dict[str, int]:
        raw = self.session.get(SESSION_KEY)
        if not isinstance(raw, dict):
            return {}
        clean: dict[str, int] = {}
        for key, value in raw.items():
            if str(key).isdigit() and isinstance(value, int) and value > 0:
                clean[str(key)] = min(value, MAX_QUANTITY)
        return clean

    def _save(self, data: dict[str, int]) -> None:
        self.session[SESSION_KEY] = data
        self.session.modified = True
        # Made with the cart, not at checkout: concurrent checkout POSTs of one
        # session must all see the same id.
        self.ensure_id()

    def quantities(self) -> dict[int, int]:
        return {int(key): value for key, value in self._data().items()}

    def quantity_of(self, variant_id: int) -> int:
        return self._data().get(str(variant_id), 0)

    def __contains__(self, variant_id: int) -> bool:
        return str(variant_id) in self._data()

    def __len__(self) -> int:
        """How many items (not lines) are in the cart."""
        return sum(self._data().values())

    def add(self, variant_id: int, quantity: int) -> None:
        data = self._data()
        key = str(variant_id)
        data[key] = min(data.get(key, 0) + quantity, MAX_QUANTITY)
        self._save(data)

    def set(self, variant_id: int, quantity: int) -> None:
        data = self._data()
        data[str(variant_id)] = min(quantity, MAX_QUANTITY)
        self._save(data)

    def remove(self, variant_id: int) -> None:
        data = self._data()
        if data.pop(str(variant_id), None) is not None:
            self._save(data)

    def clear(self) -> None:
        """Empty the cart; the next one gets a new id."""
        for key in (SESSION_KEY, CART_ID_KEY):
            if key in self.session:
                del self.session[key]

    def lines(self) -> list[CartLine]:
        """The cart's lines with their variants from the database,
        in the order they were added, each flagged when it cannot be bought."""
        quantities = self.quantities()
        if not quantities:
            return []
        # Two queries: the variants with their products, and the products'
        # pictures (the cart shows a thumbnail of each line).
        variants = (
            Variant.objects.select_related("product")
            .prefetch_related("product__images")
            .in_bulk(list(quantities))
        )
        lines = []
        for variant_id, quantity in quantities.items():
            variant = variants.get(variant_id)
            lines.append(
                CartLine(
                    variant_id=variant_id,
                    variant=variant,
                    quantity=quantity,
                    problem=line_problem(variant, quantity),
                )
            )
        return lines


def cart_subtotal(lines: list[CartLine]) -> Decimal:
    return sum((line.line_total for line in lines), Decimal("0.00"))


def holder_key(request: HttpRequest) -> str:
    """Who is placing an order, for the caps on what one buyer may hold
    (ShopSettings): a keyed hash of the client's address as the rate limits read
    it (RATELIMIT_CLIENT_IP_HEADER behind a proxy), never the address itself.
    An IPv6 address counts by its /64 network: one connection gets a whole /64,
    and could otherwise take a new address for every order. Never "": requests
    whose address cannot be read share one key (and one cap), as they share
    one rate limit."""
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        address = f"unreadable:{address}"
    else:
        if isinstance(ip, ipaddress.IPv6Address):
            mapped = ip.ipv4_mapped  # ::ffff:1.2.3.4 is 1.2.3.4
            address = str(mapped or ipaddress.ip_network(f"{ip}/64", strict=False))
    return pseudonym(address, purpose="shop-holder", length=32)
