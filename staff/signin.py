"""
Signing in to the admin: what django-axes needs from this site.

django-axes counts failed sign-ins (wrong passwords, and wrong two-step codes,
which staff/two_factor_views.py reports as failed sign-ins too) in the database,
per account and per client address, and refuses both once either reaches
AXES_FAILURE_LIMIT, until AXES_COOLOFF_TIME has passed since the last try.
Why the database handler and not the cache handler: the database is the one
store every app process already shares and it survives restarts, a cache flush
and eviction (an attacker who fills a cache could otherwise evict the counters);
the default local-memory cache would even count per process. Failed sign-ins
are rare, so the few writes each costs do not matter.

These functions are named in the settings (AXES_*_CALLABLE):
- the account name is what the form sent, cut to the 255 characters the
  attempts table holds: a longer one (no account has one; Django's are at most
  150) is still counted, and never makes the database refuse the row (a 500);
- the client address is read exactly as the rate limits read it, so a proxy in
  front cannot hide every attacker behind its own address, and a forged header
  cannot spread one attacker over many addresses;
- log lines name accounts and addresses only by a keyed hash, enough to see that
  the same one keeps failing, never who or where;
- a locked-out sign-in gets the site's own page, with the hotline and Quick exit,
  that says in plain words when to try again.
"""

import ipaddress
import math
from datetime import timedelta

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.privacy_logging import pseudonym as core_pseudonym
from core.ratelimit import client_ip


def axes_client_ip(request: HttpRequest) -> str | None:
    """The client's address as core.ratelimit reads it; None when it is not an
    address (the attempts table stores addresses only)."""
    for candidate in (client_ip(request), request.META.get("REMOTE_ADDR", "")):
        try:
            return str(ipaddress.ip_address(str(candidate).strip()))
        except ValueError:
            continue
    return None


# The length of django-axes' username columns (AccessAttempt, AccessLog...).
AXES_USERNAME_MAX_LENGTH = 255


def axes_username(
    request: HttpRequest, credentials: dict[str, object] | None = None
) -> str | None:
    """The account name django-axes counts a sign-in against, as django-axes
    reads it (the credentials, else the posted form), at most 255 characters."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    if credentials:
        value = credentials.get(field)
    else:
        value = getattr(request, "data", request.POST).get(field)
    if value is None:
        return None
    return str(value)[:AXES_USERNAME_MAX_LENGTH]


def pseudonym(value: str | None) -> str:
    """An account or address in django-axes's log lines, as a keyed hash."""
    return core_pseudonym(value, purpose="staff-signin")


def axes_client_str(
    username: str | None,
    ip_address: str | None,
    user_agent: str | None,
    path_info: str | tuple[str, ...] | list[str] | None,
    request: HttpRequest | None,
) -> str:
    """What django-axes writes in its log lines about a client."""
    path = path_info[0] if isinstance(path_info, (tuple, list)) else path_info
    return (
        f"{{account: {pseudonym(username)}, address: {pseudonym(ip_address)}, "
        f'path: "{path or ""}"}}'
    )


def cool_off() -> timedelta:
    return get_cool_off() or timedelta(0)


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, object] | None = None,
) -> HttpResponse:
    """The page for a refused sign-in: 429 Too Many Requests, as the site's
    other rate limits answer, with Retry-After. Every try while locked starts
    the cool-off again, so "now + cool-off" is when signing in works again."""
    wait = cool_off()
    seconds = max(1, math.ceil(wait.total_seconds()))
    retry_at = timezone.localtime(timezone.now() + wait)
    response = render(
        request,
        "staff/locked_out.html",
        {
            "retry_minutes": max(1, math.ceil(seconds / 60)),
            "retry_at": retry_at,
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
