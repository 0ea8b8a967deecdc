"""gunicorn's workers are threaded: a request waiting on the network (a hanging
Stripe) holds one thread, not a whole process, so other pages are still served
(`python -m tests.production.hanging_stripe` measures it)."""

from pathlib import Path

from gunicorn.config import Config

CONFIG_FILE = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def _configured(monkeypatch, **environ: str) -> Config:
    for name in ("GUNICORN_WORKER_CLASS", "GUNICORN_THREADS", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    namespace: dict = {}
    exec(compile(CONFIG_FILE.read_text(), str(CONFIG_FILE), "exec"), namespace)
    config = Config()
    for name in ("worker_class", "threads", "workers", "timeout"):
        config.set(name, namespace[name])
    return config


def test_workers_are_threaded_by_default(monkeypatch):
    config = _configured(monkeypatch)
    assert config.worker_class_str == "gthread"
    assert config.threads >= 4
    assert config.workers >= 3


def test_the_worker_class_and_threads_can_be_chosen(monkeypatch):
    config = _configured(
        monkeypatch, GUNICORN_WORKER_CLASS="sync", GUNICORN_THREADS="1"
    )
    assert config.worker_class_str == "sync"
    assert config.threads == 1
