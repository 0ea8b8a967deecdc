"""
Benchmark (`make bench`): how fast and how heavy the public pages are, in the
production configuration.

It creates a fresh PostgreSQL database and uses one Redis database, loads a
catalog the size of a real one (`manage.py seed_catalog`: 200 products, 20
campaigns, a year of orders and gifts), collects the static files, and starts
gunicorn twice with `gunicorn.conf.py` and two workers each, DEBUG off, on
127.0.0.1 only: one server with the public page cache on, one with it off. Then,
side by side in one run and with the same load for every URL, wrk measures the
requests per second and the median (p50) and 99th-percentile (p99) latency of
each page, cached and uncached, between runs of a static file (the ceiling:
WhiteNoise on the same server), and prints each page's throughput as a share of
the static file's just before and after it.

It also prints, per page, the SQL queries it takes (Django's test client, in
process) with 20 and with 200 products, so a query that grows with the catalog
shows, and the bytes a first visit downloads: the HTML compressed, and the CSS
and JS it links as WhiteNoise serves them.

Everything it made is removed at the end, also on Ctrl-C: the servers stop, the
database is dropped, the Redis database is emptied. Nothing is asserted: these
are figures to compare between changes.

    python scripts/benchmark.py [--quick] [--database-url URL] [--cache-url URL]

Needs wrk (Debian: `apt-get install wrk`; macOS: `brew install wrk`), a running
PostgreSQL and a running Redis. The database's name must contain "bench": the
benchmark drops it.
"""

import argparse
import importlib.metadata
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from benchmark_report import Load, print_load, print_pages

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

# The page cache: the environment variable that switches it off, and the response
# header that says whether a page came from it ("hit") or was rendered ("miss").
PAGE_CACHE_ENV = "PAGE_CACHE_ENABLED"
PAGE_CACHE_ON, PAGE_CACHE_OFF = "1", "0"
CACHE_HEADER = "X-Cache"

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rh_bench"
)
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/15")

# The catalog: the queries are counted at both sizes, the load runs on the larger.
SMALL_CATALOG, CATALOG = 20, 200
CAMPAIGNS, MONTHS = 20, 12

# The load, the same for every URL: wrk threads, open connections, seconds.
THREADS, CONNECTIONS = 2, 16
SECONDS, QUICK_SECONDS = 6, 2
WARM_UP_SECONDS = 1
# A response slower than this counts as an error (wrk's own default is 2 s).
TIMEOUT = 10
WORKERS = 2
# Between runs, the server has answered all it was sent once a static file comes
# back this fast (seconds); it is given at most DRAIN_SECONDS to get there.
DRAINED_AFTER_SECONDS, DRAIN_SECONDS = 0.2, 20


