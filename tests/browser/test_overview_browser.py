"""A real browser signs in and sees the overview with its charts."""

import os
import shutil

import pytest

from tests.conftest import Personas
from tests.factories import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
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


@pytest.mark.django_db(transaction=True)
def test_sign_in_and_see_overview(live_server, personas: Personas, browser_page) -> None:  # type: ignore[no-untyped-def]
    """The organization department signs in and the overview shows its figures and a chart."""
    page = browser_page
    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url
    page.fill("#id_username", personas.org.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=headcount]")
    assert page.inner_text("[data-testid=headcount]") == "2"
    assert "队伍概览" in page.inner_text("h1")
    page.wait_for_selector("[data-chart] canvas")
    screenshot = os.environ.get("ZHONGJIAN_SCREENSHOT")
    if screenshot:
        page.screenshot(path=screenshot, full_page=True)
