"""A real browser runs a projection scenario, saves it and compares it with the trend."""

import pytest

from tests.browser.conftest import BROWSER_MARKS, sign_in
from tests.conftest import Personas
from zhongjian.projection.models import Scenario

pytestmark = BROWSER_MARKS


@pytest.mark.django_db(transaction=True)
def test_run_save_and_compare_scenario(live_server, personas: Personas, browser_page) -> None:  # type: ignore[no-untyped-def]
    """The 组织部 sets levers, sees trend and scenario side by side, saves and compares it."""
    page = browser_page
    sign_in(page, live_server.url, personas.org.username)
    page.goto(f"{live_server.url}/projection/")
    # 预测 sits in the closed 研判·预测 menu, which is marked as the page's group.
    assert page.locator("nav.mainnav a.active").text_content() == "预测"
    assert "active" in page.get_attribute("details.navgroup[data-navgroup=analysis]", "class")
    page.wait_for_selector("[data-projection=vacancy] canvas")
    page.fill("#id_exit_cut_resignation", "40")
    page.fill("#id_recruits_guji", "3")
    page.click("#levers button[type=submit]")
    page.wait_for_selector("text=调整后方案")
    assert "辞职率 −40%；股级每年招录 3 人" in page.inner_text("main")
    page.fill("#id_name", "少辞职多招股级")
    page.click("#save-scenario button[type=submit]")
    page.wait_for_selector("text=方案“少辞职多招股级”已保存。")
    assert "预测方案：少辞职多招股级" in page.inner_text("h1")
    saved = Scenario.objects.get(name="少辞职多招股级")
    assert saved.county_id == personas.county.pk
    assert saved.levers["exit_cut"] == {"resignation": 40.0}
    page.click("text=对比所选方案")
    page.wait_for_selector("[data-testid=summary]")
    header = page.inner_text("[data-testid=summary] thead")
    assert "现行趋势" in header and "少辞职多招股级" in header
    page.wait_for_selector("[data-projection=age] canvas")