class Server:
    """gunicorn with the project's configuration file, on a free local port."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name = name
        self.port = free_port()
        self.env = env | {
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(WORKERS),
            "GUNICORN_LOG_LEVEL": "warning",
        }
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                 "redeeming_hope.wsgi"],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches us; we stop it
            )  # fmt: skip

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_until_ready(self, path: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise SystemExit(f"gunicorn ({self.name}) stopped: see {self.log}")
            try:
                with urllib.request.urlopen(self.url(path), timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn ({self.name}) did not answer: see {self.log}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # graceful: workers finish
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def interrupted(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # a TERM cleans up as Ctrl-C does


# ---------------------------------------------------------------------------
# Database, cache and the project
# ---------------------------------------------------------------------------
def database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(
            f"The benchmark drops its database: {name!r} must contain 'bench'."
        )
    return name


def maintenance(url: str, sql: str) -> None:
    """Run one statement on the server's `postgres` database (outside any
    transaction, as CREATE and DROP DATABASE need)."""
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(
        urlunsplit(parts._replace(path="/postgres")), autocommit=True
    ) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def postgres_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {row[0] if row else '?'}"


def redis_flush(url: str) -> str:
    """Empty the benchmark's Redis database; returns the server's version."""
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    return f"Redis {client.info('server')['redis_version']}"


def environment(tmp: Path, database_url: str, cache_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "GUNICORN_")) and key != "DATABASE_URL"
    }
    return env | {
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "MEDIA_ROOT": str(tmp / "media"),
        "HTTPS": "0",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "redeeming_hope.settings",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def measure_pages(env: dict[str, str]) -> dict[str, Any]:
    """Queries and bytes per page, from `benchmark_pages.py` in its own process."""
    out = subprocess.run(
        [PYTHON, str(ROOT / "scripts" / "benchmark_pages.py")],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


# ---------------------------------------------------------------------------
# The load
# ---------------------------------------------------------------------------
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * UNITS[unit]


def wrk(url: str, seconds: int) -> tuple[float, float, float, int]:
    """(requests/s, p50 ms, p99 ms, errors) for one URL, sent as a browser asks
    (compressed answers accepted), without cookies."""
    out = subprocess.run(
        ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency",
         f"--timeout={TIMEOUT}s", "-H", "Accept-Encoding: gzip, br", url],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE)
    errors = sum(
        int(n)
        for n in re.findall(r"(?:Non-2xx or 3xx responses:|timeout)\s+(\d+)", out)
    )
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+)", out)
    if socket_errors:
        errors += int(socket_errors.group(1))
    if not (rps and p50 and p99):
        raise SystemExit(f"Could not read wrk's output:\n{out}")
    return (
        float(rps.group(1)),
        milliseconds(p50.group(1)),
        milliseconds(p99.group(1)),
        errors,
    )


def cache_header(server: Server, path: str) -> str:
    request = urllib.request.Request(
        server.url(path), headers={"Accept-Encoding": "gzip, br"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(response.headers.get(CACHE_HEADER, ""))


def drain(server: Server, static: str) -> None:
    """Wait until the server has answered what the last run left queued: wrk
    stops on time, but the requests it sent last still wait for a worker and
    would slow the next run. A static file answered at once: the queue is empty."""
    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline:
        started = time.monotonic()
        with urllib.request.urlopen(server.url(static), timeout=DRAIN_SECONDS):
            pass
        if time.monotonic() - started < DRAINED_AFTER_SECONDS:
            return


def run_load(
    servers: dict[str, Server], pages: list[dict[str, Any]], static: str, seconds: int
) -> list[Load]:
    """Each page cached then uncached, between two runs of the static file: the
    page's ceiling is the mean of those two, so a machine that gets busier or
    quieter during the benchmark moves the page and its ceiling together."""
    cached, uncached = servers["cached"], servers["uncached"]
    for server in (cached, uncached):  # every worker renders and caches once
        for page in pages:
            wrk(server.url(page["path"]), WARM_UP_SECONDS)
            drain(server, static)
    wrk(cached.url(static), WARM_UP_SECONDS)

    def one(label: str, server: Server, path: str) -> Load:
        rps, p50, p99, errors = wrk(server.url(path), seconds)
        drain(server, static)
        load = Load(label, server.name, path, rps, p50, p99, errors)
        load.x_cache = cache_header(server, path)
        print(f"  {label:10} {server.name:8} {rps:8,.0f} req/s", flush=True)
        return load

    runs = [one("static", cached, static)]
    for page in pages:
        pair = [
            one(page["label"], cached, page["path"]),
            one(page["label"], uncached, page["path"]),
        ]
        after = one("static", cached, static)
        for load in pair:
            load.ceiling = (runs[-1].rps + after.rps) / 2
        runs += [*pair, after]
    return runs


def versions(database_url: str, redis_version: str) -> str:
    wrk_version = subprocess.run(
        ["wrk", "--version"], capture_output=True, text=True
    ).stdout.split(" [")[0]
    packages = ", ".join(
        f"{name} {importlib.metadata.version(name)}"
        for name in ("Django", "gunicorn", "whitenoise", "psycopg", "redis")
    )
    return (
        f"Python {platform.python_version()}, {packages}; "
        f"{postgres_version(database_url)}, {redis_version}; {wrk_version}"
    )


# ---------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run")
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument("--cache-url", default=CACHE_URL)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit(
            "The benchmark needs wrk, an HTTP load generator: `apt-get install wrk` "
            "(Debian, Ubuntu), `brew install wrk` (macOS). `make bench` installs it "
            "when run as root on Debian."
        )
    for url in (args.database_url, args.cache_url):
        if urlsplit(url).hostname not in ("127.0.0.1", "localhost"):
            raise SystemExit(f"The benchmark runs on 127.0.0.1 only, not {url}.")
    name = database_name(args.database_url)
    seconds = QUICK_SECONDS if args.quick else SECONDS
    signal.signal(signal.SIGTERM, interrupted)
    started = time.monotonic()
    load_before = os.getloadavg()[0]

    servers: dict[str, Server] = {}
    database_made = False
    with tempfile.TemporaryDirectory(prefix="rh-bench-") as tmp:
        try:
            maintenance(args.database_url, f'DROP DATABASE IF EXISTS "{name}"')
            maintenance(args.database_url, f'CREATE DATABASE "{name}"')
            database_made = True
            redis_version = redis_flush(args.cache_url)
            env = environment(Path(tmp), args.database_url, args.cache_url)
            env[PAGE_CACHE_ENV] = PAGE_CACHE_ON  # whatever a .env file says
            off = env | {PAGE_CACHE_ENV: PAGE_CACHE_OFF}
            print(
                f"{os.cpu_count()} CPU(s), shared by wrk ({THREADS} threads) and "
                f"gunicorn ({WORKERS} workers): the figures are for this machine, "
                "and compare pages with each other."
            )
            print(versions(args.database_url, redis_version))
            print("Preparing: database, catalog, static files...", flush=True)
            manage(env, "migrate", "--noinput")
            manage(env, "collectstatic", "--noinput")
            manage(env, "seed_catalog", "--products", str(SMALL_CATALOG),
                   "--campaigns", str(CAMPAIGNS), "--months", str(MONTHS))  # fmt: skip
            small = measure_pages(off)
            manage(env, "seed_catalog", "--products", str(CATALOG),
                   "--campaigns", str(CAMPAIGNS), "--months", str(MONTHS))  # fmt: skip
            large = measure_pages(off)

            print(f"Prepared in {time.monotonic() - started:.0f} s.", flush=True)
            servers = {
                "cached": Server("cached", env, Path(tmp) / "gunicorn-cached.log"),
                "uncached": Server("uncached", off, Path(tmp) / "gunicorn-off.log"),
            }
            for server in servers.values():
                server.start()
            for server in servers.values():
                server.wait_until_ready(large["static"])
            print(
                f"Load: wrk -t{THREADS} -c{CONNECTIONS} -d{seconds}s per URL, "
                f"{CATALOG} products, {CAMPAIGNS} campaigns, {MONTHS} months of "
                "orders and gifts; gunicorn.conf.py, "
                f"{WORKERS} workers per server; PostgreSQL and Redis.",
                flush=True,
            )
            runs = run_load(servers, large["pages"], large["static"], seconds)
        except KeyboardInterrupt:
            print("\nInterrupted: cleaning up.")
            raise SystemExit(130) from None
        finally:
            for server in servers.values():
                server.stop()
            if database_made:
                maintenance(
                    args.database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
                )
                redis_flush(args.cache_url)

    print()
    print_load(
        runs,
        header_name=CACHE_HEADER,
        switch=f"{PAGE_CACHE_ENV}={PAGE_CACHE_OFF}",
    )
    print()
    print_pages(small, large)
    print(
        f"\n{time.monotonic() - started:.0f} s in all. Load average (1 min) before "
        f"{load_before:.2f}, after {os.getloadavg()[0]:.2f}: anything above "
        "zero before means other processes shared the CPUs with the benchmark."
    )


if __name__ == "__main__":
    main()
