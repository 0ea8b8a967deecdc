"""What the apps put in place of erased details, and how a privacy request's
email address is read (core.privacy, used by the shop and donations)."""

from datetime import UTC, date, datetime

import pytest

from core.privacy import (
    ERASED_DOMAIN,
    ERASED_SESSION_EMAIL,
    isoformat_or_none,
    normalized_email,
)


def test_an_email_is_stripped_and_keeps_its_case():
    assert normalized_email("  Ann@Example.org \n") == "Ann@Example.org"
    assert normalized_email(normalized_email(" a@b.org ")) == "a@b.org"  # again


@pytest.mark.parametrize("bad", ["", "   ", "no-at-sign", "a@b\x00.org"])
def test_what_is_not_an_email_is_refused(bad):
    with pytest.raises(ValueError):
        normalized_email(bad)


def test_an_email_must_be_a_string():
    with pytest.raises(TypeError):
        normalized_email(None)  # type: ignore[arg-type]


def test_the_erased_address_can_never_receive_mail():
    assert ERASED_DOMAIN.endswith(".invalid")
    assert ERASED_SESSION_EMAIL == f"erased@{ERASED_DOMAIN}"


def test_dates_and_times_become_iso_text_or_none():
    assert isoformat_or_none(date(2026, 3, 1)) == "2026-03-01"
    moment = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    assert isoformat_or_none(moment) == "2026-03-01T09:30:00+00:00"
    assert isoformat_or_none(None) is None
