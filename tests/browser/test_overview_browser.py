"""A real browser signs in and sees the overview with its charts."""

import os

import pytest

from tests.browser.conftest import BROWSER_MARKS
from tests.conftest import Personas
from tests.factories import PASSWORD

pytestmark = BROWSER_MARKS


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
