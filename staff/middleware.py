"""
Staff sessions: signed out after a while without activity, and held at the
second step of signing in until the code is right.

Both leave visitors alone: a request without a session cookie is never looked
at (no session read, so no "Vary: Cookie" on cached public pages), and a
visitor's session (their cart) holds no signed-in user, so neither the user nor
the clock is read or written for it.
"""

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from staff.two_factor import (
    AnyUser,
    is_verified,
    two_factor_device,
    two_factor_needed,
)

# The session key holding when a staff member was last seen (Unix seconds).
LAST_SEEN_KEY = "staff_last_seen"
# The clock is written at most this often, not on every request.
LAST_SEEN_WRITE_SECONDS = 60


def _signed_in(request: HttpRequest) -> bool:
    """Does this request carry a session with a signed-in user? Reads the
    session only when there is a session cookie."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return SESSION_KEY in request.session


def is_admin_path(request: HttpRequest) -> bool:
    return request.path_info.startswith("/" + settings.ADMIN_URL)


class StaffSessionIdleMiddleware:
    """Sign out a staff member idle for longer than STAFF_SESSION_IDLE_MINUTES,
    and send them to the admin's sign-in page with a message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _signed_in(request) and request.user.is_staff:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            idle_limit = settings.STAFF_SESSION_IDLE_MINUTES * 60
            if isinstance(last_seen, int) and now - last_seen > idle_limit:
                logout(request)
                messages.info(
                    request,
                    _(
                        "You were signed out after %(minutes)d minutes without "
                        "activity. Please sign in again."
                    )
                    % {"minutes": settings.STAFF_SESSION_IDLE_MINUTES},
                )
                if is_admin_path(request):
                    query = urlencode({"next": request.get_full_path()})
                    return redirect(f"{reverse('admin:login')}?{query}")
            elif (
                not isinstance(last_seen, int)
                or now - last_seen >= LAST_SEEN_WRITE_SECONDS
            ):
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


def _as_visitor() -> AnonymousUser:
    visitor = AnonymousUser()
    # What django-otp's middleware gives every user.
    visitor.otp_device = None  # type: ignore[attr-defined]
    visitor.is_verified = lambda: False  # type: ignore[attr-defined]
    return visitor


class StaffTwoFactorMiddleware:
    """Until a person who needs two-step sign-in has entered a right code:
    in the admin, every page but the two-step pages and "Sign out" sends them
    to the code page (or, with no app yet, to setting one up); elsewhere on
    the site they count as a visitor (no draft previews)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _signed_in(request):
            if is_admin_path(request):
                held = self._hold(request)
                if held is not None:
                    return held
            else:
                user = request.user
                request.user = SimpleLazyObject(  # type: ignore[assignment]
                    lambda: self._visible_user(user)
                )
        return self.get_response(request)

    @staticmethod
    def _unverified(user: AnyUser) -> bool:
        return (
            user.is_authenticated
            and user.is_staff
            and not is_verified(user)
            and two_factor_needed(user)
        )

    def _visible_user(self, user: AnyUser) -> AnyUser:
        return _as_visitor() if self._unverified(user) else user

    def _hold(self, request: HttpRequest) -> HttpResponse | None:
        allowed = {
            reverse("signin:two-factor-verify"),
            reverse("signin:two-factor-setup"),
            reverse("admin:logout"),
        }
        if request.path in allowed or not self._unverified(request.user):
            return None
        step = (
            "signin:two-factor-verify"
            if two_factor_device(request.user) is not None
            else "signin:two-factor-setup"
        )
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse(step)}?{query}")
