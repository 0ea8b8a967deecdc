from django.http import HttpRequest
from django.utils.functional import lazy

from shop.cart import Cart


def cart(request: HttpRequest) -> dict[str, object]:
    """`cart_count`: how many items are in the visitor's cart. Lazy, so a page
    that never shows it never reads the session."""

    def count() -> int:
        session = getattr(request, "session", None)
        return len(Cart(session)) if session is not None else 0

    return {"cart_count": lazy(count, int)()}
