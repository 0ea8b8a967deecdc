"""`PageCacheMiddleware`: serves `@public_page` views from the cache."""

import logging
import secrets
from collections.abc import Callable
from typing import Any

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csp import get_nonce
from django.utils.cache import patch_cache_control
from django.utils.http import split_header_value

from core.pagecache import store
from core.pagecache.keys import PagePolicy, page_key
from core.pagecache.parts import STATE_ATTRIBUTE, State, cut_csrf, fill, split_fragments
from core.pagecache.store import Entry

logger = logging.getLogger("core.pagecache")

# Headers the view may vary on without changing what is stored: the visitor's
# parts (Cookie) are filled in per request; nothing here compresses.
_HARMLESS_VARY = {"cookie", "accept-encoding"}


# Set on a response by decorators that outer middleware reads; a stored copy
# would lose them.
_RESPONSE_FLAGS = ("_csp_config", "_csp_ro_config", "xframe_options_exempt")


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


def _entry(
    response: HttpResponse, state: State, parts: list[bytes | str], charset: str
) -> Entry:
    return Entry(
        version=state.version,
        expires_at=store.now() + store.seconds(),
        status=response.status_code,
        headers=tuple(
            (name, value)
            for name, value in response.headers.items()
            if name.lower() != "content-length"
        ),
        charset=charset,
        parts=tuple(parts),
    )


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
        state = getattr(request, STATE_ATTRIBUTE, None)
        if not isinstance(state, State):
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
        if not isinstance(policy, PagePolicy) or not store.enabled():
            return None
        if request.method not in ("GET", "HEAD"):
            return None
        state = State(outcome="bypass")
        setattr(request, STATE_ATTRIBUTE, state)
        key = page_key(request, policy)
        if key is None:
            return None
        # Without any cookie there is no session: no user, no messages.
        if request.COOKIES and (_signed_in(request) or _has_messages(request)):
            return None
        try:
            version, entry = store.lookup(key)
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
            fill(request, entry.parts, entry.charset), status=entry.status
        )
        for name, value in entry.headers:
            response[name] = value
        return response

    def _after_miss(
        self, request: HttpRequest, response: HttpResponseBase, state: State
    ) -> HttpResponseBase:
        if not isinstance(response, HttpResponse):
            return response  # streaming: rendered without markers' help
        charset = response.charset
        parts = split_fragments(response.content, state)
        if _storable(request, response):
            _private(response)
            stored = cut_csrf(parts, request)
            if stored is None:
                logger.warning(
                    "Not caching %s: a CSRF token outside a form.", request.path
                )
            else:
                parts = stored
                store.save(state.key, _entry(response, state, parts, charset))
        if len(parts) > 1:
            response.content = fill(request, tuple(parts), charset)
            if response.has_header("Content-Length"):
                del response["Content-Length"]
        return response
