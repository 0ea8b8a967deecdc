"""Staff sessions end after STAFF_SESSION_IDLE_MINUTES without activity; the
clock is written at most once a minute; visitors' sessions are left alone."""

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from staff import middleware
from tests.staff.signin_helpers import StaffFactory, signed_in_user_id

pytestmark = pytest.mark.django_db

START = 1_800_000_000


@pytest.fixture
def clock(monkeypatch):
    """The middleware's clock, moved by hand."""
    now = {"t": START}
    monkeypatch.setattr(middleware.time, "time", lambda: now["t"])
    return now


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory(is_superuser=True))
    return client


def test_an_idle_staff_session_ends_with_a_message(staff_client, clock):
    assert staff_client.get(reverse("admin:index")).status_code == 200
    clock["t"] += 29 * 60
    assert staff_client.get(reverse("admin:index")).status_code == 200

    clock["t"] += 31 * 60
    url = reverse("admin:auth_user_changelist")
    response = staff_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "next=" + url.replace("/", "%2F") in response["Location"]
    assert signed_in_user_id(staff_client) is None

    page = staff_client.get(response["Location"])
    assert "signed out after 30 minutes without activity" in page.content.decode()


def test_the_idle_limit_is_a_setting(staff_client, clock, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 5
    staff_client.get(reverse("admin:index"))
    clock["t"] += 6 * 60
    assert staff_client.get(reverse("admin:index")).status_code == 302
    assert signed_in_user_id(staff_client) is None


def test_idle_on_the_public_site_signs_out_without_a_detour(staff_client, clock):
    staff_client.get(reverse("admin:index"))
    clock["t"] += 31 * 60
    response = staff_client.get(reverse("home"))
    assert response.status_code == 200
    assert signed_in_user_id(staff_client) is None
    assert any("signed out" in str(m) for m in get_messages(response.wsgi_request))


def test_the_clock_is_written_at_most_once_a_minute(staff_client, clock):
    cookie = django_settings.SESSION_COOKIE_NAME
    first = staff_client.get(reverse("admin:index"))
    assert cookie in first.cookies  # the first visit starts the clock
    assert staff_client.session[middleware.LAST_SEEN_KEY] == START

    clock["t"] += 30
    second = staff_client.get(reverse("admin:index"))
    assert cookie not in second.cookies  # the session was not saved again
    assert staff_client.session[middleware.LAST_SEEN_KEY] == START

    clock["t"] += 31
    third = staff_client.get(reverse("admin:index"))
    assert cookie in third.cookies
    assert staff_client.session[middleware.LAST_SEEN_KEY] == START + 61


def test_a_visitors_session_is_left_alone(client, clock):
    session = client.session
    session["cart"] = {"1": 2}
    session.save()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = session.session_key

    client.get(reverse("home"))
    clock["t"] += 3 * 60 * 60
    response = client.get(reverse("home"))
    assert django_settings.SESSION_COOKIE_NAME not in response.cookies
    assert client.session["cart"] == {"1": 2}
    assert middleware.LAST_SEEN_KEY not in client.session


def test_a_request_without_a_session_cookie_is_not_looked_at(rf):
    """No session read (so nothing for a page cache to vary on), no user."""

    def untouchable():
        raise AssertionError("the user was read")

    for path in ("/", reverse("admin:index")):
        request = rf.get(path)
        request.session = SessionStore()
        request.user = SimpleLazyObject(untouchable)
        for layer in (
            middleware.StaffSessionIdleMiddleware,
            middleware.StaffTwoFactorMiddleware,
        ):
            response = layer(lambda request: HttpResponse("ok"))(request)
            assert response.status_code == 200
        assert not request.session.accessed
