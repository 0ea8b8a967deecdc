"""
What the shop accepts from a URL before it queries anything: a value of the wrong
shape is a 404, never a database error (PostgreSQL refuses a NUL byte in text,
which would otherwise answer 500).
"""

import re

# secrets.token_urlsafe(24) makes 32 characters; older or longer tokens fit too.
ORDER_TOKEN = r"[A-Za-z0-9_-]{16,64}"
# Stripe's "cs_test_a1B2..." / "cs_live_..." and the local gateway's "cs_local_<hex>".
_CHECKOUT_SESSION_ID = re.compile(r"cs_[A-Za-z0-9_]{1,252}", re.ASCII)


class OrderTokenConverter:
    """<token:token> in shop URLs: the unguessable link of an order."""

    regex = ORDER_TOKEN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def is_checkout_session_id(value: object) -> bool:
    """Whether a `session_id` query parameter has the shape of one."""
    return isinstance(value, str) and bool(_CHECKOUT_SESSION_ID.fullmatch(value))
