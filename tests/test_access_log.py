"""gunicorn's logs never carry the secret of a private link, nor a client's
address: the access log and its own "Invalid request" lines alike (the
redaction itself is tested in tests/core/test_privacy_logging.py)."""

import datetime
import os
import socket
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.http.errors import InvalidHTTPVersion, InvalidRequestLine
from gunicorn.workers.base import Worker

from redeeming_hope.access_log import AccessLogger

CONFIG_FILE = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def test_the_logger_writes_the_redacted_path():
    config = Config()
    config.set("accesslog", None)
    logger = AccessLogger(config)
    request = SimpleNamespace(headers=[], method="GET", path="/shop/orders/SECRET/")
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/shop/orders/SECRET/",
        "PATH_INFO": "/shop/orders/SECRET/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.1",
    }
    response = SimpleNamespace(status="200 OK", sent=10, response_length=10, headers=[])
    atoms = logger.atoms(response, request, environ, datetime.timedelta(seconds=0.01))
    assert atoms["U"] == "/shop/orders/[private]/"
    assert "SECRET" not in atoms["r"]


def test_gunicorn_uses_it():
    config = Config()
    namespace: dict = {}
    exec(compile(CONFIG_FILE.read_text(), str(CONFIG_FILE), "exec"), namespace)
    assert namespace["logger_class"] == "redeeming_hope.access_log.AccessLogger"
    config.set("logger_class", namespace["logger_class"])
    assert config.logger_class is AccessLogger


@pytest.mark.parametrize(
    "exc",
    [
        InvalidRequestLine("GET /shop/orders/SECRET0token/ HTTP/1.1 junk"),
        InvalidRequestLine("GET /donate/monthly/abc:1tZ:SECRETsig/?e=ann@example.org"),
        InvalidHTTPVersion("HTTP/9.9"),
    ],
)
def test_invalid_request_lines_carry_no_secret_and_no_address(tmp_path, exc):
    """gunicorn's own handler for a request it cannot parse, as a worker runs
    it: its warning names the client's address and the raw request line."""
    error_log = tmp_path / "error.log"
    config = Config()
    config.set("accesslog", None)
    config.set("errorlog", str(error_log))
    worker = SimpleNamespace(log=AccessLogger(config), cfg=config)
    ours, theirs = socket.socketpair()
    with ours, theirs:
        Worker.handle_error(worker, None, ours, ("198.51.100.23", 50123), exc)
        assert theirs.recv(1000).startswith(b"HTTP/1.1 400")
    worker.log.error_log.handlers[0].flush()
    written = error_log.read_text()
    assert "Invalid request from ip=ip-" in written
    assert "198.51.100.23" not in written
    assert "SECRET" not in written and "ann@example.org" not in written
    if "orders" in str(exc):
        assert "/shop/orders/[private]/" in written


def test_the_filter_is_added_once(tmp_path):
    config = Config()
    config.set("errorlog", str(tmp_path / "error.log"))
    logger = AccessLogger(config)
    logger.setup(config)  # gunicorn sets its logger up again on reload
    assert len(logger.error_log.filters) == 1


_MASTER = """
from gunicorn.config import Config
from redeeming_hope.access_log import AccessLogger
config = Config()
config.set("errorlog", "-")
log = AccessLogger(config)
log.info("Listening at: http://127.0.0.1:8000 (1)")
log.warning("Invalid request from ip=198.51.100.9: 'GET /shop/orders/SECRET/'")
"""


def test_the_master_process_logs_without_the_sites_settings():
    """gunicorn's master process has not loaded Django's settings: its lines
    are still written, with its own address as it is and a client's hidden."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", _MASTER],
        cwd=CONFIG_FILE.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Listening at: http://127.0.0.1:8000" in result.stderr
    assert "from ip=ip-hidden: 'GET /shop/orders/[private]/'" in result.stderr
    assert "198.51.100.9" not in result.stderr and "SECRET" not in result.stderr
