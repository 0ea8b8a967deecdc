"""The cache-based rate limiter: fixed windows, atomic counting, a friendly 429."""

import threading

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.test import RequestFactory

from core.privacy_logging import ip_fingerprint
from core.ratelimit import (
    Rate,
    Verdict,
    parse_rate,
    ratelimit_hit,
    ratelimit_request,
    ratelimit_visitor_and_ip,
    too_many_requests,
)

T0 = 1_800_000_000.0  # a window boundary for 60 s windows (divisible by 600)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    "text, count, seconds",
    [("5/m", 5, 60), ("20/10m", 20, 600), ("1/s", 1, 1), ("100/d", 100, 86400)],
)
def test_parse_rate(text, count, seconds):
    assert parse_rate(text) == Rate(count=count, seconds=seconds)


@pytest.mark.parametrize("text", ["", "5", "5/", "x/m", "5/0m", "5/w", "-1/m"])
def test_parse_rate_refuses_nonsense(text):
    with pytest.raises(ValueError):
        parse_rate(text)


def test_the_limit_allows_count_then_refuses_until_the_window_ends():
    rate = Rate(count=3, seconds=60)
    verdicts = [
        ratelimit_hit(scope="t", key="k", rate=rate, now=T0 + i) for i in range(4)
    ]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert verdicts[3].retry_after == 57  # the window ends at T0 + 60
    # The next window starts afresh.
    assert ratelimit_hit(scope="t", key="k", rate=rate, now=T0 + 60).allowed


def test_keys_and_scopes_count_apart():
    rate = Rate(count=1, seconds=60)
    assert ratelimit_hit(scope="t", key="a", rate=rate, now=T0).allowed
    assert ratelimit_hit(scope="t", key="b", rate=rate, now=T0).allowed
    assert ratelimit_hit(scope="u", key="a", rate=rate, now=T0).allowed
    assert not ratelimit_hit(scope="t", key="a", rate=rate, now=T0).allowed


def test_odd_keys_are_fine():
    rate = Rate(count=1, seconds=60)
    for key in ("2001:db8::1", "a b\x00c", "é" * 500):
        assert ratelimit_hit(scope="t", key=key, rate=rate, now=T0).allowed
        assert not ratelimit_hit(scope="t", key=key, rate=rate, now=T0).allowed


def test_no_key_is_never_limited():
    rate = Rate(count=0, seconds=60)
    assert ratelimit_hit(scope="t", key="", rate=rate, now=T0).allowed


def test_concurrent_hits_are_counted_exactly():
    rate = Rate(count=10, seconds=3600)
    allowed = []
    barrier = threading.Barrier(20)

    def hit() -> None:
        barrier.wait(timeout=10)
        allowed.append(ratelimit_hit(scope="t", key="k", rate=rate, now=T0).allowed)

    threads = [threading.Thread(target=hit) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 10 and allowed.count(False) == 10


def test_a_broken_cache_never_locks_visitors_out(monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "add", down)
    rate = Rate(count=0, seconds=60)
    assert ratelimit_hit(scope="t", key="k", rate=rate, now=T0).allowed


def test_visitor_and_ip_limits_both_count():
    per_visitor, per_ip = Rate(count=2, seconds=60), Rate(count=3, seconds=600)

    def hit(visitor: str) -> Verdict:
        return ratelimit_visitor_and_ip(
            scope="s",
            visitor=visitor,
            ip="192.0.2.1",
            per_visitor=per_visitor,
            per_ip=per_ip,
            now=T0,
        )

    assert hit("a").allowed and hit("a").allowed
    refused = hit("a")
    assert not refused.allowed and refused.retry_after == 60
    # A new visitor from the same address: that was the address's third try.
    refused = hit("b")
    assert not refused.allowed and refused.retry_after == 600


@pytest.mark.django_db
def test_the_429_page_says_when_to_try_again():
    request = RequestFactory().post("/shop/checkout/")
    response = too_many_requests(request, Verdict(allowed=False, retry_after=125))
    assert response.status_code == 429
    assert response["Retry-After"] == "125"
    html = response.content.decode()
    assert "Too many tries" in html
    assert "try again in about 3 minutes" in html
    assert "Nothing was charged" in html
    assert "data-quick-exit-button" in html  # Quick exit is still there


def test_a_refusal_logs_a_keyed_hash_not_the_address(caplog):
    rate = Rate(count=0, seconds=60)
    with caplog.at_level("WARNING", logger="core.ratelimit"):
        verdict = ratelimit_visitor_and_ip(
            scope="s",
            visitor="session-key-1",
            ip="2001:db8::7",
            per_visitor=rate,
            per_ip=rate,
            now=T0,
        )
    assert not verdict.allowed
    [record] = caplog.records
    assert "2001:db8::7" not in record.getMessage()
    assert "session-key-1" not in record.getMessage()
    assert ip_fingerprint("2001:db8::7") in record.getMessage()


@pytest.mark.django_db
def test_ratelimit_request_limits_the_session_and_the_address():
    factory = RequestFactory()

    def attempt(session, ip="192.0.2.1"):
        request = factory.post("/", REMOTE_ADDR=ip)
        request.session = session
        return ratelimit_request(request, scope="r", per_visitor="1/m", per_ip="3/m")

    first, second = SessionStore(), SessionStore()
    first.create()
    second.create()
    assert attempt(first) is None
    refused = attempt(first)
    assert refused is not None and refused.status_code == 429
    assert attempt(second) is None  # the address's third try (refusals count)
    newcomer = SessionStore()
    assert attempt(newcomer).status_code == 429  # the address's fourth
    assert not newcomer.session_key  # no session is made just to be counted
    # Without a visitor rate, only the address counts.
    request = factory.get("/", REMOTE_ADDR="192.0.2.9")
    request.session = SessionStore()
    assert ratelimit_request(request, scope="ip-only", per_ip="1/m") is None
    assert not request.session.session_key  # no session made for nothing


def test_a_browser_without_a_session_is_counted_by_its_csrf_cookie():
    """Donors have no session (nothing is kept for them before they pay): the
    CSRF cookie their form gave them identifies the browser."""
    factory = RequestFactory()

    def attempt(csrf_cookie, ip):
        request = factory.post("/", REMOTE_ADDR=ip)
        request.COOKIES["csrftoken"] = csrf_cookie
        request.session = SessionStore()
        return ratelimit_request(
            request, scope="browser", per_visitor="1/m", per_ip="100/m"
        )

    assert attempt("a" * 32, "192.0.2.20") is None
    assert attempt("a" * 32, "192.0.2.21").status_code == 429  # same browser
    assert attempt("b" * 32, "192.0.2.20") is None  # another browser
