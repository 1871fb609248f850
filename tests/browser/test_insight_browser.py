"""The 组织部 walks the insight workflow in a real browser: dashboard, drill-down to records,
a threshold that raises an alert, time in post and the group risk page."""

import os

import pytest

from tests.browser.conftest import BROWSER_MARKS, sign_in
from tests.insight.conftest import Hand, hand  # noqa: F401 (fixture)

pytestmark = BROWSER_MARKS
SHOTS = os.environ.get("ZHONGJIAN_SCREENSHOTS", "")


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_dashboard_alert_and_analyses(live_server, hand: Hand, browser_page) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Sign in, see the pyramid and the tiles, open the records behind 混编混岗, set a threshold
    and find the alert, open the KM curves."""
    page = browser_page
    sign_in(page, live_server.url, hand.personas.org.username)
    page.wait_for_selector("[data-insight=pyramid] canvas")
    assert page.inner_text("[data-testid=headcount]") == "5"
    _shot(page, "dashboard")
    page.click("[data-code='org.mixed_posting'] a")
    page.wait_for_selector("table")
    assert hand.stuck.name in page.inner_text("table")
    page.goto(f"{live_server.url}/insight/alerts/")
    page.select_option("select[name=code]", "org.mid_vacancy_rate")
    page.fill("input[name=value]", "20")
    page.click("[data-testid=threshold-form] button[type=submit]")
    page.wait_for_selector("[data-testid=alerts]")
    assert "中层职数空缺率" in page.inner_text("[data-testid=alerts]")
    _shot(page, "alerts")
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("[data-testid=alert-banner]")
    page.goto(f"{live_server.url}/insight/time-in-post/")
    page.wait_for_selector("[data-insight=survival] canvas")
    assert "股级" in page.inner_text("[data-testid=medians]")
    _shot(page, "survival")
    if SHOTS:
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{live_server.url}/")
        page.wait_for_selector("[data-insight=pyramid] canvas")
        _shot(page, "dashboard-phone")
