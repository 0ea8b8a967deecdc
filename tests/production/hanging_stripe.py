# ruff: noqa: T201  (a script that prints its figures)
"""
Run by hand: how the site behaves while Stripe hangs, under gunicorn with the
production settings (gunicorn.conf.py, DEBUG off).

    python -m tests.production.hanging_stripe [--database-url URL] [--checkouts 8]

A stand-in for Stripe on 127.0.0.1 accepts connections and never answers
(STRIPE_API_BASE points at it). For each worker class (sync, then gthread, the
default) one gunicorn server starts with the production worker count; then
`--checkouts` buyers, each with a cart, place their orders at once, and while
they wait the About page is loaded a few times. It prints how long each
checkout took and what it answered, how long the About page took, and then the
requests per second of the cached About page with nothing hanging (several
client processes, keep-alive), so the two worker classes can be compared.

The database is migrated and given the demo content (`seed_demo`); a SQLite
file in a temporary folder unless --database-url names another. Nothing is
asserted: these are figures for a report. Timings depend on the machine.
"""

import argparse
import http.client
import http.cookiejar
import multiprocessing
import os
import re
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.payments.hanging import hanging_server
from tests.production.servers import (
    ROOT,
    free_port,
    manage,
    production_env,
    wait_for,
)

ABOUT = "/about/"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_PRODUCT = re.compile(r'href="(/shop/products/[^"/]+/)"')
ADDRESS = {
    "email": "buyer@example.org",
    "name": "Ada Buyer",
    "delivery_method": "ship",
    "address_line1": "1 Main Street",
    "city": "Louisville",
    "state": "KY",
    "zip_code": "40202",
}


class Buyer:
    """A browser with cookies: puts one product in its cart, then checks out."""

    def __init__(self, base: str) -> None:
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar)
        )

    def _get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def _post(self, path: str, data: dict[str, str]) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def fill_cart(self, product_path: str) -> None:
        page = self._get(product_path)
        variant = re.search(r'name="variant"[^>]*value="(\d+)"', page) or re.search(
            r'value="(\d+)"[^>]*name="variant"', page
        )
        assert variant, "no variant on the product page"
        token = _CSRF.search(page)
        assert token, "no CSRF token on the product page"
        status, _body = self._post(
            product_path,
            {
                "csrfmiddlewaretoken": token[1],
                "variant": variant[1],
                "quantity": "1",
            },
        )
        assert status in (200, 302), status
        token = _CSRF.search(self._get("/shop/checkout/"))
        assert token is not None, "the checkout page has no CSRF token"
        self.checkout_token = token[1]

    def check_out(self) -> tuple[float, int, str]:
        started = time.monotonic()
        status, body = self._post(
            "/shop/checkout/", {"csrfmiddlewaretoken": self.checkout_token, **ADDRESS}
        )
        title = re.search(r"<title>([^<]*)</title>", body)
        said = "try again" if "try again" in body else title[1] if title else "?"
        return time.monotonic() - started, status, said


def _timed_get(base: str, path: str) -> tuple[float, int]:
    started = time.monotonic()
    with urllib.request.urlopen(base + path, timeout=120) as response:
        response.read()
        return time.monotonic() - started, response.status


def _hammer(
    port: int, seconds: float, close: bool, counts: "multiprocessing.Queue[int]"
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Connection": "close"} if close else {}
    done = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        connection.request("GET", ABOUT, headers=headers)
        response = connection.getresponse()
        response.read()
        if close:
            connection.close()
        if response.status == 200:
            done += 1
    counts.put(done)


def throughput(port: int, *, clients: int, seconds: float, close: bool) -> float:
    counts: multiprocessing.Queue[int] = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=_hammer, args=(port, seconds, close, counts))
        for _ in range(clients)
    ]
    for worker in workers:
        worker.start()
    total = sum(counts.get() for _ in workers)
    for worker in workers:
        worker.join()
    return total / seconds


def measure(worker_class: str, env: dict[str, str], args: argparse.Namespace) -> None:
    import subprocess

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(args.log_dir / f"gunicorn-{worker_class}.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
        + ["redeeming_hope.wsgi"],
        cwd=ROOT,
        env=dict(
            env,
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_WORKER_CLASS=worker_class,
            # gunicorn turns "sync" with threads into gthread: one thread each.
            GUNICORN_THREADS="1" if worker_class == "sync" else args.threads,
        ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"{base}/healthz")
        for _ in range(3):  # every worker renders and caches it once
            _timed_get(base, ABOUT)
        with urllib.request.urlopen(base + "/shop/") as response:
            products = sorted(set(_PRODUCT.findall(response.read().decode())))
        assert products, "no product on /shop/"
        buyers = [Buyer(base) for _ in range(args.checkouts)]
        for index, buyer in enumerate(buyers):  # one each: stock runs out
            buyer.fill_cart(products[index % len(products)])

        quiet = [_timed_get(base, ABOUT)[0] for _ in range(5)]
        with ThreadPoolExecutor(max_workers=args.checkouts) as pool:
            checkouts = [pool.submit(buyer.check_out) for buyer in buyers]
            time.sleep(0.5)  # every checkout is waiting on Stripe now
            during = [_timed_get(base, ABOUT) for _ in range(3)]
            results = [future.result() for future in checkouts]

        threads = 1 if worker_class == "sync" else args.threads
        print(f"\n== {worker_class}, {threads} thread(s) per worker ==")
        print(f"About page, nothing hanging: median {statistics.median(quiet):.3f} s")
        print(
            f"About page while {args.checkouts} checkouts hang: "
            + ", ".join(f"{seconds:.2f} s ({status})" for seconds, status in during)
        )
        times = [seconds for seconds, _status, _said in results]
        print(
            f"Checkouts: {', '.join(f'{t:.1f}' for t in sorted(times))} s; answers: "
            + ", ".join(sorted({f"{status} {said}" for _s, status, said in results}))
        )
        for close in (False, True):
            rps = throughput(
                port, clients=args.clients, seconds=args.seconds, close=close
            )
            print(
                f"Cached About page, nothing hanging, "
                f"{'a new connection each' if close else 'keep-alive'}: "
                f"{rps:.0f} requests/s "
                f"({args.clients} client processes, {args.seconds:.0f} s)"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--checkouts", type=int, default=8)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--threads", default="4", help="gthread's per worker")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--worker-classes", default="sync,gthread", help="comma-separated"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        args.log_dir = Path(os.environ.get("HANGING_LOG_DIR", folder))
        database = args.database_url or f"sqlite:///{Path(folder) / 'site.sqlite3'}"
        with hanging_server() as stripe:
            env = production_env(
                database=database,
                STRIPE_SECRET_KEY="sk_test_hanging_stripe_check",
                STRIPE_WEBHOOK_SECRET="whsec_hanging_stripe_check",
                STRIPE_API_BASE=stripe.url,
                PAYMENTS_LOCAL_GATEWAY="0",
                SHOP_CHECKOUT_RATE_PER_IP="1000/10m",
                SHOP_ADD_TO_CART_RATE_PER_IP="1000/10m",
                GUNICORN_MAX_REQUESTS="0",
            )
            manage("migrate", "--no-input", env=env, timeout=300)
            manage("seed_demo", env=env, timeout=300)
            for worker_class in args.worker_classes.split(","):
                measure(worker_class, env, args)
            print(f"\nConnections the hanging Stripe accepted: {stripe.accepted}")


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
