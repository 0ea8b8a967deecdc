"""
gunicorn's access log without private links (`logger_class` in gunicorn.conf.py).

An order's status page (and its checkout's cancel link), a monthly gift's manage
link and a yearly statement are reached by a secret in the path: whoever reads a
log line with it could open that person's page. The access log keeps which kind
of page was asked for, not the secret.
(The format already leaves out query strings and client addresses.)
"""

import re
from typing import Any

from gunicorn.glogging import Logger

_PRIVATE_LINK = re.compile(
    r"/(shop/orders|shop/checkout/cancel|donate/monthly|donate/statement|"
    r"payments/test-checkout)/[^/\s?]+"
)


def redact_path(text: str) -> str:
    """'/shop/orders/Xy3.../' -> '/shop/orders/[private]/', anywhere in `text`."""
    return _PRIVATE_LINK.sub(r"/\1/[private]", text)


class AccessLogger(Logger):
    """gunicorn's logger, with the path and request line redacted."""

    def atoms(
        self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any
    ) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact_path(atoms[key])
        return atoms
