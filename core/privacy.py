"""
What every app puts in place of a person's erased details, and how a privacy
request's email address is read: the shop (orders) and donations (donors and
gifts) erase alike, and staff's privacy requests run both.
"""

from datetime import date

ERASED = "Erased"
# `.invalid` is reserved (RFC 2606): no mail can ever be delivered there, and the
# address still passes the email field's validation.
ERASED_DOMAIN = "erased.invalid"
# Put in place of the email of the payment sessions of an erased order or gift.
ERASED_SESSION_EMAIL = f"erased@{ERASED_DOMAIN}"


def normalized_email(email: str) -> str:
    """The email address a privacy request names, stripped; TypeError when it is
    not a string, ValueError when it is not an address."""
    if not isinstance(email, str):
        raise TypeError("email must be a string.")
    email = email.strip()
    if not email or "@" not in email or "\x00" in email:
        raise ValueError("That is not an email address.")
    return email


def isoformat_or_none(value: date | None) -> str | None:
    """A date or time for a copy of a person's data (JSON): ISO 8601, or None."""
    return value.isoformat() if value is not None else None
