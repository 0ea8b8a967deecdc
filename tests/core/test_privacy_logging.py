"""No personal data in the logs: the masking helpers and the handler's filter."""

import logging
import smtplib

import pytest

from core.privacy_logging import (
    PersonalDataFilter,
    ip_fingerprint,
    mask_email,
    mask_text,
)


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
            "shop.emails",
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
