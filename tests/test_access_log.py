"""gunicorn's access log never carries the secret of a private link."""

import datetime
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config

from redeeming_hope.access_log import AccessLogger, redact_path

CONFIG_FILE = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def test_private_links_lose_their_secret():
    assert redact_path("/shop/orders/Zk3q9-x_Aa/") == "/shop/orders/[private]/"
    assert redact_path("/donate/monthly/abc:1tZ:sig/") == "/donate/monthly/[private]/"
    assert redact_path("/donate/statement/tok/") == "/donate/statement/[private]/"
    assert (
        redact_path("/shop/checkout/cancel/Zk3q9/")
        == "/shop/checkout/cancel/[private]/"
    )
    assert (
        redact_path("GET /payments/test-checkout/cs_local_1/ HTTP/1.1")
        == "GET /payments/test-checkout/[private]/ HTTP/1.1"
    )


def test_other_paths_are_kept():
    for path in ("/", "/shop/products/blue-shirt/", "/shop/orders/", "/donate/"):
        assert redact_path(path) == path


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
