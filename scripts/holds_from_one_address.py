"""
How much of the shop one address can hold when it drops its cookies: a robot's
loop against a running site (`make run`, the demo catalog), as fast as it can,
for up to ten minutes (the rate limits' window).

Every round starts with an empty cookie jar, so it is a new visitor with a new
cart each time, from the same address. A round opens a product page, adds a
variant to the cart (trying 20, 10, 5, 2, then 1 of it), and checks the cart
out; the order that the site places holds its stock until it is paid or its
payment page closes. The loop goes over every variant on sale, again and again,
for ten minutes (`--seconds`), pausing 30 seconds after a pass that held nothing
more (at most 2,000 rounds).

At the end it prints, from the site's database, what the orders it placed hold:
per variant, the units held against the stock there was, and in all.

    DEBUG=1 python scripts/holds_from_one_address.py [--url http://127.0.0.1:8000]

Run it from the project's folder with the same environment as the server
(DATABASE_URL, DEBUG), so that it reads the same database. It talks only to a
server on this machine (loopback), and stops by itself. It leaves its orders
pending: `manage.py shop_expire_orders` gives their stock back once their holds
end (or reseed the demo).
"""

import argparse
import http.cookiejar
import ipaddress
import os
import re
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WINDOW_SECONDS = 600  # the rate limits count per 10 minutes
MAX_ROUNDS = 2000
PAUSE_SECONDS = 30  # after a pass that held nothing more
QUANTITIES = (20, 10, 5, 2, 1)
BUYER = {
    "email": "robot@example.org",
    "name": "A Robot",
    "delivery_method": "ship",
    "address_line1": "1 Main Street",
    "city": "Louisville",
    "state": "KY",
    "zip_code": "40202",
    "website": "",
}
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_VARIANT = re.compile(
    r'<input type="radio" name="variant" [^>]*value="(\d+)"(?![^>]*disabled)'
)
_PRODUCT = re.compile(r'href="(/shop/products/[a-z0-9-]+/)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None  # the loop reads each Location itself


def _loopback_only(url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname or ""
    addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    if not addresses or not all(
        ipaddress.ip_address(address).is_loopback for address in addresses
    ):
        sys.exit(f"{url} is not on this machine: this loop runs against loopback only.")


class Visitor:
    """One round: a fresh cookie jar, as a robot that keeps no cookies."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            _NoRedirect(),
        )
        self.requests = 0

    def send(
        self, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        """(status, Location, body)"""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        self.requests += 1
        try:
            with self.opener.open(self.root + path, data=data, timeout=30) as answer:
                return answer.status, "", answer.read().decode()
        except urllib.error.HTTPError as answer:
            location = answer.headers.get("Location", "")
            return answer.code, location, answer.read().decode()

    def token(self, body: str) -> str:
        match = _TOKEN.search(body)
        return match[1] if match else ""

    def hold(self, product: str, variant: str, quantity: int) -> str:
        """ "held", "refused" (the cart, or a cap), or "limited" (429)."""
        status, _location, page = self.send(product)
        if status != 200:
            return "refused"
        status, _location, _page = self.send(
            product,
            {
                "csrfmiddlewaretoken": self.token(page),
                "variant": variant,
                "quantity": str(quantity),
                "website": "",
            },
        )
        if status == 429:
            return "limited"
        if status != 302:
            return "refused"  # the product page said no (a cap, the stock)
        status, _location, page = self.send("/shop/checkout/")
        if status != 200:
            return "refused"
        status, location, _page = self.send(
            "/shop/checkout/", {"csrfmiddlewaretoken": self.token(page), **BUYER}
        )
        if status == 429:
            return "limited"
        held = status == 302 and "/shop/cart/" not in location
        return "held" if held else "refused"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=int, default=WINDOW_SECONDS)
    args = parser.parse_args()
    root = args.url.rstrip("/")
    _loopback_only(root)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redeeming_hope.settings")
    import django

    django.setup()
    from django.db.models import Sum
    from django.utils import timezone

    from shop.models import Order, OrderLine, Variant

    started_at = timezone.now()
    stock_before = dict(Variant.objects.values_list("pk", "stock"))
    names = {v.pk: str(v) for v in Variant.objects.select_related("product")}

    _status, _location, shop = Visitor(root).send("/shop/")
    products = sorted(set(_PRODUCT.findall(shop)))
    targets = []
    for product in products:
        _status, _location, page = Visitor(root).send(product)
        targets += [(product, variant) for variant in _VARIANT.findall(page)]
    print(f"{len(targets)} variants on sale in {len(products)} products.")

    outcomes: Counter[str] = Counter()
    requests = rounds = 0
    begin = time.monotonic()
    while time.monotonic() - begin < args.seconds and rounds < MAX_ROUNDS:
        held_this_pass = False
        for product, variant in targets:
            for quantity in QUANTITIES:
                visitor = Visitor(root)
                outcome = visitor.hold(product, variant, quantity)
                requests += visitor.requests
                rounds += 1
                outcomes[outcome] += 1
                if outcome == "held":
                    held_this_pass = True
                    break
                if outcome == "limited":
                    break
            if time.monotonic() - begin >= args.seconds or rounds >= MAX_ROUNDS:
                break
        if not held_this_pass:  # a cap or a rate limit: wait, and try again
            left = args.seconds - (time.monotonic() - begin)
            time.sleep(min(PAUSE_SECONDS, max(0, left)))
    elapsed = time.monotonic() - begin

    mine = OrderLine.objects.filter(
        order__status=Order.Status.PENDING,
        order__created_at__gte=started_at,
        order__email=BUYER["email"],
    )
    held = dict(mine.values_list("variant_id").annotate(units=Sum("quantity")))
    total_stock = sum(stock_before.values())
    print(
        f"{rounds} rounds, {requests} requests in {elapsed:.1f} s: "
        + ", ".join(f"{name} {count}" for name, count in sorted(outcomes.items()))
    )
    print(f"{'variant':48} {'held':>5} {'stock':>6} {'share':>6}")
    for variant_id, stock in sorted(stock_before.items()):
        units = held.get(variant_id, 0)
        share = f"{units / stock:.0%}" if stock else "-"
        print(f"{names[variant_id][:48]:48} {units:5d} {stock:6d} {share:>6}")
    units = sum(held.values())
    print(f"{'in all':48} {units:5d} {total_stock:6d} {units / total_stock:6.0%}")


if __name__ == "__main__":
    main()
