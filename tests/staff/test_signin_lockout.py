"""Password guessing at the admin's sign-in: after AXES_FAILURE_LIMIT wrong tries
(5) an account, and separately a client address, is locked for the cool-off (30
minutes), even for the right password; the lockout page is the site's own."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from staff.signin import axes_client_ip, pseudonym
from tests.shop.concurrency import POSTGRESQL_ONLY, race
from tests.staff.signin_helpers import (
    PASSWORD,
    StaffFactory,
    sign_in,
    signed_in_user_id,
)

pytestmark = pytest.mark.django_db


def _end_cool_off():
    """What 30 minutes of waiting does to the recorded failures."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= timedelta(minutes=31)
        attempt.save(update_fields=["attempt_time"])


def test_thirty_wrong_passwords_in_a_row_lock_the_account(client):
    staff = StaffFactory()
    statuses = [
        sign_in(client, staff.username, f"guess number {n}").status_code
        for n in range(30)
    ]
    # Four wrong tries show the form again; the fifth and every later one lock.
    assert statuses[:4] == [200] * 4
    assert statuses[4:] == [429] * 26

    # The right password is refused too, from this address and from another.
    for ip in ("192.0.2.10", "198.51.100.7"):
        response = sign_in(client, staff.username, PASSWORD, ip=ip)
        assert response.status_code == 429
        assert signed_in_user_id(client) is None

    _end_cool_off()
    response = sign_in(client, staff.username, PASSWORD, ip="198.51.100.7")
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(staff.pk)


def test_one_address_is_locked_across_usernames(client):
    staff = StaffFactory()
    for n in range(5):
        sign_in(client, f"guessed-name-{n}", "guess", ip="203.0.113.9")

    # The address is locked, whichever account it tries...
    response = sign_in(client, staff.username, PASSWORD, ip="203.0.113.9")
    assert response.status_code == 429
    assert signed_in_user_id(client) is None

    # ...while the account itself, from its usual address, is not.
    response = sign_in(Client(), staff.username, PASSWORD, ip="192.0.2.10")
    assert response.status_code == 302


def test_four_wrong_tries_then_the_right_password_signs_in(client):
    staff = StaffFactory()
    for _ in range(4):
        assert sign_in(client, staff.username, "mistyped").status_code == 200
    assert sign_in(client, staff.username).status_code == 302


def test_the_lockout_page_is_the_sites_own_with_the_hotline(client):
    staff = StaffFactory()
    for _ in range(5):
        response = sign_in(client, staff.username, "guess")

    assert response.status_code == 429
    assert "staff/locked_out.html" in [t.name for t in response.templates]
    assert int(response["Retry-After"]) == 30 * 60
    html = response.content.decode()
    assert "Signing in is paused" in html
    assert "Please wait 30 minutes, then try again." in html
    assert "Signing in works again after" in html
    assert "1-888-373-7888" in html  # the hotline
    assert "Quick exit" in html
    assert staff.username not in html
    assert 'name="password"' not in html  # not the sign-in form


def test_cool_off_and_limit_come_from_settings(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=10)
    staff = StaffFactory()
    assert sign_in(client, staff.username, "guess").status_code == 200
    response = sign_in(client, staff.username, "guess")
    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    assert "Please wait 10 minutes" in response.content.decode()


def test_no_username_password_or_address_is_logged_in_clear(client, caplog):
    staff = StaffFactory()
    with caplog.at_level(logging.DEBUG):
        for _ in range(6):
            sign_in(client, staff.username, "secret-guess-41", ip="203.0.113.77")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "AXES" in logged  # axes did log...
    assert pseudonym(staff.username) in logged  # ...under a pseudonym
    for secret in (staff.username, "secret-guess-41", "203.0.113.77"):
        assert secret not in logged
    # The attempts table keeps who and where (it must), but no password.
    attempt = AccessAttempt.objects.get()
    assert "secret-guess-41" not in attempt.post_data
    assert attempt.ip_address == "203.0.113.77"


def test_the_client_address_is_read_as_the_rate_limits_read_it(rf, settings):
    settings.RATELIMIT_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    request = rf.post(
        "/", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5", REMOTE_ADDR="10.0.0.2"
    )
    # The last entry is the one our own proxy added; the first may be forged.
    assert axes_client_ip(request) == "203.0.113.5"
    # Not an address at all: the proxy's own address rather than a crash.
    assert axes_client_ip(rf.post("/", HTTP_X_FORWARDED_FOR="bogus")) == "127.0.0.1"
    settings.RATELIMIT_CLIENT_IP_HEADER = ""
    assert axes_client_ip(request) == "10.0.0.2"


def test_behind_a_proxy_each_client_address_is_counted_apart(client, settings):
    settings.RATELIMIT_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    staff = StaffFactory()
    for n in range(5):
        client.post(
            reverse("admin:login"),
            {"username": f"guessed-name-{n}", "password": "guess"},
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    # Every request arrives from the proxy (127.0.0.1), yet only the attacker's
    # address is locked.
    locked = client.post(
        reverse("admin:login"),
        {"username": staff.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert locked.status_code == 429
    other = Client().post(
        reverse("admin:login"),
        {"username": staff.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="192.0.2.44",
    )
    assert other.status_code == 302


@POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True)
def test_guesses_sent_in_parallel_still_lock_the_account():
    staff = StaffFactory()

    def guess(n: int) -> str:
        response = sign_in(Client(), staff.username, f"parallel guess {n}")
        return str(response.status_code)

    outcomes = race(guess, threads=12)
    assert all(outcome in {"200", "429"} for outcome in outcomes), outcomes
    # Every guess was counted, none lost to the race...
    counted = sum(a.failures_since_start for a in AccessAttempt.objects.all())
    assert counted == 12
    # ...so the right password is refused afterwards.
    client = Client()
    assert sign_in(client, staff.username, PASSWORD).status_code == 429
    assert signed_in_user_id(client) is None
