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


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright():
    """Let tests use the ORM while Playwright's event loop runs in this thread.

    Playwright's sync API runs an asyncio loop in the main thread from its first use
    until the end of the session, and Django refuses database calls in a thread with
    a running loop. Nothing async touches the database here (the live server has its
    own thread, with no loop), so the check is switched off for exactly that span:
    this fixture is set up before the first browser test (session fixtures, autouse
    first) and torn down after Playwright stops. Unit tests that run in a process
    with no browser test (most xdist workers, `pytest -m "not e2e"`) keep the check.
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
