"""
`/healthz`: is this app server able to serve? For load balancers and uptime checks.

It checks the database (SELECT 1) and the cache (a throwaway key written and read
back), each quickly, and answers JSON: 200 {"database": "ok", "cache": "ok"}, or
503 naming the part that is down. It shows nothing else: no personal data, no
version numbers, no host names. Never cached; nothing rate-limits it, and it is
exempt from the HTTPS redirect (SECURE_REDIRECT_EXEMPT) so that a load balancer can
probe it over plain HTTP.
"""

import logging
import secrets

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
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
    healthy = all(value == OK for value in status.values())
    return JsonResponse(status, status=200 if healthy else 503)
