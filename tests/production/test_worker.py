"""
A queued email survives a worker killed in the middle of sending it: the task is
claimed by a `db_worker`, the worker is SIGKILLed mid-send, and `tasks_worker`
(which queues again what dead workers left running) delivers it, exactly once.
Real processes on a database of this test's own (a SQLite file, or PostgreSQL when
DATABASE_URL is PostgreSQL).
"""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.production.servers import (
    ROOT,
    database_url,
    drop_database,
    manage,
    production_env,
)

SETUP = """
from decimal import Decimal
from tests.donations.factories import DonationFactory
from donations.services.receipts import send_donation_receipt
gift = DonationFactory(amount=Decimal("40.00"), receipt_number="R-2026-000777",
                       donor__email="kept@example.org")
send_donation_receipt.enqueue(donation_id=gift.pk)
print(gift.pk)
"""

STATE = """
from django_tasks_db.models import DBTaskResult
from donations.models import Donation
print([row.status for row in DBTaskResult.objects.order_by("enqueued_at")])
print(Donation.objects.get().receipt_sent_at is not None)
"""


def wait_until(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def worker(command: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            command,
            "--interval",
            "0.1",
            "--no-startup-delay",
            "--no-reload",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


@pytest.fixture
def database(tmp_path):
    url = database_url(tmp_path, "worker")
    yield url
    drop_database(url)


def test_an_email_survives_a_worker_killed_mid_send(tmp_path, database):
    mail_dir, markers = tmp_path / "mail", tmp_path / "markers"
    env = production_env(
        database=database,
        DJANGO_SETTINGS_MODULE="tests.production.worker_settings",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        TEST_MAIL_DIR=str(mail_dir),
        SLOW_MAIL_MARKERS=str(markers),
        SLOW_MAIL_SECONDS="120",
        TASKS_STUCK_AFTER_SECONDS="1",
    )
    manage("migrate", "--noinput", env=env)
    manage("shell", "--no-imports", "-c", SETUP, env=env)

    first = worker("db_worker", env, tmp_path / "worker-1.log")
    try:
        wait_until(lambda: markers.exists() and any(markers.iterdir()))
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert not mail_dir.exists() or not any(mail_dir.iterdir())  # nothing sent
    state = manage("shell", "--no-imports", "-c", STATE, env=env).stdout.split("\n")
    assert state[:2] == ["['RUNNING']", "False"]  # left running by a dead worker

    time.sleep(1.5)  # past TASKS_STUCK_AFTER_SECONDS
    second = worker(
        "tasks_worker", {**env, "SLOW_MAIL_SECONDS": "0"}, tmp_path / "worker-2.log"
    )
    try:
        wait_until(lambda: mail_dir.exists() and any(mail_dir.iterdir()))
        state_after = ""
        for _ in range(50):
            state_after = manage("shell", "--no-imports", "-c", STATE, env=env).stdout
            if "SUCCESSFUL" in state_after:
                break
            time.sleep(0.2)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
    assert state_after.split("\n")[:2] == ["['SUCCESSFUL']", "True"], (
        state_after + (tmp_path / "worker-2.log").read_text()
    )

    # Another worker run finds nothing left to send: still one email.
    manage("db_worker", "--batch", "--no-startup-delay", "--no-reload", env=env)
    emails = list(mail_dir.iterdir())
    assert len(emails) == 1
    text = emails[0].read_text()
    subject = "Subject: Your gift to Redeeming Hope: receipt R-2026-000777"
    assert text.count(subject) == 1
    assert "kept@example.org" in text
