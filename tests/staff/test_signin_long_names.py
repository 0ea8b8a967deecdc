"""An account name longer than django-axes' column (255 characters) is counted,
cut to fit, and never makes a 500 (PostgreSQL refuses a longer value)."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.staff.signin_helpers import PASSWORD, StaffFactory, sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("length", [256, 300, 10_000])
def test_a_very_long_account_name_is_refused_plainly(length):
    client = Client(raise_request_exception=False)
    response = sign_in(client, "v" * length, "guess")
    assert response.status_code == 200  # the form again, not a server error
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "v" * 255
    assert attempt.failures_since_start == 1


def test_long_account_names_are_counted_and_locked_out():
    client = Client(raise_request_exception=False)
    statuses = [
        sign_in(client, "x" * 400, "guess", ip="198.51.100.20").status_code
        for _ in range(6)
    ]
    assert statuses == [200] * 4 + [429] * 2


def test_a_real_account_still_signs_in():
    staff = StaffFactory()
    response = sign_in(Client(), staff.username, PASSWORD)
    assert response.status_code == 302
