"""
The in-process half of the benchmark: `scripts/benchmark.py` runs this file with
the benchmark's environment (its database, its cache, DEBUG off).

It renders each public page with Django's test client, as a first-time visitor
does (no cookies), once to warm up and once measured, and prints as JSON: the SQL
queries of the measured request and their time, the median time of a few more
visits, the HTML's bytes (raw, gzip, brotli) and the bytes of the CSS and JS the
page links, as WhiteNoise serves them (brotli, else gzip, else raw).
"""

import gzip
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import brotli

ROOT = Path(__file__).resolve().parent.parent
# Compression of HTML as a server or CDN does it on the fly: cheaper than the
# highest levels WhiteNoise uses for static files, which are compressed once.
GZIP_LEVEL = 6
BROTLI_QUALITY = 5
# In-process requests timed per page (the median is printed).
TIMED = 5
ASSET = re.compile(rb'(?:href|src)="(/static/[^"?#]+\.(?:css|js))"')


def public_pages() -> list[tuple[str, str]]:
    """(label, path) of each page the benchmark measures."""
    from django.urls import reverse

    from demo.campaigns import CAMPAIGN_SLUG
    from demo.shop_scale import SKU_PREFIX
    from shop.models import Product

    product = (
        Product.objects.filter(variants__sku=f"{SKU_PREFIX}00000-0").first()
        or Product.objects.active().order_by("pk").first()
    )
    pages = [
        ("home", reverse("home")),
        ("campaign", reverse("campaigns:campaign-detail", args=[CAMPAIGN_SLUG])),
        ("shop list", reverse("shop:product-list")),
    ]
    if product is not None:
        pages.append(("product", product.get_absolute_url()))
    pages += [
        ("the home", reverse("the-home")),
        ("get help", reverse("get-help")),
        ("cart", reverse("shop:cart")),
    ]
    return pages


def asset_bytes(url: str) -> dict[str, int]:
    """What WhiteNoise sends for one static file: brotli to a browser that
    accepts it, else gzip, else the file itself."""
    from django.conf import settings

    path = Path(settings.STATIC_ROOT) / url.removeprefix(
        settings.STATIC_URL.rstrip("/") + "/"
    )
    raw = path.stat().st_size
    sizes = {"raw": raw}
    for suffix, key in ((".br", "br"), (".gz", "gz")):
        compressed = path.with_name(path.name + suffix)
        sizes[key] = compressed.stat().st_size if compressed.exists() else raw
    return sizes


def measure(label: str, path: str) -> dict[str, Any]:
    from http.cookies import SimpleCookie

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # One client for every request, as one server process answers them all: a
    # new client builds the middleware again, and WhiteNoise's reads the whole
    # static folder then, which a real server does once at start-up. Its cookies
    # are emptied before each request, so each is a first-time visitor.
    client = Client()

    def visit() -> Any:
        client.cookies = SimpleCookie()
        return client.get(path)

    visit()  # the first visit fills caches and makes image renditions
    with CaptureQueriesContext(connection) as queries:
        response = visit()
    # Read now: the next request empties the connection's query log.
    query_count = len(queries)
    sql_ms = round(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
    times = []
    for _ in range(TIMED):
        started = time.perf_counter()
        visit()
        times.append(time.perf_counter() - started)
    html = response.content
    assets = {"raw": 0, "br": 0, "gz": 0}
    urls = list(dict.fromkeys(match.decode() for match in ASSET.findall(html)))
    for url in urls:
        for key, size in asset_bytes(url).items():
            assets[key] += size
    return {
        "label": label,
        "path": path,
        "status": response.status_code,
        "queries": query_count,
        "sql_ms": sql_ms,
        "ms": round(statistics.median(times) * 1000),
        "x_cache": response.headers.get("X-Cache", ""),
        "html": len(html),
        "html_gz": len(gzip.compress(html, compresslevel=GZIP_LEVEL)),
        "html_br": len(brotli.compress(html, quality=BROTLI_QUALITY)),
        "assets": len(urls),
        "assets_raw": assets["raw"],
        "assets_br": assets["br"],
        "assets_gz": assets["gz"],
    }


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redeeming_hope.settings")
    import django

    django.setup()
    from django.templatetags.static import static

    result = {
        "static": static("css/site.css"),
        "pages": [measure(label, path) for label, path in public_pages()],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
