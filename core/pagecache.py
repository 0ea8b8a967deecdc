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

import hashlib
import logging
import re
import secrets
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, overload

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import BaseCache, caches
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.http.request import split_domain_port
from django.middleware.csp import get_nonce
from django.middleware.csrf import CSRF_ALLOWED_CHARS, get_token
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.http import split_header_value

logger = logging.getLogger(__name__)

type ViewFunc = Callable[..., HttpResponseBase]

# A query parameter's allowed values: a collection of exact values, or a
# pattern the whole value must match.
QueryRule = Collection[str] | re.Pattern[str]
# Page numbers 1 to 99; later pages are served uncached (bounds the entries).
PAGE_NUMBER = re.compile(r"[1-9][0-9]?")
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")

VERSION_KEY = "pagecache:version"
PAGE_PREFIX = "pagecache:page:"
VALUE_PREFIX = "pagecache:value:"
# Where the CSRF token goes in a stored page (template names never start with
# a colon).
CSRF_SLOT = ":csrf"
_ATTRIBUTE = "_page_cache"
_CSRF_INPUT = re.compile(
    rb'<input type="hidden" name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})">'
)
_TOKEN_LIKE = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
# Headers the view may vary on without changing what is stored: the visitor's
# parts (Cookie) are filled in per request; nothing here compresses.
_HARMLESS_VARY = {"cookie", "accept-encoding"}
# Set on a response by decorators that outer middleware reads; a stored copy
# would lose them.
_RESPONSE_FLAGS = ("_csp_config", "_csp_ro_config", "xframe_options_exempt")


@dataclass(frozen=True)
class PagePolicy:
    """What `@public_page` records on a view."""

    query: Mapping[str, QueryRule] = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    """A stored page: bytes, with CSRF_SLOT and fragment template names
    where each visitor's own parts go."""

    version: str
    expires_at: float
    status: int
    headers: tuple[tuple[str, str], ...]
    charset: str
    parts: tuple[bytes | str, ...]


@dataclass
class _State:
    """This request's dealings with the cache (kept on the request)."""

    outcome: str  # "hit", "miss" or "bypass"
    key: str = ""
    version: str = ""
    marker: str = ""  # the fragment marker's random part, on a miss
    fragments: set[str] = field(default_factory=set)


@overload
def public_page[V: ViewFunc](view: V, /) -> V: ...
@overload
def public_page[V: ViewFunc](
    *, query: Mapping[str, QueryRule] | None = None
) -> Callable[[V], V]: ...
def public_page[V: ViewFunc](
    view: V | None = None, /, *, query: Mapping[str, QueryRule] | None = None
) -> V | Callable[[V], V]:
    """Mark a view whose page is the same for every visitor (apart from the
    CSRF token, `{% per_visitor %}` fragments and messages) as cacheable.

    `query` names the query parameters the page reads and their allowed values;
    a request with any other parameter, a repeated one or a value outside its
    rule is served uncached. An empty value counts as absent (as the views
    treat it). Works above or below other decorators that use
    `functools.wraps` (they copy the mark).
    """
    policy = PagePolicy(query=dict(query or {}))

    def mark(func: V) -> V:
        func.page_cache = policy  # type: ignore[attr-defined]
        return func

    if view is not None:
        return mark(view)
    return mark


def _enabled() -> bool:
    return bool(getattr(settings, "PAGE_CACHE_ENABLED", True))


def _seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 300))


def _cache() -> BaseCache:
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


def _now() -> float:
    return time.time()


def _new_version() -> str:
    return secrets.token_hex(8)


# ---------------------------------------------------------------------------
# Invalidation and values kept under the pages' version
# ---------------------------------------------------------------------------
def invalidate_public_pages() -> None:
    """Forget every stored public page (and value kept by `public_value`).

    Replaces the version (a random value: one atomic `set`, and nothing from an
    earlier version can match it again, even after the key was evicted). Never
    raises: with the cache down, pages expire on their own.
    """
    version = _new_version()
    _note_version(version)
    try:
        _cache().set(VERSION_KEY, version, timeout=None)
    except Exception:
        logger.exception("Could not invalidate the public pages' cache.")


def invalidate_public_pages_on_commit(*args: Any, **kwargs: Any) -> None:
    """For signal handlers: invalidate now and once more after the transaction
    commits. The first stops this process serving what it just changed (and
    keeps tests, whose transactions never commit, honest); the second drops a
    page another request rendered from the old rows and stored meanwhile."""
    invalidate_public_pages()
    transaction.on_commit(invalidate_public_pages, robust=True)


