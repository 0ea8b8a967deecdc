"""Which requests a page may be cached for, and under which key: `@public_page`
marks the view and declares its query parameters; the Host must be one this
site names exactly, on the server's own port."""

import hashlib
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import overload

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.http.request import split_domain_port

from core.pagecache.store import PAGE_PREFIX

type ViewFunc = Callable[..., HttpResponseBase]

# A query parameter's allowed values: a collection of exact values, or a
# pattern the whole value must match.
QueryRule = Collection[str] | re.Pattern[str]


# Page numbers 1 to 99; later pages are served uncached (bounds the entries).
PAGE_NUMBER = re.compile(r"[1-9][0-9]?")


SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")


@dataclass(frozen=True)
class PagePolicy:
    """What `@public_page` records on a view."""

    query: Mapping[str, QueryRule] = field(default_factory=dict)


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
