"""
A Redis cache that fails soft: when Redis is down, slow or refusing, the site keeps
serving as if the cache were empty.

Django's own RedisCache raises redis-py's errors into the page, so a Redis outage
becomes a 500 on every page that reads the cache (renditions, rate limits, the page
cache). Here every call that fails with a Redis or socket error behaves as a miss
(`get` returns the default, `add` and `has_key` are False, `set` does nothing), is
logged at most once a minute per process, and Redis is then left alone for
`down_retry_seconds` (OPTIONS; CACHE_DOWN_RETRY_SECONDS) so that a dead Redis costs
one short connection attempt every few seconds rather than one per call. The short
socket timeouts (`socket_connect_timeout`, `socket_timeout`) are redis-py's own
connection options, which Django passes through OPTIONS to the connection pool.

A write that fails (`set`, `delete`, and their `_many` forms) may leave an older
value in a Redis that was only out of reach: a session saved, or a page invalidated,
during the outage would come back stale. So the process remembers those keys (up to
MAX_UNSYNCED) and deletes them first thing once Redis answers again; with
cached_db sessions the database copy is then read.

`incr` keeps Django's contract: a missing key raises ValueError, and so does an
unreachable Redis (the key cannot be found), which the rate limits read as "a new
window" and allow.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# What an unreachable or misbehaving Redis raises (socket errors are OSError).
CACHE_ERRORS = (RedisError, OSError)
# At most one log line per process in this many seconds while Redis is down.
LOG_EVERY_SECONDS = 60.0
# Keys whose write failed, remembered to be deleted once Redis is back.
MAX_UNSYNCED = 10_000


class FailSoftRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self.down_retry_seconds = float(options.pop("down_retry_seconds", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._down_until = 0.0
        self._last_logged = 0.0
        self._suppressed = 0
        self._unsynced: set[str] = set()
        self._lock = threading.Lock()

    # -- the guard ---------------------------------------------------------------
    def _call(
        self,
        operation: str,
        call: Callable[[], T],
        fallback: T,
        *,
        writes: Iterable[Any] = (),
        version: int | None = None,
    ) -> T:
        if time.monotonic() < self._down_until:
            self._remember(writes, version)
            return fallback
        try:
            if self._unsynced:
                self._forget_unsynced()
            return call()
        except CACHE_ERRORS as error:
            self._remember(writes, version)
            self._failed(operation, error)
            return fallback

    def _remember(self, keys: Iterable[Any], version: int | None) -> None:
        made = [self.make_key(key, version=version) for key in keys]
        if not made:
            return
        with self._lock:
            room = MAX_UNSYNCED - len(self._unsynced)
            self._unsynced.update(made[: max(room, 0)])
        if len(made) > room:
            logger.warning(
                "More than %s cache writes failed: some entries may be stale "
                "until they expire.",
                MAX_UNSYNCED,
            )

    def _forget_unsynced(self) -> None:
        with self._lock:
            keys, self._unsynced = list(self._unsynced), set()
        try:
            self._cache.delete_many(keys)
        except CACHE_ERRORS:
            with self._lock:
                self._unsynced.update(keys)
            raise

    def _failed(self, operation: str, error: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            self._down_until = now + self.down_retry_seconds
            if now - self._last_logged < LOG_EVERY_SECONDS:
                self._suppressed += 1
                return
            suppressed, self._suppressed = self._suppressed, 0
            self._last_logged = now
        logger.warning(
            "The cache (Redis) is unavailable; serving without it for %ss "
            "(%s: %s; %d more failures since the last report).",
            self.down_retry_seconds,
            operation,
            error,
            suppressed,
        )

    @property
    def is_down(self) -> bool:
        """Whether a recent failure has Redis being skipped right now."""
        return time.monotonic() < self._down_until

    # -- the cache API -------------------------------------------------------------
    def add(
        self,
        key: Any,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        return self._call(
            "add",
            lambda: super(FailSoftRedisCache, self).add(key, value, timeout, version),
            False,
        )

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call(
            "get",
            lambda: super(FailSoftRedisCache, self).get(key, default, version),
            default,
        )

    def set(
        self,
        key: Any,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        self._call(
            "set",
            lambda: super(FailSoftRedisCache, self).set(key, value, timeout, version),
            None,
            writes=[key],
            version=version,
        )

    def touch(
        self,
        key: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        return self._call(
            "touch",
            lambda: super(FailSoftRedisCache, self).touch(key, timeout, version),
            False,
        )

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._call(
            "delete",
            lambda: super(FailSoftRedisCache, self).delete(key, version),
            False,
            writes=[key],
            version=version,
        )

    def get_many(
        self, keys: Iterable[Any], version: int | None = None
    ) -> dict[Any, Any]:
        keys = list(keys)
        return self._call(
            "get_many",
            lambda: super(FailSoftRedisCache, self).get_many(keys, version),
            {},
        )

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._call(
            "has_key",
            lambda: super(FailSoftRedisCache, self).has_key(key, version),
            False,
        )

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        missing = object()
        value = self._call(
            "incr",
            lambda: super(FailSoftRedisCache, self).incr(key, delta, version),
            missing,
        )
        if value is missing:
            raise ValueError(f"Key {key!r} not found (the cache is unavailable).")
        return int(value)  # type: ignore[call-overload]

    def set_many(
        self,
        data: dict[Any, Any],
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> list[Any]:
        # Django's contract: the keys that could not be stored.
        return self._call(
            "set_many",
            lambda: super(FailSoftRedisCache, self).set_many(data, timeout, version),
            list(data),
            writes=list(data),
            version=version,
        )

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        keys = list(keys)
        self._call(
            "delete_many",
            lambda: super(FailSoftRedisCache, self).delete_many(keys, version),
            None,
            writes=keys,
            version=version,
        )

    def clear(self) -> None:
        self._call("clear", lambda: super(FailSoftRedisCache, self).clear(), None)
