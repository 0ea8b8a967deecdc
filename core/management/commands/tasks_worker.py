"""
`python manage.py tasks_worker`: django-tasks-db's `db_worker` (same options),
which also queues again, every minute and at start, the tasks a dead worker left
running (`core.tasks.tasks_requeue_stuck`). Run one or more in production.
"""

import logging
import threading
from typing import Any

from django.db import connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from core.tasks import tasks_requeue_stuck

logger = logging.getLogger(__name__)

SWEEP_EVERY_SECONDS = 60.0


def _sweep_forever(stop: threading.Event) -> None:
    while True:
        try:
            tasks_requeue_stuck()
        except Exception:
            logger.exception("Could not look for stuck tasks.")
        finally:
            connection.close()  # this thread's own connection
        if stop.wait(SWEEP_EVERY_SECONDS):
            return


class Command(DbWorkerCommand):
    help = "Run a database task worker that also recovers tasks of dead workers."

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        sweeper = threading.Thread(
            target=_sweep_forever, args=(stop,), name="tasks-sweeper", daemon=True
        )
        sweeper.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
