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


@pytest.mark.django_db(transaction=True)
def test_overview_fits_a_phone(live_server, personas: Personas, browser_page) -> None:  # type: ignore[no-untyped-def]
    """On a 390 px phone the indicator tiles, two to a row, wrap their long names instead of
    pushing the page wider than the screen (a name such as 空缺超过6个月的中层岗位占比 on one
    line is wider than half of it)."""
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", personas.org.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=headcount]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('.indicator')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= 390
