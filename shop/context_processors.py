from django.http import HttpRequest
from django.utils.functional import lazy

from shop.cart import Cart


def _count(request: HttpRequest) -> int:
    session = getattr(request, "session", None)
    return len(Cart(session)) if session is not None else 0


# Made once: `lazy()` builds a class, which costs more than the rest of a cached
# page's request put together.
_lazy_count = lazy(_count, int)


def cart(request: HttpRequest) -> dict[str, object]:
    """`cart_count`: how many items are in the visitor's cart. Lazy, so a page
    that never shows it never reads the session."""
    return {"cart_count": _lazy_count(request)}
