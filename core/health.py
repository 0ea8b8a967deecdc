"""
`/healthz`: is this app server able to serve? For load balancers and uptime checks.

It checks the database (SELECT 1) and the cache (a throwaway key written and read
back), each quickly, and answers JSON naming each part: {"database": "ok",
"cache": "ok"}. Only a database that is down makes it 503: without the cache (Redis)
the site keeps serving, slower, so a load balancer must not take every server out
of service for it; the answer still says "cache": "down" for monitoring. It
shows nothing else: no personal data, no version numbers, no host names. Never
cached; nothing rate-limits it.

Load balancers probe over plain HTTP and often by IP address, which is not one of
ALLOWED_HOSTS: `HealthCheckMiddleware`, first in MIDDLEWARE, answers /healthz
before the HTTPS redirect, the host check, the session and the page cache see the
request (the answer does not depend on the host). The URL is routed too, and
exempt from the redirect (SECURE_REDIRECT_EXEMPT), should the middleware be left
out.
"""

import logging
import secrets
from collections.abc import Callable

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

OK = "ok"
DOWN = "down"


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Health check: the database is down (%s)", error)
        connection.close_if_unusable_or_obsolete()
        return DOWN
    return OK


def cache_status() -> str:
    key = f"healthz:{secrets.token_hex(8)}"
    token = secrets.token_hex(8)
    try:
        cache.set(key, token, timeout=10)
        found = cache.get(key)
        cache.delete(key)
    except Exception as error:  # any cache backend, fail-soft or not
        logger.warning("Health check: the cache is down (%s)", error)
        return DOWN
    return OK if found == token else DOWN


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    status = {"database": database_status(), "cache": cache_status()}
    return JsonResponse(status, status=200 if status["database"] == OK else 503)


class HealthCheckMiddleware:
    """Answer GET /healthz before any other middleware looks at the request."""

    PATH = "/healthz"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == self.PATH and request.method == "GET":
            return healthz(request)
        return self.get_response(request)
