"""No personal data in the logs: the masking helpers and the handler's filter."""

import io
import logging
import smtplib
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from core.privacy_logging import (
    PersonalDataFilter,
    ip_fingerprint,
    mask_email,
    mask_text,
    redact_private_links,
)
from donations.models import RecurringGift
from donations.selectors import statement_token
from donations.services.monthly import manage_token
from tests.donations.factories import DonorFactory


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("jane.doe@example.org", "j***@example.org"),
        ("J@Example.ORG", "J***@Example.ORG"),
        ("", "***"),
        ("not-an-email", "***"),
        ("@example.org", "***"),
    ],
)
def test_mask_email(email, masked):
    assert mask_email(email) == masked


def test_ip_fingerprint_is_stable_keyed_and_short(settings):
    first = ip_fingerprint("203.0.113.5")
    assert first == ip_fingerprint("203.0.113.5") and first.startswith("ip-")
    assert "203" not in first and len(first) == 13
    assert ip_fingerprint("203.0.113.6") != first
    settings.SECRET_KEY = "another-secret-key-for-this-test-only"
    assert ip_fingerprint("203.0.113.5") != first  # keyed: not a plain hash
    assert ip_fingerprint("") == "-"


def test_mask_text_masks_emails_and_addresses_only():
    text = (
        "Refused jane@example.org from 203.0.113.5 and 2001:db8::1 at 12:30:45 "
        "for order RH-1042 (version 1.2.3, 999.1.1.1)"
    )
    masked = mask_text(text)
    assert "jane@" not in masked and "j***@example.org" in masked
    assert "203.0.113.5" not in masked and "2001:db8::1" not in masked
    assert ip_fingerprint("203.0.113.5") in masked
    assert "12:30:45" in masked and "RH-1042" in masked
    assert "1.2.3" in masked and "999.1.1.1" in masked  # not addresses


def test_the_filter_masks_messages_and_exceptions():
    record_filter = PersonalDataFilter()
    try:
        raise smtplib.SMTPRecipientsRefused({"ann@example.org": (550, b"no")})
    except smtplib.SMTPRecipientsRefused:
        record = logging.LogRecord(
            "shop.services.emails",
            logging.ERROR,
            __file__,
            1,
            "Could not send to %s from %s",
            ("ann@example.org", "198.51.100.4"),
            exc_info=__import__("sys").exc_info(),
        )
    assert record_filter.filter(record) is True
    line = logging.Formatter().format(record)
    assert "ann@example.org" not in line and "198.51.100.4" not in line
    assert "a***@example.org" in line and "SMTPRecipientsRefused" in line


def test_the_console_handler_has_the_filter(settings):
    handler = settings.LOGGING["handlers"]["console"]
    assert "personal_data" in handler["filters"]
    assert (
        settings.LOGGING["filters"]["personal_data"]["()"]
        == "core.privacy_logging.PersonalDataFilter"
    )


# ---------------------------------------------------------------------------
# Private links: Django's own warnings name the path
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        (
            "Not Found: /shop/orders/Zk3q9-x_Aa/",
            "Not Found: /shop/orders/[private]/",
        ),
        (
            "Forbidden (CSRF token missing.): /donate/monthly/abc:1tZ:sig/",
            "Forbidden (CSRF token missing.): /donate/monthly/[private]/",
        ),
        (
            "Bad Request: /es/donate/statement/t0k/",
            "Bad Request: /es/donate/statement/[private]/",
        ),
        ("/shop/checkout/cancel/Zk3q9/", "/shop/checkout/cancel/[private]/"),
        (
            "GET /payments/test-checkout/cs_local_1/ HTTP/1.1",
            "GET /payments/test-checkout/[private]/ HTTP/1.1",
        ),
        (
            "'GET /shop/orders/Zk3q9?x=1 HTTP/1.1'",
            "'GET /shop/orders/[private]?x=1 HTTP/1.1'",
        ),
    ],
)
def test_private_links_lose_their_secret(text, redacted):
    assert redact_private_links(text) == redacted
    assert mask_text(text) == redacted


@pytest.mark.parametrize(
    "path", ["/", "/shop/products/blue-shirt/", "/shop/orders/", "/donate/", "/about/"]
)
def test_other_paths_are_kept(path):
    assert redact_private_links(path) == path


@pytest.fixture
def console_lines():
    """What the site's console handler writes (the real LOGGING settings)."""
    handler = next(
        h
        for h in logging.getLogger("django").handlers
        if isinstance(h, logging.StreamHandler)
        and any(isinstance(f, PersonalDataFilter) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.mark.django_db
def test_django_warnings_about_private_links_carry_no_secret(console_lines):
    donor = DonorFactory()
    gift = RecurringGift.objects.create(
        donor=donor, amount=Decimal("30.00"), status=RecurringGift.Status.ACTIVE
    )
    manage = reverse("donations:manage", args=[manage_token(gift)])
    statement = reverse(
        "donations:statement", args=[statement_token(donor=donor, year=2026)]
    )
    missing_order = reverse("shop:order-detail", args=["A" * 32])
    client = Client(enforce_csrf_checks=True)

    assert client.post(manage, {"action": "cancel"}).status_code == 403  # no token
    assert client.post(statement).status_code in (403, 405)
    assert client.get(missing_order).status_code == 404

    written = console_lines.getvalue()
    assert "Forbidden (CSRF" in written and "Not Found" in written
    for secret in (manage_token(gift), statement_token(donor=donor, year=2026)):
        assert secret not in written
    assert "A" * 32 not in written
    assert "/donate/monthly/[private]/" in written
    assert "/shop/orders/[private]/" in written
