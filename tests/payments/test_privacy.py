"""payments.services.privacy: a checkout session's email replaced on request, once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from payments.models import CheckoutSession
from payments.services.privacy import checkout_sessions_erase_email

pytestmark = pytest.mark.django_db

ERASED = "erased@erased.invalid"


def _session(reference: str, kind: str = "order") -> CheckoutSession:
    return CheckoutSession.objects.create(
        kind=kind,
        reference=reference,
        session_id=f"cs_test_{kind}_{reference}",
        gateway="local",
        currency="usd",
        amount_total=Decimal("10.00"),
        customer_email="ann@example.org",
        url="https://example.org/pay",
        success_url="https://example.org/ok",
        cancel_url="https://example.org/no",
        idempotency_key=f"key-{kind}-{reference}",
        expires_at=timezone.now() + timedelta(minutes=30),
    )


def test_erases_only_the_sessions_named():
    mine, other, same_reference = _session("A1"), _session("B2"), _session("A1", "x")
    count = checkout_sessions_erase_email(
        kind="order", references=["A1"], placeholder=ERASED
    )
    assert count == 1
    for session, email in (
        (mine, ERASED),
        (other, "ann@example.org"),
        (same_reference, "ann@example.org"),
    ):
        session.refresh_from_db()
        assert session.customer_email == email


def test_twice_changes_nothing():
    _session("A1")
    checkout_sessions_erase_email(kind="order", references=["A1"], placeholder=ERASED)
    assert (
        checkout_sessions_erase_email(
            kind="order", references=["A1"], placeholder=ERASED
        )
        == 0
    )


def test_bad_input():
    _session("A1")
    with pytest.raises(ValueError):
        checkout_sessions_erase_email(kind="", references=["A1"], placeholder=ERASED)
    assert (
        checkout_sessions_erase_email(kind="order", references=[""], placeholder=ERASED)
        == 0
    )
    assert CheckoutSession.objects.get().customer_email == "ann@example.org"
