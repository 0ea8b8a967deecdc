"""
`python manage.py tasks_requeue_stuck`: queue again the background tasks whose
worker died while running them (still "running" TASKS_STUCK_AFTER_SECONDS after
they started). `tasks_worker` does this by itself; run this from cron when the
workers are plain `db_worker`s.
"""

from typing import Any

from django.core.management.base import BaseCommand

from core.tasks import tasks_requeue_stuck


class Command(BaseCommand):
    help = "Queue again the tasks left running by a worker that died."

    def handle(self, *args: Any, **options: Any) -> None:
        count = tasks_requeue_stuck()
        self.stdout.write(f"{count} task(s) queued again.")
