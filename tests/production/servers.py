"""
Real processes for the production tests: a database of the test's own, app servers
(gunicorn with gunicorn.conf.py and the production settings), Redis databases.

- `database_url(tmp_path, name)`: a fresh database for subprocesses to share, a
  SQLite file in tmp_path, or on PostgreSQL (when DATABASE_URL is PostgreSQL) a
  database named per test and xdist worker, dropped afterwards (`drop_database`).
- `production_env(...)`: the environment of a production process (DEBUG off).
- `manage(...)`: run a manage.py command in such an environment.
- `AppServers`: start N gunicorn processes on free ports, wait for /healthz, stop.
- `require_redis(db)`: the URL of a Redis database; skips the test when Redis is
  unreachable, unless CI is set (then it fails). Tests never flush it (tests on
  other xdist workers share it): each uses its own key prefix (`key_prefix()`)
  and removes its keys afterwards (`delete_prefixed`).
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_HOST = os.environ.get("TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("TEST_REDIS_PORT", "6379"))

# Variables of the test run that must not leak into a production child process.
_STRIP = {
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DATABASE_URL",
    "CACHE_URL",
    "TASKS_BACKEND",
    "SESSION_ENGINE",
    "PYTEST_XDIST_WORKER",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def closed_port_url(scheme: str = "redis", path: str = "/0") -> str:
    """An address where nothing listens (a service that is down)."""
    return f"{scheme}://127.0.0.1:{free_port()}{path}"


def require_redis(db: int) -> str:
    """redis://.../<db>. Only databases 12, 13 and 14 are ours."""
    assert db in (12, 13, 14), "the production tests own Redis databases 12-14"
    import redis

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"Redis is needed on CI and unreachable: {error}")
        pytest.skip(f"Redis is not running at {REDIS_HOST}:{REDIS_PORT} ({error})")
    finally:
        client.close()
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/{db}"


def key_prefix() -> str:
    """A cache key prefix no other test uses."""
    return f"test-{uuid.uuid4().hex[:12]}"


def delete_prefixed(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def _postgres_admin_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def database_url(tmp_path: Path, name: str) -> str:
    """A new, empty database only this test uses."""
    admin = _postgres_admin_url()
    if admin is None:
        return f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    db_name = f"rh_production_{name}_{worker}"
    _postgres(admin, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    _postgres(admin, f'CREATE DATABASE "{db_name}"')
    parts = urlsplit(admin)
    return parts._replace(path=f"/{db_name}").geturl()


def drop_database(url: str) -> None:
    admin = _postgres_admin_url()
    if admin is not None and url.startswith(("postgres://", "postgresql://")):
        db_name = urlsplit(url).path.lstrip("/")
        _postgres(admin, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


def _postgres(admin_url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(admin_url)
    with psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(sql)


def production_env(*, database: str, cache: str = "locmemcache://", **extra: str):
    """The environment of a production process (DEBUG off, plain HTTP)."""
    env = {k: v for k, v in os.environ.items() if k not in _STRIP}
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "test-only-production-process-key-" + "q8Zr" * 10,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "HTTPS": "0",
            "DATABASE_URL": database,
            "CACHE_URL": cache,
            "STATIC_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "EMAIL_URL": "consolemail://",
            "PAYMENTS_LOCAL_GATEWAY": "1",
            "TASKS_BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "GUNICORN_ACCESS_LOG": "",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str], timeout: float = 120):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def wait_for(url: str, *, status: int = 200, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    last: object = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == status:
                    return
                last = response.status
        except urllib.error.HTTPError as error:
            last = error.code
            if error.code == status:
                return
        except OSError as error:
            last = error
        time.sleep(0.1)
    raise AssertionError(f"{url} did not answer {status} in {seconds}s: {last}")


class AppServers:
    """N gunicorn processes (one worker each) with the same environment."""

    def __init__(self, env: dict[str, str], count: int, log_dir: Path) -> None:
        self.env = env
        self.count = count
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []
        self.urls: list[str] = []

    def start(self) -> "AppServers":
        for index in range(self.count):
            port = free_port()
            env = dict(
                self.env,
                GUNICORN_BIND=f"127.0.0.1:{port}",
                WEB_CONCURRENCY="1",
                GUNICORN_MAX_REQUESTS="0",
            )
            log = open(self.log_dir / f"gunicorn-{index}.log", "wb")  # noqa: SIM115
            self.processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "-c",
                        "gunicorn.conf.py",
                        "redeeming_hope.wsgi",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            self.urls.append(f"http://127.0.0.1:{port}")
        for url in self.urls:
            wait_for(f"{url}/healthz")
        return self

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def logs(self) -> str:
        return "\n".join(
            path.read_text(errors="replace")
            for path in sorted(self.log_dir.glob("gunicorn-*.log"))
        )


@contextmanager
def app_servers(env: dict[str, str], count: int, log_dir: Path) -> Iterator[AppServers]:
    servers = AppServers(env, count, log_dir)
    try:
        yield servers.start()
    finally:
        servers.stop()