def invalidate_on_change(*models: type[Model]) -> None:
    """Invalidate the public pages whenever a row of these models is saved or
    deleted (and when a many-to-many field of theirs changes). For each app's
    `signals.py`. Writes made with `QuerySet.update()` send no signal: call
    `invalidate_public_pages_on_commit()` after them."""
    for model in models:
        uid = f"pagecache:{model._meta.label}"
        post_save.connect(
            invalidate_public_pages_on_commit, sender=model, dispatch_uid=uid
        )
        post_delete.connect(
            invalidate_public_pages_on_commit, sender=model, dispatch_uid=uid
        )
        for m2m in model._meta.many_to_many:
            m2m_changed.connect(
                invalidate_public_pages_on_commit,
                sender=m2m.remote_field.through,
                dispatch_uid=f"{uid}.{m2m.name}",
            )


def _read_version(cache: BaseCache, found: Mapping[str, Any]) -> str:
    version = found.get(VERSION_KEY)
    if isinstance(version, str):
        return version
    version = _new_version()
    if cache.add(VERSION_KEY, version, timeout=None):
        return version
    return str(cache.get(VERSION_KEY, version))


def public_value[T](name: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept in the cache until the public pages change (or for
    PAGE_CACHE_SECONDS): for figures several pages show, such as the Home
    fund's progress, so a page rendered on a miss does not recompute them.
    Computed afresh when the cache is off or fails."""
    if not _enabled():
        return compute()
    key = VALUE_PREFIX + name
    try:
        cache = _cache()
        found = cache.get_many([VERSION_KEY, key])
        version = _read_version(cache, found)
        kept = found.get(key)
        if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == version:
            value: T = kept[1]
            return value
    except Exception:
        logger.warning("Page cache unavailable: computing %s afresh.", name)
        return compute()
    value = compute()
    try:
        cache.set(key, (version, value), timeout=_seconds())
    except Exception:
        logger.warning("Page cache unavailable: %s not kept.", name)
    return value


# ---------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------
def _allowed(rule: QueryRule, value: str) -> bool:
    if isinstance(rule, re.Pattern):
        return rule.fullmatch(value) is not None
    return value in rule


def _normalized_query(request: HttpRequest, policy: PagePolicy) -> str | None:
    """The query string as the view reads it, sorted; None when not cacheable."""
    items: list[tuple[str, str]] = []
    for name in request.GET:
        values = request.GET.getlist(name)
        rule = policy.query.get(name)
        if rule is None or len(values) != 1:
            return None
        value = values[0]
        if value == "":
            continue
        if not _allowed(rule, value):
            return None
        items.append((name, value))
    return "&".join(f"{name}={value}" for name, value in sorted(items))


def _cacheable_host(request: HttpRequest) -> str | None:
    """The Host as pages print it (absolute links), when it is one this site
    names exactly, on the port the server listens on; else None (a wildcard in
    ALLOWED_HOSTS or a made-up port must not create entries)."""
    host = request.get_host()
    domain, port = split_domain_port(host)
    if port and port != str(request.META.get("SERVER_PORT", "")):
        return None
    if domain not in {h.lower() for h in settings.ALLOWED_HOSTS}:
        return None
    return host


def page_key(request: HttpRequest, policy: PagePolicy) -> str | None:
    """The cache key of this request's page, or None when it is not cached."""
    query = _normalized_query(request, policy)
    host = _cacheable_host(request)
    if query is None or host is None:
        return None
    url = f"{request.scheme}://{host}{request.path}?{query}"
    return PAGE_PREFIX + hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()


# ---------------------------------------------------------------------------
# Per-visitor parts
# ---------------------------------------------------------------------------
def fragment_marker(request: HttpRequest | None, template_name: str) -> str | None:
    """What `{% per_visitor %}` writes instead of its fragment when the page is
    being rendered for the cache; None otherwise (render it in place)."""
    state = getattr(request, _ATTRIBUTE, None)
    if not isinstance(state, _State) or not state.marker:
        return None
    state.fragments.add(template_name)
    return f"<!--pagecache:{state.marker}:{template_name}-->"


def _split_fragments(body: bytes, state: _State) -> list[bytes | str]:
    """The body cut at this request's fragment markers (the random part of the
    marker means staff-written text cannot forge one)."""
    pattern = re.compile(
        b"<!--pagecache:" + re.escape(state.marker.encode()) + rb":([^>]{1,200})-->"
    )
    parts: list[bytes | str] = []
    position = 0
    for match in pattern.finditer(body):
        name = match.group(1).decode()
        if name not in state.fragments:
            continue
        parts += [body[position : match.start()], name]
        position = match.end()
    parts.append(body[position:])
    return parts


def _unmask(token: str) -> str:
    """The secret behind a masked CSRF token (as Django unmasks it)."""
    mask, cipher = token[:32], token[32:]
    chars = CSRF_ALLOWED_CHARS
    return "".join(
        chars[chars.index(c) - chars.index(m)]
        for c, m in zip(cipher, mask, strict=True)
    )


def _cut_csrf(
    parts: list[bytes | str], request: HttpRequest
) -> list[bytes | str] | None:
    """Replace the CSRF token of forms with CSRF_SLOT. None when a token of
    this visitor is left anywhere else (the page must not be stored)."""
    secret = request.META.get("CSRF_COOKIE")
    if not request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or not secret:
        return parts  # no token was rendered
    tokens = {
        token
        for part in parts
        if isinstance(part, bytes)
        for token in _CSRF_INPUT.findall(part)
    }
    cut: list[bytes | str] = []
    for part in parts:
        if isinstance(part, str) or not tokens:
            cut.append(part)
            continue
        pieces = re.split(b"(" + b"|".join(map(re.escape, tokens)) + b")", part)
        cut += [CSRF_SLOT if piece in tokens else piece for piece in pieces]
    for part in cut:
        if isinstance(part, bytes):
            for found in _TOKEN_LIKE.findall(part):
                if _unmask(found.decode()) == secret:
                    return None
    return cut


# A fragment as a visitor without a session sees it (no cart, not signed in)
# depends only on the page's URL name: rendered once per process, kept here.
_SESSIONLESS_FRAGMENTS: dict[tuple[str, str, str], bytes] = {}


def _render_fragment(request: HttpRequest, name: str, charset: str) -> bytes:
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return render_to_string(name, request=request).encode(charset)
    match = request.resolver_match
    key = (name, match.view_name if match else "", charset)
    fragment = _SESSIONLESS_FRAGMENTS.get(key)
    if fragment is None:
        fragment = render_to_string(name, request=request).encode(charset)
        if len(_SESSIONLESS_FRAGMENTS) < 1000:
            _SESSIONLESS_FRAGMENTS[key] = fragment
    return fragment


def _fill(request: HttpRequest, parts: tuple[bytes | str, ...], charset: str) -> bytes:
    token = ""
    out: list[bytes] = []
    for part in parts:
        if isinstance(part, bytes):
            out.append(part)
        elif part == CSRF_SLOT:
            token = token or get_token(request)
            out.append(token.encode())
        else:
            out.append(_render_fragment(request, part, charset))
    return b"".join(out)


# ---------------------------------------------------------------------------
# The middleware
# ---------------------------------------------------------------------------
# This process's copies of pages it stored or fetched, checked against the
# shared version on each use: a hit then reads only the version (a few bytes)
# from a shared cache such as Redis, not the page.
_LOCAL: dict[str, Entry] = {}
_LOCAL_MAX = 200


def _remember(key: str, entry: Entry) -> None:
    _LOCAL.pop(key, None)
    _LOCAL[key] = entry
    while len(_LOCAL) > _LOCAL_MAX:
        del _LOCAL[next(iter(_LOCAL))]  # the oldest


def _fresh(entry: object, version: str) -> bool:
    return (
        isinstance(entry, Entry)
        and entry.version == version
        and entry.expires_at > _now()
    )


# The version this process last read or set, and when (time.monotonic()).
_KNOWN: dict[str, Any] = {"version": "", "at": 0.0}


def _note_version(version: str) -> None:
    _KNOWN.update(version=version, at=time.monotonic())


def _recent_version() -> str | None:
    """The version read less than PAGE_CACHE_RECHECK_SECONDS ago, if any."""
    seconds = float(getattr(settings, "PAGE_CACHE_RECHECK_SECONDS", 0))
    if _KNOWN["version"] and time.monotonic() - _KNOWN["at"] < seconds:
        return str(_KNOWN["version"])
    return None


def forget_process_copies() -> None:
    """Drop this process's copies of pages and of the version (tests do, when
    they empty the cache)."""
    _LOCAL.clear()
    _SESSIONLESS_FRAGMENTS.clear()
    _note_version("")


def _lookup(key: str) -> tuple[str, Entry | None]:
    """The current version and the page stored under it, if any. One cache
    round trip, for the version alone when this process holds the page; none
    when it also read the version less than PAGE_CACHE_RECHECK_SECONDS ago (so
    a change made through another process shows here that much later)."""
    cache = _cache()
    local = _LOCAL.get(key)
    if local is not None:
        recent = _recent_version()
        version = recent or cache.get(VERSION_KEY)
        if isinstance(version, str) and recent is None:
            _note_version(version)
        if isinstance(version, str) and _fresh(local, version):
            return version, local
        _LOCAL.pop(key, None)
    found = cache.get_many([VERSION_KEY, key])
    version = _read_version(cache, found)
    _note_version(version)
    entry = found.get(key)
    if isinstance(entry, Entry) and _fresh(entry, version):
        _remember(key, entry)
        return version, entry
    return version, None


def _private(response: HttpResponseBase) -> None:
    """Never let a browser share the page or a CDN keep it: its cart count and
    CSRF token are the visitor's (so HTML must not be cached at a CDN either).
    Browsers may still show it again for Back."""
    if not response.has_header("Cache-Control"):
        patch_cache_control(response, private=True, no_cache=True)


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def _has_messages(request: HttpRequest) -> bool:
    # Counting them leaves them waiting (they are not marked as shown).
    return len(get_messages(request)) > 0


def _storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if response.cookies:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    if get_nonce(request):  # a nonce in the page would be everyone's
        return False
    if any(hasattr(response, flag) for flag in _RESPONSE_FLAGS):
        return False
    directives = {
        d.split("=")[0].strip().lower()
        for d in split_header_value(response.get("Cache-Control", ""))
    }
    if directives & {"private", "no-cache", "no-store"}:
        return False
    vary = {v.strip().lower() for v in split_header_value(response.get("Vary", ""))}
    return not (vary - _HARMLESS_VARY - {""})


class PageCacheMiddleware:
    """Serve `@public_page` views from the cache. Place it after
    CsrfViewMiddleware, AuthenticationMiddleware and MessageMiddleware: it needs
    the visitor's CSRF cookie, user and messages, and the middleware above it
    still add their headers (security headers, CSP, X-Frame-Options, the CSRF
    cookie) to every cached response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        state = getattr(request, _ATTRIBUTE, None)
        if not isinstance(state, _State):
            return response
        if state.outcome == "miss":
            response = self._after_miss(request, response, state)
        response["X-Cache"] = state.outcome
        _private(response)
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        policy = getattr(view_func, "page_cache", None)
        if not isinstance(policy, PagePolicy) or not _enabled():
            return None
        if request.method not in ("GET", "HEAD"):
            return None
        state = _State(outcome="bypass")
        setattr(request, _ATTRIBUTE, state)
        key = page_key(request, policy)
        if key is None:
            return None
        # Without any cookie there is no session: no user, no messages.
        if request.COOKIES and (_signed_in(request) or _has_messages(request)):
            return None
        try:
            version, entry = _lookup(key)
        except Exception as error:
            logger.warning("Page cache unavailable, serving uncached: %s", error)
            return None
        if entry is not None:
            state.outcome = "hit"
            return self._serve(request, entry)
        state.outcome, state.key, state.version = "miss", key, version
        state.marker = secrets.token_hex(8)
        return None

    @staticmethod
    def _serve(request: HttpRequest, entry: Entry) -> HttpResponse:
        response = HttpResponse(
            _fill(request, entry.parts, entry.charset), status=entry.status
        )
        for name, value in entry.headers:
            response[name] = value
        return response

    def _after_miss(
        self, request: HttpRequest, response: HttpResponseBase, state: _State
    ) -> HttpResponseBase:
        if not isinstance(response, HttpResponse):
            return response  # streaming: rendered without markers' help
        charset = response.charset
        parts = _split_fragments(response.content, state)
        if _storable(request, response):
            _private(response)
            stored = _cut_csrf(parts, request)
            if stored is None:
                logger.warning(
                    "Not caching %s: a CSRF token outside a form.", request.path
                )
            else:
                parts = stored
                self._store(request, response, state, parts, charset)
        if len(parts) > 1:
            response.content = _fill(request, tuple(parts), charset)
            if response.has_header("Content-Length"):
                del response["Content-Length"]
        return response

    @staticmethod
    def _store(
        request: HttpRequest,
        response: HttpResponse,
        state: _State,
        parts: list[bytes | str],
        charset: str,
    ) -> None:
        seconds = _seconds()
        entry = Entry(
            version=state.version,
            expires_at=_now() + seconds,
            status=response.status_code,
            headers=tuple(
                (name, value)
                for name, value in response.headers.items()
                if name.lower() != "content-length"
            ),
            charset=charset,
            parts=tuple(parts),
        )
        try:
            _cache().set(state.key, entry, timeout=seconds)
            _remember(state.key, entry)
        except Exception as error:
            logger.warning("Page cache unavailable, page not kept: %s", error)
