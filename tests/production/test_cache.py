"""core.cache.FailSoftRedisCache: a real Redis behaves as Django's cache; a Redis
that is down is an empty cache, costs one attempt per pause, and is logged once."""

import logging

import pytest

from core.cache import FailSoftRedisCache
from core.ratelimit import Rate, ratelimit_hit
from tests.production.servers import (
    closed_port_url,
    delete_prefixed,
    key_prefix,
    require_redis,
)


def make_cache(location: str, prefix: str = "", **options) -> FailSoftRedisCache:
    return FailSoftRedisCache(
        location,
        {
            "KEY_PREFIX": prefix,
            "OPTIONS": {
                "socket_connect_timeout": 0.25,
                "socket_timeout": 0.5,
                "down_retry_seconds": 5,
                **options,
            },
        },
    )


@pytest.fixture
def live():
    url, prefix = require_redis(12), key_prefix()
    cache = make_cache(url, prefix)
    yield cache
    delete_prefixed(url, prefix)


@pytest.fixture
def down():
    return make_cache(closed_port_url())


def test_a_live_redis_is_an_ordinary_cache(live):
    live.set("a", {"x": 1}, 30)
    assert live.get("a") == {"x": 1}
    assert live.add("a", 2) is False
    assert live.add("b", 1) is True
    assert live.incr("b") == 2
    assert live.get_many(["a", "b", "c"]) == {"a": {"x": 1}, "b": 2}
    assert live.set_many({"c": 3, "d": 4}) == []
    assert live.delete("a") is True
    assert live.get("a", "gone") == "gone"
    assert live.has_key("c")


def test_incr_of_a_missing_key_raises_as_django_says(live, down):
    with pytest.raises(ValueError):
        live.incr("never-set")
    with pytest.raises(ValueError):
        down.incr("never-set")


def test_a_redis_that_is_down_is_an_empty_cache(down):
    assert down.get("a") is None
    assert down.get("a", "default") == "default"
    assert down.add("a", 1) is False
    assert down.set("a", 1) is None
    assert down.delete("a") is False
    assert down.has_key("a") is False
    assert down.touch("a") is False
    assert down.get_many(["a", "b"]) == {}
    assert down.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert down.delete_many(["a"]) is None
    assert down.clear() is None
    assert down.get_or_set("a", lambda: "computed") == "computed"
    assert down.is_down


def test_after_a_failure_redis_is_left_alone_for_a_while(down, monkeypatch):
    down.get("a")  # fails, and starts the pause
    calls = []
    real = down._cache.get_client

    def counted_get_client(*a, **k):
        calls.append(a)
        return real(*a, **k)

    monkeypatch.setattr(down._cache, "get_client", counted_get_client)
    for _ in range(20):
        assert down.get("a") is None
    assert calls == []  # not one connection attempt during the pause
    down._down_until = 0  # the pause is over: it tries again
    down.get("a")
    assert len(calls) == 1


def test_a_redis_that_is_down_is_logged_once_in_a_while(down, caplog):
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        for _ in range(5):
            down._down_until = 0
            down.get("a")
    assert len(caplog.records) == 1
    assert "unavailable" in caplog.records[0].getMessage()


def test_rate_limits_allow_when_redis_is_down(down, monkeypatch):
    monkeypatch.setattr("core.ratelimit.cache", down)
    rate = Rate(count=1, seconds=60)
    verdicts = [ratelimit_hit(scope="t", key="k", rate=rate) for _ in range(3)]
    assert all(verdict.allowed for verdict in verdicts)


def test_rate_limits_count_in_a_live_redis(live, monkeypatch):
    monkeypatch.setattr("core.ratelimit.cache", live)
    rate = Rate(count=2, seconds=60)
    verdicts = [
        ratelimit_hit(scope="t", key="k", rate=rate, now=1000.0) for _ in range(3)
    ]
    assert [verdict.allowed for verdict in verdicts] == [True, True, False]


def test_the_settings_choose_it_for_redis_urls(tmp_path):
    from tests.test_settings import PRODUCTION, manage

    script = (
        "from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.SESSION_ENGINE, "
        "s.CACHES['default']['OPTIONS']['socket_connect_timeout'])"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        script,
        env={**PRODUCTION, "CACHE_URL": "rediss://cache.example.org:6380/1"},
        tmp_path=tmp_path,
    )
    assert result.stdout.split() == [
        "core.cache.FailSoftRedisCache",
        "django.contrib.sessions.backends.cached_db",
        "0.25",
    ], result.stderr


def test_writes_missed_while_redis_was_out_of_reach_are_not_served_stale(live):
    """A session saved while Redis was unreachable must not come back old."""
    live.set("session", "old", 60)
    working_location = live._cache._servers
    live._cache._servers = [closed_port_url()]  # out of reach
    live._cache._pools.clear()
    live.set("session", "new", 60)  # fails: Redis still holds "old"
    live.delete("page")
    live._cache._servers = working_location  # back
    live._cache._pools.clear()
    live._down_until = 0
    assert live.get("session") is None  # a miss (read from the database), not "old"
    assert live._unsynced == set()
