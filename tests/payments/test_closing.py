"""Closing a payment page that must no longer take money."""

import pytest

from payments.closing import checkout_close
from payments.models import CheckoutSession
from tests.payments.factories import CheckoutSessionFactory

pytestmark = pytest.mark.django_db


def test_a_local_page_is_closed_once(local_gateway):
    session = CheckoutSessionFactory(local=True)
    assert checkout_close(session_id=session.session_id) is True
    assert checkout_close(session_id=session.session_id) is True
    session.refresh_from_db()
    assert session.status == CheckoutSession.Status.EXPIRED


def test_a_stripe_page_is_expired_at_stripe(fake_stripe):
    session = CheckoutSessionFactory()
    fake_stripe.respond(
        "POST",
        f"/v1/checkout/sessions/{session.session_id}/expire",
        {"id": session.session_id, "object": "checkout.session", "status": "expired"},
    )
    assert checkout_close(session_id=session.session_id) is True
    session.refresh_from_db()
    assert session.status == CheckoutSession.Status.EXPIRED


@pytest.mark.parametrize(
    "status", [CheckoutSession.Status.PAID, CheckoutSession.Status.FAILED]
)
def test_a_page_that_already_ended_is_left_alone(fake_stripe, status):
    session = CheckoutSessionFactory(status=status)
    assert checkout_close(session_id=session.session_id) is False
    assert not fake_stripe.requests
    session.refresh_from_db()
    assert session.status == status


@pytest.mark.parametrize("session_id", ["cs_test_unknown", "", "cs_\x00"])
def test_unknown_sessions_are_not_closed(fake_stripe, session_id):
    assert checkout_close(session_id=session_id) is False
    assert not fake_stripe.requests


def test_stripe_unreachable_leaves_the_page_open_and_says_so(fake_stripe):
    session = CheckoutSessionFactory()
    fake_stripe.respond(
        "POST",
        f"/v1/checkout/sessions/{session.session_id}/expire",
        {"error": {"type": "api_error", "message": "Try later"}},
        status=500,
    )
    assert checkout_close(session_id=session.session_id) is False
    session.refresh_from_db()
    assert session.status == CheckoutSession.Status.OPEN
