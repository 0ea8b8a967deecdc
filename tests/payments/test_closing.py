"""Closing a payment page that must no longer take money."""

import pytest

from payments.models import CheckoutSession
from payments.services.closing import checkout_close, checkout_end
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


def stripe_refuses_to_expire(fake_stripe, session, *, status_there: str) -> None:
    """Stripe refuses to expire a session that is no longer open, and says what
    it is when asked."""
    path = f"/v1/checkout/sessions/{session.session_id}"
    fake_stripe.respond(
        "POST",
        f"{path}/expire",
        {"error": {"type": "invalid_request_error", "code": "not_open"}},
        status=400,
    )
    fake_stripe.respond(
        "GET", path, {"id": session.session_id, "status": status_there}, status=200
    )


def test_a_page_stripe_already_expired_counts_as_closed(fake_stripe):
    """It expired by itself and the webhook has not come yet: closed here too."""
    session = CheckoutSessionFactory()
    stripe_refuses_to_expire(fake_stripe, session, status_there="expired")
    assert checkout_close(session_id=session.session_id) is True
    session.refresh_from_db()
    assert session.status == CheckoutSession.Status.EXPIRED


def test_a_page_paid_at_stripe_is_not_closed(fake_stripe):
    session = CheckoutSessionFactory()
    stripe_refuses_to_expire(fake_stripe, session, status_there="complete")
    assert checkout_close(session_id=session.session_id) is False
    session.refresh_from_db()
    assert session.status == CheckoutSession.Status.OPEN


@pytest.mark.parametrize(
    ("status", "ended"),
    [
        (CheckoutSession.Status.EXPIRED, True),
        (CheckoutSession.Status.FAILED, True),
        (CheckoutSession.Status.PAID, False),
        (CheckoutSession.Status.PROCESSING, False),
        (CheckoutSession.Status.NEEDS_REVIEW, False),
    ],
)
def test_a_page_has_ended_only_when_no_money_can_come(fake_stripe, status, ended):
    session = CheckoutSessionFactory(status=status)
    assert checkout_end(session_id=session.session_id) is ended
    assert not fake_stripe.requests


def test_an_open_page_has_ended_once_closed(local_gateway):
    session = CheckoutSessionFactory(local=True)
    assert checkout_end(session_id=session.session_id) is True
    session.refresh_from_db()
    assert session.status == CheckoutSession.Status.EXPIRED


def test_an_open_page_stripe_cannot_close_has_not_ended(fake_stripe):
    session = CheckoutSessionFactory()
    for method, suffix in (("POST", "/expire"), ("GET", "")):
        fake_stripe.respond(
            method,
            f"/v1/checkout/sessions/{session.session_id}{suffix}",
            {"error": {"type": "api_error", "message": "Try later"}},
            status=500,
        )
    assert checkout_end(session_id=session.session_id) is False


@pytest.mark.parametrize("session_id", ["", "cs_test_unknown"])
def test_no_page_of_ours_has_ended(fake_stripe, session_id):
    assert checkout_end(session_id=session_id) is True
    assert not fake_stripe.requests
