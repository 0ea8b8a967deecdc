"""
No personal data in the logs: emails masked, client addresses hashed, private
links without their secret.

Logs are read by whoever runs the servers and are kept by the hosting provider;
a donor's or buyer's email, a street address or a visitor's IP address has no
business there. Code logs ids (order numbers, gift ids, Stripe ids) and, when a
person must be told apart, `mask_email` or `ip_fingerprint`.

`PersonalDataFilter` is the net under that rule: attached to the log handlers
(settings.LOGGING), it masks any email address or IP address that still reaches
a log line, including the text of an exception (a mail server's refusal names
the recipient).

Private links: an order's status page (and its checkout's cancel link), a
monthly gift's manage link and a yearly statement are reached by a secret in
the path, and whoever reads a log line with it could open that person's page.
Django names the path in its warnings (a 404, a CSRF refusal, a 400) and
gunicorn in its access log and its "Invalid request" lines; every one of them
goes through `redact_private_links`, which keeps the kind of page, not the
secret.
"""

import ipaddress
import logging
import re

from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import salted_hmac

EMAIL = re.compile(r"(?<![\w.+-])([\w.+-]{1,64})@([\w-]+(?:\.[\w-]+)+)")
IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
# Something with two colons and hex digits: checked with ipaddress before masking,
# so times like 12:30:45 are left alone.
IPV6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")


# The paths with a secret in them (with or without a language prefix such as
# /es/); the test payment page's session id is treated the same way.
_PRIVATE_LINK = re.compile(
    r"/(shop/orders|shop/checkout/cancel|donate/monthly|donate/statement|"
    r"payments/test-checkout)/[^/\s?'\"]+"
)


def redact_private_links(text: str) -> str:
    """'/shop/orders/Xy3.../' -> '/shop/orders/[private]/', anywhere in `text`."""
    return _PRIVATE_LINK.sub(r"/\1/[private]", text)


def mask_email(value: str) -> str:
    """jane.doe@example.org -> j***@example.org: enough to tell a staff member
    which donor it was, not enough to write to them."""
    local, at, domain = (value or "").strip().rpartition("@")
    if not at or not local:
        return "***"
    return f"{local[0]}***@{domain}"


def pseudonym(value: str | None, *, purpose: str, length: int = 12) -> str:
    """A short keyed hash of `value` (Django's salted_hmac with SECRET_KEY): the
    same value always gives the same pseudonym, so log lines can be correlated,
    but without the secret nobody can tell which value it was, not even by
    trying every IPv4 address. `purpose` keeps pseudonyms of different uses
    apart. "-" for nothing."""
    if not value:
        return "-"
    return salted_hmac(purpose, value, algorithm="sha256").hexdigest()[:length]


def ip_fingerprint(ip: str) -> str:
    """A client address in a log line: "ip-" and its pseudonym ("ip-hidden"
    in a process without the site's settings: gunicorn's master process)."""
    if not ip:
        return "-"
    try:
        return f"ip-{pseudonym(ip, purpose='ip', length=10)}"
    except ImproperlyConfigured:
        return "ip-hidden"


_Address = type[ipaddress.IPv4Address] | type[ipaddress.IPv6Address]


def _mask_address(text: str, kind: _Address) -> str:
    try:
        address = kind(text)
    except ValueError:
        return text
    if address.is_loopback or address.is_unspecified:
        return text  # this machine's own ("Listening at: http://127.0.0.1:8000")
    return ip_fingerprint(text)


def _mask_ipv6(match: re.Match[str]) -> str:
    return _mask_address(match.group(0), ipaddress.IPv6Address)


def _mask_ipv4(match: re.Match[str]) -> str:
    return _mask_address(match.group(0), ipaddress.IPv4Address)


def mask_text(text: str) -> str:
    """Every private link's secret, email and IP address in `text`, masked."""
    text = redact_private_links(text)
    text = EMAIL.sub(lambda m: mask_email(m.group(0)), text)
    text = IPV4.sub(_mask_ipv4, text)
    return IPV6.sub(_mask_ipv6, text)


class PersonalDataFilter(logging.Filter):
    """Masks private links, emails and IP addresses in a record's message and
    exception text."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        return True
