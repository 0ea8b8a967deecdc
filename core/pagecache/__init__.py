"""
Public pages served from the cache, with each visitor's own parts filled in.

The pages that look the same for every visitor (home, campaigns, the shop's list
and product pages, the standing pages, /the-home/) are marked with
`@public_page`. `PageCacheMiddleware` keeps a copy of each such page in Django's
cache and serves it to the next visitor without running the view, so a hit costs
one cache round trip and no SQL.

Why not Django's own per-site cache (`UpdateCacheMiddleware` /
`FetchFromCacheMiddleware`): once a page reads the session or renders a CSRF
token, its response varies on Cookie, so every visitor with a cart or a CSRF
cookie gets a cache entry of their own (a miss for them, and memory for
whoever sends random cookies); and a response that sets the CSRF cookie is not
stored at all, so the product page (add to cart) never would be. Storing the
page as rendered for one visitor would instead hand their CSRF token and cart
count to everyone. Here a page is stored once for everybody, with holes where
a visitor's own parts go:

- the CSRF token of forms: stored as a hole, filled with
  `django.middleware.csrf.get_token(request)` for each visitor, which also makes
  `CsrfViewMiddleware` (outside this middleware) set or renew the visitor's
  CSRF cookie exactly as for an uncached page;
- fragments marked `{% per_visitor "template.html" %}` (the cart count in the
  header and the shop's cart link): rendered on their own for each visitor;
- messages ("Added to your cart"): a visitor with messages waiting gets the
  page uncached.

Never served from or stored in the cache: anything for a signed-in user;
methods other than GET and HEAD; a query string with a parameter or value the
view did not declare (so random query strings can neither fill the cache nor
poison it); a Host header whose name is not literally in ALLOWED_HOSTS or
whose port is not the server's. Never stored: responses other than 200, those
that set a cookie, modify the session, use a CSP nonce, vary on a request header
or ask not to be cached.

Invalidation: one "public pages version" in the cache, replaced by
`invalidate_public_pages()`; each entry remembers the version it was rendered
under and is ignored once the version changed. Each app calls it from its
`signals.py` for the models its public pages show (see CONTRIBUTING.md).
Entries also expire after PAGE_CACHE_SECONDS, so what changes with time alone
(scheduled publishing, "days left") shows within minutes. Each process keeps its
own copies too and reads the shared version at most every
PAGE_CACHE_RECHECK_SECONDS, so most hits make no round trip to Redis at all.

A cache that fails never breaks a page: the page is served uncached.
"""

from core.pagecache.keys import PAGE_NUMBER, SLUG, PagePolicy, QueryRule, public_page
from core.pagecache.middleware import PageCacheMiddleware
from core.pagecache.parts import SESSIONLESS_FRAGMENTS, fragment_marker
from core.pagecache.store import forget_process_copies as _forget_pages
from core.pagecache.store import (
    invalidate_on_change,
    invalidate_public_pages,
    invalidate_public_pages_on_commit,
    public_value,
)

__all__ = [
    "PAGE_NUMBER",
    "SLUG",
    "PageCacheMiddleware",
    "PagePolicy",
    "QueryRule",
    "forget_process_copies",
    "fragment_marker",
    "invalidate_on_change",
    "invalidate_public_pages",
    "invalidate_public_pages_on_commit",
    "public_page",
    "public_value",
]


def forget_process_copies() -> None:
    """Drop this process's copies of pages, fragments and the version (tests
    do, when they empty the shared cache)."""
    _forget_pages()
    SESSIONLESS_FRAGMENTS.clear()
