"""
When the database is down: a styled 503 page instead of a 500.

A database that cannot be reached (restarting, failing over, out of connections)
raises OperationalError or InterfaceError from whatever touched it first: a view,
a middleware (the session, the signed-in user), a template. The site then answers
503 Service Unavailable with Retry-After and templates/503.html, which keeps the
hotline and Quick exit: a visitor in danger still finds help.

The page is rendered without the request's context processors, because those read
the session and the cart, which live in the database; it gets the few values the
chrome needs (`chrome_context`) and nothing else. The 500 page uses the same
rendering (`render_without_database`), so an error page never needs the database.

`DatabaseUnavailableMiddleware` catches the errors raised by views; errors raised
by other middleware reach the 500 handler, which answers 503 too when the error in
flight is one of these (`pages.views.server_error`).
"""

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
# Seconds a browser or load balancer is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30


def chrome_context() -> dict[str, object]:
    """What base.html's chrome needs, from settings only (no session, no cart)."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
        "cart_count": 0,
    }


def render_without_database(template: str, *, status: int) -> HttpResponse:
    """An error page that touches neither the database nor the session."""
    return HttpResponse(render_to_string(template, chrome_context()), status=status)


def service_unavailable() -> HttpResponse:
    """The 503 page, with Retry-After; never cached."""
    response = render_without_database("503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def is_database_error(error: BaseException | None) -> bool:
    return isinstance(error, DATABASE_ERRORS)


def database_error_in_flight() -> bool:
    """Whether the exception being handled right now is the database being down
    (for the 500 handler, which Django calls inside its `except` block)."""
    return is_database_error(sys.exc_info()[1])


class DatabaseUnavailableMiddleware:
    """Turn a view's OperationalError/InterfaceError into the 503 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not is_database_error(exception):
            return None
        logger.error("The database is unavailable (%s): %s", request.path, exception)
        return service_unavailable()
