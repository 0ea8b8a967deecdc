"""
gunicorn's logs without private links or client addresses (`logger_class` in
gunicorn.conf.py).

An order's status page (and its checkout's cancel link), a monthly gift's manage
link and a yearly statement are reached by a secret in the path: whoever reads a
log line with it could open that person's page. The access log keeps which kind
of page was asked for, not the secret (its format already leaves out query
strings and client addresses). gunicorn's own lines ("Invalid request from
ip=...: Invalid HTTP request line: '...'", "Error handling request /...") go
through the same filter as the site's logs: the secret left out, the address a
keyed hash, emails masked. One redaction for both: `core.privacy_logging`.
"""

from typing import Any

from gunicorn.glogging import Logger

from core.privacy_logging import PersonalDataFilter, redact_private_links


class AccessLogger(Logger):
    """gunicorn's logger, with the path and request line redacted."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if not any(isinstance(f, PersonalDataFilter) for f in self.error_log.filters):
            self.error_log.addFilter(PersonalDataFilter())

    def atoms(
        self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any
    ) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact_private_links(atoms[key])
        return atoms
