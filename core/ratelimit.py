"""
Rate limits counted in Django's cache: fixed windows, one counter per key.

Why by hand: django-ratelimit (4.1.0, July 2023) is the maintained-looking choice,
but it has not been released for Django 5 or 6, its system check is an error on
the local-memory cache this site uses by default and a warning on Django's own
Redis backend that production uses, and it does not say when a visitor may try
again, which the 429 page must. This is the small part of it the site needs.

How: each (scope, key, window) has one counter. `cache.add` creates it (atomic:
only one process succeeds) with a timeout a little past the window's end, and
`cache.incr` counts (atomic on Redis and on the local-memory cache). With Redis as
the cache every app process counts together; with the local-memory default each
process counts on its own (fine on one machine). A cache that is down never stops
a visitor: the request is allowed and the failure logged.

Use it from a view where the action is taken (after the form is valid when what
is limited is placing an order; before anything when guessing is the threat):

    refused = ratelimit_request(request, scope="shop-checkout",
                                per_visitor=settings.SHOP_CHECKOUT_RATE_PER_VISITOR,
                                per_ip=settings.SHOP_CHECKOUT_RATE_PER_IP)
    if refused:
        return refused

Client addresses never reach the logs in clear: a refusal logs a keyed hash.
"""

import hashlib
import logging
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from core.privacy_logging import ip_fingerprint

logger = logging.getLogger(__name__)

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True, kw_only=True)
class Rate:
    """At most `count` actions per `seconds`-long window."""

    count: int
    seconds: int


@dataclass(frozen=True, kw_only=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the window that refused ends (0: allowed)


def parse_rate(value: str) -> Rate:
    """ "5/m" -> 5 a minute, "20/10m" -> 20 per 10 minutes, "100/d" -> 100 a day."""
    match = _RATE.match(value or "")
    if not match:
        raise ValueError(f"{value!r} is not a rate like '5/10m'.")
    count, multiple, unit = match.groups()
    seconds = int(multiple or 1) * _UNIT_SECONDS[unit]
    if seconds <= 0:
        raise ValueError(f"{value!r} has an empty period.")
    return Rate(count=int(count), seconds=seconds)


def _cache_key(scope: str, key: str, window: int) -> str:
    # Hashed: visitor keys and IPv6 addresses may hold characters a cache refuses.
    digest = hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{window}"


def ratelimit_hit(
    *, scope: str, key: str, rate: Rate, now: float | None = None
) -> Verdict:
    """Count one action of `key` in `scope`, and say whether it is allowed."""
    if not key:
        return Verdict(allowed=True)
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    ends = (window + 1) * rate.seconds
    name = _cache_key(scope, key, window)
    try:
        cache.add(name, 0, timeout=int(ends - now) + 1)
        try:
            count = cache.incr(name)
        except ValueError:  # expired between add and incr: a new window
            cache.add(name, 1, timeout=int(ends - now) + 1)
            count = 1
    except Exception:  # the cache is down: never lock everyone out
        logger.exception("Rate limit %s could not be counted", scope)
        return Verdict(allowed=True)
    if count <= rate.count:
        return Verdict(allowed=True)
    return Verdict(allowed=False, retry_after=max(1, math.ceil(ends - now)))


def ratelimit_visitor_and_ip(
    *,
    scope: str,
    visitor: str,
    ip: str,
    per_visitor: Rate,
    per_ip: Rate,
    now: float | None = None,
) -> Verdict:
    """Count one action against both the visitor's limit (a session or cart id)
    and the client address's limit; refused when either is over."""
    verdicts = [
        ratelimit_hit(scope=f"{scope}:visitor", key=visitor, rate=per_visitor, now=now),
        ratelimit_hit(scope=f"{scope}:ip", key=ip, rate=per_ip, now=now),
    ]
    refused = [verdict for verdict in verdicts if not verdict.allowed]
    if refused:
        logger.warning("Rate limit %s refused %s", scope, ip_fingerprint(ip))
        return Verdict(
            allowed=False, retry_after=max(verdict.retry_after for verdict in refused)
        )
    return Verdict(allowed=True)


def client_ip(request: HttpRequest) -> str:
    """The visitor's address: REMOTE_ADDR, or the header a trusted proxy sets
    (RATELIMIT_CLIENT_IP_HEADER; for X-Forwarded-For its last entry, the one
    our own proxy added)."""
    header = settings.RATELIMIT_CLIENT_IP_HEADER
    value = request.META.get(header, "") if header else ""
    if value:
        return str(value).split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def too_many_requests(request: HttpRequest, verdict: Verdict) -> HttpResponse:
    """The friendly 429 page (templates/429.html), with Retry-After."""
    minutes = max(1, math.ceil(verdict.retry_after / 60))
    response = HttpResponse(
        render_to_string(
            "429.html",
            {"retry_after": verdict.retry_after, "retry_minutes": minutes},
            request=request,
        ),
        status=429,
    )
    response["Retry-After"] = str(verdict.retry_after)
    # The refusal was logged above, without the address. Django would log the
    # path as well ("Too Many Requests: /donate/monthly/<token>/"), and a path
    # may hold a signed link that must stay out of the logs.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def visitor_key(request: HttpRequest) -> str:
    """The visitor: their browser's CSRF cookie (set by the form they post, so
    present from their first post on), else their session key, else "" (then only
    the address counts). A session is never created just to be counted: a bot
    without cookies would get a new one each time, and fill the session table."""
    browser = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    if browser:
        return f"browser:{browser}"
    session = getattr(request, "session", None)
    key = session.session_key if session is not None else None
    return f"session:{key}" if key else ""


def ratelimit_request(
    request: HttpRequest,
    *,
    scope: str,
    per_ip: str,
    per_visitor: str = "",
    visitor: str | None = None,
) -> HttpResponse | None:
    """Count one action of this request's visitor (`visitor`, or the session) and
    address against the rates given as settings' strings ("20/10m"); without
    `per_visitor` only the address is limited. None when allowed, else the 429
    page to return."""
    if per_visitor and visitor is None:
        visitor = visitor_key(request)
    verdict = ratelimit_visitor_and_ip(
        scope=scope,
        visitor=(visitor or "") if per_visitor else "",
        ip=client_ip(request),
        per_visitor=parse_rate(per_visitor or per_ip),
        per_ip=parse_rate(per_ip),
    )
    return None if verdict.allowed else too_many_requests(request, verdict)
