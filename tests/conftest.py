"""Shared test setup: isolated media, fast hashing (email is in memory by default)."""

import os

import pytest
from django.core.cache import cache

from core import pagecache
from core.images import forget_process_pictures

pytest_plugins = ["tests.payments.fixtures"]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _django_async_safety_check_is_on(request):
    """Only browser tests may run with Django's async-safety check off (see
    tests/e2e/conftest.py); every other test keeps it, so sync database calls made
    from async code fail here as they would in production."""
    if request.node.get_closest_marker("e2e") is None:
        assert not os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE"), (
            "DJANGO_ALLOW_ASYNC_UNSAFE is set for a test that is not a browser test"
        )


@pytest.fixture(autouse=True)
def _no_cached_pages():
    """Each test starts with an empty cache: no page cached (core.pagecache), no
    rate-limit count, left by an earlier test in the same worker."""
    cache.clear()
    pagecache.forget_process_copies()
    forget_process_pictures()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _page_cache_off_when_counting_queries(request, settings):
    """A test that counts queries measures rendering a page, so it gets the page
    cache (core.pagecache) off; tests of the cache itself say `page_cache`."""
    counting = {"django_assert_num_queries", "django_assert_max_num_queries"}
    if counting & set(request.fixturenames) and not request.node.get_closest_marker(
        "page_cache"
    ):
        settings.PAGE_CACHE_ENABLED = False
