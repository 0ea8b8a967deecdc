"""Running the same work in several threads at the same moment, each with its
own database connection, for the tests that must see real row locks."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

# These tests need PostgreSQL's row locks (SQLite serializes every writer).
POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL row locks: run with "
    "DATABASE_URL=postgres://... to include it",
)


def race(work: Callable[[int], str], *, threads: int) -> list[str]:
    """Call `work(n)` for n in range(threads), all released at once; return
    what each said, in the order they finished. An unexpected exception is
    reported as "error: ..." so the test's assertion shows it."""
    barrier = threading.Barrier(threads)
    results: list[str] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcome = work(n)
        except Exception as error:  # noqa: BLE001 - reported in the assertion
            outcome = f"error: {error!r}"
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    started = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join(timeout=60)
    return results
