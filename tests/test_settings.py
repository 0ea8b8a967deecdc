"""Start-up behaviour, checked in fresh processes with controlled environments."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3y-for-the-deploy-check-" + "x7Qp2Lm9" * 6,
    "ALLOWED_HOSTS": "redeeminghope.org",
    "HTTPS": "1",
    "STATIC_STORAGE": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    "EMAIL_URL": "smtp+tls://mailer:password@smtp.example.org:587",
    "ORGANIZATION_EIN": "12-3456789",
}
# Variables that would leak the test run's own configuration into the child.
_STRIP = {*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE", "TASKS_BACKEND"}


def manage(
    *args: str, env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess:
    child_env = {k: v for k, v in os.environ.items() if k not in _STRIP}
    # Always a throw-away SQLite file: these checks are about start-up, not data.
    child_env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    child_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_in_production(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=PRODUCTION,
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing, tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr


def test_debug_is_off_by_default(tmp_path):
    env = dict(PRODUCTION)
    del env["DEBUG"]
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        env=env,
        tmp_path=tmp_path,
    )
    assert result.stdout.strip() == "False", result.stderr


def test_sqlite_writers_queue_instead_of_failing(tmp_path):
    """Eight threads write at once to a file database; none gets 'locked'."""
    script = """
import threading
from django.core.management import call_command
from django.db import connection, transaction
from pages.models import Page
call_command("migrate", verbosity=0)
before = Page.objects.count()  # the pages migrations create (privacy)
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    print("journal", cursor.fetchone()[0])
errors = []
def write(n):
    try:
        for i in range(15):
            with transaction.atomic():
                count = Page.objects.count()
                Page.objects.create(title="t", slug=f"p-{n}-{i}", meta_description="d",
                                    body=str(count))
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connection.close()
threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
[t.start() for t in threads]
[t.join() for t in threads]
print("errors", errors)
print("pages", Page.objects.count() - before)
"""
    env = {"DEBUG": "1"}
    result = manage("shell", "--no-imports", "-c", script, env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "journal wal" in result.stdout
    assert "errors []" in result.stdout, result.stdout
    assert "pages 120" in result.stdout
