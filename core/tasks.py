"""
Background tasks (Django's tasks framework): retries, and recovery from a worker
that died mid-task.

Neither Django 6.1's `django.tasks` nor django-tasks-db (0.13) retries a failed
task, and django-tasks-db leaves a task whose worker was killed "running" forever.
So:

- `task_retry_later` queues a failed task again with a growing delay, up to
  TASKS_MAX_ATTEMPTS attempts in all. The task passes its own `attempt` number
  along; the retry is a new task row, so the failed one keeps its traceback for
  staff. Backends that cannot defer (the immediate one of development and tests)
  do not retry: the failure is logged and flagged as before.
- `tasks_requeue_stuck` puts back in the queue the tasks still "running" long
  after they started (TASKS_STUCK_AFTER_SECONDS): their worker is gone. The
  `tasks_worker` command (db_worker plus this sweep) runs it every minute, and
  `manage.py tasks_requeue_stuck` runs it once (for cron).

Tasks must therefore be safe to run twice: each email task re-reads its row and
checks the row's "sent" mark, under a row lock where the database has them
(`locked_for_send`). An app declares its email tasks with `@email_task`.
"""

import functools
import inspect
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django.tasks import Task, task
from django.tasks.base import TaskResultStatus
from django.utils import timezone

logger = logging.getLogger(__name__)


class EmailNotSent(Exception):
    """Raised by an email task whose send failed, so that the task is recorded
    as failed (and retried)."""


def enqueue_on_commit(task: Task, **kwargs: Any) -> None:
    """Queue `task` once the current transaction commits (at once outside one):
    the task reads rows this transaction writes. A failure to queue is logged and
    never undoes what committed."""

    def enqueue() -> None:
        task.enqueue(**kwargs)

    transaction.on_commit(enqueue, robust=True)


def retry_delay(attempt: int) -> timedelta:
    """The wait before attempt `attempt + 1`: the base delay, then four times
    longer each time."""
    return timedelta(seconds=settings.TASKS_RETRY_DELAY_SECONDS * 4 ** (attempt - 1))


def task_retry_later(task: Task, *, attempt: int, **kwargs: Any) -> bool:
    """Queue `task(**kwargs, attempt=attempt + 1)` after a delay. False when the
    attempts are used up or the backend runs tasks at once (it cannot wait)."""
    if attempt >= settings.TASKS_MAX_ATTEMPTS:
        logger.error("%s failed %s times; giving up (%s).", task.name, attempt, kwargs)
        return False
    if not task.get_backend().supports_defer:
        return False
    run_after = timezone.now() + retry_delay(attempt)
    task.using(run_after=run_after).enqueue(**kwargs, attempt=attempt + 1)
    logger.warning(
        "%s failed (attempt %s); trying again after %s.", task.name, attempt, run_after
    )
    return True


def run_email_task(
    task: Task, send: Callable[[], bool], *, attempt: int, **kwargs: Any
) -> str:
    """The body of every email task: send, and on failure queue a retry and
    raise (the task is recorded as failed). Returns "sent" or "not needed"."""
    try:
        sent = send()
    except EmailNotSent:
        task_retry_later(task, attempt=attempt, **kwargs)
        raise
    except ObjectDoesNotExist:  # erased since it was queued (a privacy request)
        logger.info("%s: nothing to send any more (%s).", task.name, kwargs)
        return "gone"
    return "sent" if sent else "not needed"


def email_task[**P](send: Callable[P, bool]) -> Task[P, str]:
    """Decorator: make `send` an email task. `send` is a module-level function
    of ids (plain values), sends one email, returns whether it sent anything
    (False when it was sent already) and raises EmailNotSent when the send
    fails. The task runs it through `run_email_task`: a failed send is tried
    again later, an erased row ends the task. It keeps `send`'s name and module
    (the worker finds it by them) and takes `send`'s arguments, plus `attempt`
    (1 the first time) when it retries itself."""
    signature = inspect.signature(send)
    send_by_name: Callable[..., bool] = send

    @functools.wraps(send)
    def run(*args: Any, attempt: int = 1, **kwargs: Any) -> str:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        arguments = bound.arguments
        return run_email_task(
            the_task, lambda: send_by_name(**arguments), attempt=attempt, **arguments
        )

    the_task: Task[..., str] = task()(run)
    return cast(Task[P, str], the_task)


@contextmanager
def locked_for_send() -> Iterator[None]:
    """Around "check the sent mark, send, set the mark": a transaction, so that a
    `select_for_update()` inside makes a second run of the same email wait and
    then find it sent. Only where the database locks rows (PostgreSQL); SQLite
    would lock the whole database for the length of the send, and there one
    worker claims each task anyway."""
    if connection.features.has_select_for_update:
        with transaction.atomic():
            yield
    else:
        yield


def tasks_requeue_stuck(*, older_than: timedelta | None = None) -> int:
    """Queue again the tasks still marked running `older_than` (default
    TASKS_STUCK_AFTER_SECONDS) after they started: their worker died. Returns
    how many. Safe to run any time, from several processes."""
    from django_tasks_db.models import DBTaskResult

    if older_than is None:
        older_than = timedelta(seconds=settings.TASKS_STUCK_AFTER_SECONDS)
    if older_than <= timedelta(0):
        raise ValueError("older_than must be positive.")
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        count = DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING, started_at__lt=cutoff
        ).update(status=TaskResultStatus.READY)
    if count:
        logger.warning("Queued again %s task(s) whose worker stopped.", count)
    return count
