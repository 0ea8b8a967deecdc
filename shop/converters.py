"""
What the shop accepts from a URL before it queries anything: a value of the wrong
shape is a 404, never a database error (PostgreSQL refuses a NUL byte in text,
which would otherwise answer 500).
"""

# secrets.token_urlsafe(24) makes 32 characters; older or longer tokens fit too.
ORDER_TOKEN = r"[A-Za-z0-9_-]{16,64}"


class OrderTokenConverter:
    """<token:token> in shop URLs: the unguessable link of an order."""

    regex = ORDER_TOKEN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
