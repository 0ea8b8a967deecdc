"""Where pages are kept: the shared cache (Django's, CACHE_URL), this
process's own copies, the public pages' version that invalidates them all, and
values kept under that version (`public_value`)."""

import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger("core.pagecache")


def _release() -> str:
    """What this release's pages are stored under, so that during and after a
    deploy no server serves a page rendered by other code (pointing at static
    files another release collected): RELEASE_ID when the deploy sets one (e.g. the
    commit), else a digest of the collected static files' manifest, else ""."""
    release = str(getattr(settings, "RELEASE_ID", "") or "")
    if release:
        return release[:40]
    manifest = Path(settings.STATIC_ROOT or ".") / "staticfiles.json"
    try:
        return hashlib.sha256(manifest.read_bytes()).hexdigest()[:12]
    except OSError:
        return ""


RELEASE = _release()
VERSION_KEY = f"pagecache:{RELEASE}:version"
PAGE_PREFIX = f"pagecache:{RELEASE}:page:"
VALUE_PREFIX = f"pagecache:{RELEASE}:value:"


@dataclass(frozen=True)
class Entry:
    """A stored page: bytes, with CSRF_SLOT and fragment template names
    where each visitor's own parts go."""

    version: str
    expires_at: float
    status: int
    headers: tuple[tuple[str, str], ...]
    charset: str
    parts: tuple[bytes | str, ...]


def enabled() -> bool:
    return bool(getattr(settings, "PAGE_CACHE_ENABLED", True))


def seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 300))


def backend() -> BaseCache:
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


def now() -> float:
    return time.time()


def _new_version() -> str:
    return secrets.token_hex(8)


# ---------------------------------------------------------------------------
# Invalidation and values kept under the pages' version
# ---------------------------------------------------------------------------
def invalidate_public_pages() -> None:
    """Forget every stored public page (and value kept by `public_value`).

    Replaces the version (a random value: one atomic `set`, and nothing from an
    earlier version can match it again, even after the key was evicted). Never
    raises: with the cache down, pages expire on their own.
    """
    version = _new_version()
    _note_version(version)
    try:
        backend().set(VERSION_KEY, version, timeout=None)
    except Exception:
        logger.exception("Could not invalidate the public pages' cache.")


def invalidate_public_pages_on_commit(*args: Any, **kwargs: Any) -> None:
    """For signal handlers: invalidate now and once more after the transaction
    commits. The first stops this process serving what it just changed (and
    keeps tests, whose transactions never commit, honest); the second drops a
    page another request rendered from the old rows and stored meanwhile."""
    invalidate_public_pages()
    transaction.on_commit(invalidate_public_pages, robust=True)


def invalidate_on_change(*models: type[Model]) -> None:
    """Invalidate the public pages whenever a row of these models is saved or
    deleted (and when a many-to-many field of theirs changes). For each app's
    `signals.py`. Writes made with `QuerySet.update()` send no signal: call
    `invalidate_public_pages_on_commit()` after them."""
    for model in models:
        uid = f"pagecache:{model._meta.label}"
        post_save.connect(
            invalidate_public_pages_on_commit, sender=model, dispatch_uid=uid
        )
        post_delete.connect(
            invalidate_public_pages_on_commit, sender=model, dispatch_uid=uid
        )
        for m2m in model._meta.many_to_many:
            m2m_changed.connect(
                invalidate_public_pages_on_commit,
                sender=m2m.remote_field.through,
                dispatch_uid=f"{uid}.{m2m.name}",
            )


def _read_version(cache: BaseCache, found: Mapping[str, Any]) -> str:
    version = found.get(VERSION_KEY)
    if isinstance(version, str):
        return version
    version = _new_version()
    if cache.add(VERSION_KEY, version, timeout=None):
        return version
    return str(cache.get(VERSION_KEY, version))


def public_value[T](name: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept in the cache until the public pages change (or for
    PAGE_CACHE_SECONDS): for figures several pages show, such as the Home
    fund's progress, so a page rendered on a miss does not recompute them.
    Computed afresh when the cache is off or fails."""
    if not enabled():
        return compute()
    key = VALUE_PREFIX + name
    try:
        cache = backend()
        found = cache.get_many([VERSION_KEY, key])
        version = _read_version(cache, found)
        kept = found.get(key)
        if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == version:
            value: T = kept[1]
            return value
    except Exception:
        logger.warning("Page cache unavailable: computing %s afresh.", name)
        return compute()
    value = compute()
    try:
        cache.set(key, (version, value), timeout=seconds())
    except Exception:
        logger.warning("Page cache unavailable: %s not kept.", name)
    return value


# ---------------------------------------------------------------------------
# Pages: the shared cache and this process's copies
# ---------------------------------------------------------------------------
# This process's copies of pages it stored or fetched, checked against the
# shared version on each use: a hit then reads only the version (a few bytes)
# from a shared cache such as Redis, not the page.
_LOCAL: dict[str, Entry] = {}


_LOCAL_MAX = 200


def _remember(key: str, entry: Entry) -> None:
    _LOCAL.pop(key, None)
    _LOCAL[key] = entry
    while len(_LOCAL) > _LOCAL_MAX:
        try:
            del _LOCAL[next(iter(_LOCAL))]  # the oldest
        except (KeyError, RuntimeError, StopIteration):  # another thread's
            break


def _fresh(entry: object, version: str) -> bool:
    return (
        isinstance(entry, Entry)
        and entry.version == version
        and entry.expires_at > now()
    )


# The version this process last read or set, and when (time.monotonic()).
_KNOWN: dict[str, Any] = {"version": "", "at": 0.0}


def _note_version(version: str) -> None:
    _KNOWN.update(version=version, at=time.monotonic())


def _recent_version() -> str | None:
    """The version read less than PAGE_CACHE_RECHECK_SECONDS ago, if any."""
    seconds = float(getattr(settings, "PAGE_CACHE_RECHECK_SECONDS", 0))
    if _KNOWN["version"] and time.monotonic() - _KNOWN["at"] < seconds:
        return str(_KNOWN["version"])
    return None


def lookup(key: str) -> tuple[str, Entry | None]:
    """The current version and the page stored under it, if any. One cache
    round trip, for the version alone when this process holds the page; none
    when it also read the version less than PAGE_CACHE_RECHECK_SECONDS ago (so
    a change made through another process shows here that much later)."""
    cache = backend()
    local = _LOCAL.get(key)
    if local is not None:
        recent = _recent_version()
        version = recent or cache.get(VERSION_KEY)
        if isinstance(version, str) and recent is None:
            _note_version(version)
        if isinstance(version, str) and _fresh(local, version):
            return version, local
        _LOCAL.pop(key, None)
    found = cache.get_many([VERSION_KEY, key])
    version = _read_version(cache, found)
    _note_version(version)
    entry = found.get(key)
    if isinstance(entry, Entry) and _fresh(entry, version):
        _remember(key, entry)
        return version, entry
    return version, None


def save(key: str, entry: Entry) -> None:
    """Keep a page in the shared cache and in this process. Never raises."""
    try:
        backend().set(key, entry, timeout=seconds())
        _remember(key, entry)
    except Exception as error:
        logger.warning("Page cache unavailable, page not kept: %s", error)


def forget_process_copies() -> None:
    """Drop this process's copies of pages and of the version (tests do, when
    they empty the cache)."""
    _LOCAL.clear()
    _note_version("")
