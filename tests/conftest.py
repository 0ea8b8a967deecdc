"""Shared test setup: isolated media, fast hashing (email is in memory by default)."""

import pytest

pytest_plugins = ["tests.payments.fixtures"]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
