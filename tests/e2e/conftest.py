"""
Browser tests: pytest-playwright driving Debian's Chromium (no downloaded browser).

On a developer's machine without Chromium they skip with a message saying how to
install it; in CI (CI=true) a missing Chromium is a failure, so they always run there.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

CHROMIUM = Path("/usr/bin/chromium")
NEUTRAL_PAGE = "<!doctype html><html lang='en'><title>Weather</title><h1>Weather</h1>"


def pytest_collection_modifyitems(items):
    """Browser tests run last, in this process and in every xdist worker.

    Playwright's sync API runs an asyncio event loop in the main thread from the
    first browser test until the end of the session. With the browser tests last,
    no other test ever runs beside that loop: xdist hands out tests in this order,
    so a worker that has started a browser test gets only browser tests after it.
    """
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright():
    """Let the browser tests use the ORM while Playwright's event loop runs.

    Django refuses database calls from a thread with a running event loop, to catch
    async code calling sync code. Here the loop is Playwright's, nothing async
    touches the database (the live server has its own thread, with no loop), so the
    check is switched off for the browser tests only: this fixture starts with the
    first of them, before Playwright (session fixtures, autouse first), and as they
    run last, only browser tests follow it. A process that runs no browser test
    (`pytest -m "not e2e"`, most xdist workers) never sets the variable.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _require_chromium():
    if CHROMIUM.exists():
        return
    message = (
        "Chromium not found at /usr/bin/chromium: install it with "
        "'sudo apt-get install chromium' to run the browser tests."
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(autouse=True)
def _neutral_site_stub(context, settings):
    """Every page's only way off this site is a local stub of the neutral site."""
    context.route(
        settings.QUICK_EXIT_URL + "**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body=NEUTRAL_PAGE
        ),
    )


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def assert_accessible(axe):
    def check(page):
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()

    return check
