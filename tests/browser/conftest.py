"""Browser fixtures: Debian's chromium driven through Playwright, and signing in."""

import os
import shutil

import pytest
from django.db import connections

from tests.factories import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason="Debian's chromium is not installed (apt-get install chromium)",
    ),
]


@pytest.fixture
def browser_page():  # type: ignore[no-untyped-def]
    # Playwright's sync API runs an event loop; Django's async-safety check must allow ORM calls
    # from the test thread meanwhile.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        yield page
        browser.close()
        # While that loop runs, asgiref's Local sees an async thread and gives the test's ORM
        # calls connections of their own, apart from the thread's; they are out of reach once
        # the loop stops, and an open one keeps PostgreSQL's test database from being dropped
        # at the end of the run. Closed here, while they can still be reached.
        connections.close_all()


def sign_in(page, base_url: str, username: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the login form with the factories' password."""
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
