"""
Benchmark: how fast and how heavy the public pages are.

Prints, for each public page:
- SQL queries to render it (Django test client, in process);
- bytes of HTML, raw and gzipped, and the bytes of the CSS and JS it loads;
- requests per second served by gunicorn on this machine, next to the requests per
  second for a static file served by the same gunicorn (WhiteNoise), the ceiling.

It runs against a throw-away SQLite database seeded with the demo content, with
DEBUG off, on 127.0.0.1 only, for a bounded number of requests. Nothing is asserted:
these are figures to compare between changes. Run: `make bench`.
"""

import gzip
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUESTS_PER_URL = 400
SECONDS_PER_URL = 5.0
CLIENTS = 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY="benchmark-only-" + "k" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",
        MEDIA_ROOT=str(tmp / "media"),
        HTTPS="0",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="redeeming_hope.settings",
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def page_paths() -> list[str]:
    """The public pages to measure, found from the seeded content."""
    import django

    django.setup()
    from django.apps import apps
    from django.urls import NoReverseMatch, reverse

    paths = []
    for name in [
        "home", "get-help", "browsing-safely", "about", "the-home", "donate",
        "campaigns:campaign-list", "shop:product-list", "shop:cart",
    ]:  # fmt: skip
        try:
            paths.append(reverse(name))
        except NoReverseMatch:
            continue
    for label, model in [("campaigns", "Campaign"), ("shop", "Product")]:
        try:
            Model = apps.get_model(label, model)
        except LookupError:
            continue
        obj = Model.objects.order_by("pk").first()
        if obj is not None and hasattr(obj, "get_absolute_url"):
            paths.append(obj.get_absolute_url())
    return paths


def measure_queries_and_bytes(paths: list[str]) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    rows = []
    asset_cache: dict[str, int] = {}
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        query_count = len(queries)  # read now: the log is shared and moves on
        html = response.content
        assets = re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
        asset_bytes = 0
        for asset in assets:
            url = asset.decode()
            if url not in asset_cache:
                asset_response = client.get(url)
                body = b"".join(getattr(asset_response, "streaming_content", [])) or (
                    asset_response.content if not asset_response.streaming else b""
                )
                asset_cache[url] = len(gzip.compress(body))
            asset_bytes += asset_cache[url]
        rows.append(
            {
                "path": path,
                "status": response.status_code,
                "queries": query_count,
                "html": len(html),
                "html_gz": len(gzip.compress(html)),
                "assets_gz": asset_bytes,
            }
        )
    return rows


def hammer(port: int, path: str) -> float:
    """Requests per second for one path, CLIENTS keep-alive connections in parallel."""
    done = 0
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS_PER_URL
    per_client = REQUESTS_PER_URL // CLIENTS

    def worker() -> None:
        nonlocal done
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for _ in range(per_client):
            if time.monotonic() > deadline:
                break
            conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
            response = conn.getresponse()
            response.read()
            with lock:
                done += 1
        conn.close()

    start = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done / (time.monotonic() - start)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = environment(Path(tmp))
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo")
        manage(env, "collectstatic", "--noinput")

        paths = page_paths()
        rows = measure_queries_and_bytes(paths)

        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "redeeming_hope.wsgi",
             "--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            from django.templatetags.static import static

            static_path = static("css/site.css")
            hammer(port, static_path)  # warm up
            static_rps = hammer(port, static_path)
            for row in rows:
                row["rps"] = hammer(port, row["path"])
        finally:
            server.terminate()
            server.wait(timeout=10)

    print(
        f"gunicorn, 2 workers, {CLIENTS} clients; "
        f"static file {static_path}: {static_rps:,.0f} req/s"
    )
    header = (
        f"{'page':42} {'status':>6} {'queries':>7} {'html':>8} "
        f"{'html.gz':>8} {'css+js.gz':>9} {'req/s':>7} {'of static':>9}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['path'][:42]:42} {row['status']:>6} {row['queries']:>7} "
            f"{row['html']:>8,} {row['html_gz']:>8,} {row['assets_gz']:>9,} "
            f"{row['rps']:>7,.0f} {row['rps'] / static_rps:>9.0%}"
        )


if __name__ == "__main__":
    main()
