"""In a real browser: the roster filtered and sorted, a confirmation dialog, the phone menu."""

import datetime

import pytest

from tests import factories
from tests.browser.conftest import BROWSER_MARKS, sign_in
from tests.conftest import Personas
from zhongjian.org.choices import Tier
from zhongjian.pipeline.choices import SelectionStage
from zhongjian.pipeline.services import selection

pytestmark = BROWSER_MARKS


@pytest.mark.django_db(transaction=True)
def test_roster_filtered_and_sorted(live_server, personas: Personas, browser_page) -> None:  # type: ignore[no-untyped-def]
    """Choosing 层级 正科 and sorting by 年龄 lists the matching cadres, shows the filter as a
    removable chip, and removing it lists everyone again."""
    post = factories.post(unit=personas.unit_a, tier=Tier.ZHENGKE, title="党委书记")
    for name, year in (("郑一", 1970), ("郑二", 1985)):
        cadre = factories.cadre(
            unit=personas.unit_a, name=name, birth_date=datetime.date(year, 3, 1)
        )
        factories.appoint(cadre=cadre, post=post, start=datetime.date(2022, 1, 1))
    page = browser_page
    sign_in(page, live_server.url, personas.org.username)
    page.goto(f"{live_server.url}/org/cadres/")
    page.select_option("#list-tier", "zhengke")
    page.click("[data-testid=list-filters] button[type=submit]")
    page.wait_for_selector("[data-testid=active-filters] >> text=层级：正科")
    page.click("th >> text=年龄")
    page.wait_for_url("**sort=age**")
    names = page.locator("[data-testid=roster] tbody td.name").all_inner_texts()
    assert names == ["郑二", "郑一"]  # youngest first
    page.click("[data-testid=active-filters] a.chip >> text=层级：正科")
    page.wait_for_function("!location.search.includes('tier=')")
    assert page.locator("[data-testid=roster] tbody td.name").count() > 2


@pytest.mark.django_db(transaction=True)
def test_terminating_a_selection_asks_first(live_server, personas: Personas, browser_page) -> None:  # type: ignore[no-untyped-def]
    """终止流程 opens a dialog saying what will happen; 取消 changes nothing, 终止流程 ends it."""
    process = selection.process_start(
        actor=personas.org,
        post=personas.post_b,
        started_on=datetime.date(2024, 8, 1),
        reason="原副局长退休",
    )
    page = browser_page
    sign_in(page, live_server.url, personas.org.username)
    page.goto(f"{live_server.url}{process.get_absolute_url()}")
    form = page.locator("form[data-target=terminated]")
    form.locator("textarea[name=note]").fill("机构改革，岗位撤并")
    form.locator("button[type=submit]").click()
    dialog = page.locator("dialog.confirm")
    dialog.wait_for(state="visible")
    assert "不能恢复" in dialog.inner_text()
    dialog.locator("button.cancel").click()
    assert page.inner_text("[data-testid=stage]") == SelectionStage.MOTION.label
    form.locator("button[type=submit]").click()
    dialog.locator("button.ok").click()
    page.wait_for_selector(f"[data-testid=stage] >> text={SelectionStage.TERMINATED.label}")


@pytest.mark.django_db(transaction=True)
def test_start_without_reason_keeps_the_input(
    live_server, personas: Personas, browser_page
) -> None:  # type: ignore[no-untyped-def]
    """An empty 动议理由 is refused beside the field; the date typed stays."""
    page = browser_page
    sign_in(page, live_server.url, personas.org.username)
    page.goto(f"{live_server.url}/pipeline/posts/{personas.post_b.pk}/start/")
    page.fill("#id_started_on", "2024-08-02")
    page.click("button.primary")
    page.wait_for_selector(".field.has-error .field-error")
    assert page.input_value("#id_started_on") == "2024-08-02"


@pytest.mark.django_db(transaction=True)
def test_phone_menu(live_server, personas: Personas, browser_page) -> None:  # type: ignore[no-untyped-def]
    """On a phone the navigation is folded behind 菜单 and opens on a tap."""
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, personas.org.username)
    page.goto(f"{live_server.url}/org/cadres/")
    nav = page.locator("nav.mainnav")
    assert not nav.is_visible()
    assert page.locator("header.topbar").bounding_box()["height"] < 80
    page.click("button.navtoggle")
    assert nav.is_visible()
    assert page.get_attribute("button.navtoggle", "aria-expanded") == "true"
    page.click("nav.mainnav >> text=干部")
    page.wait_for_url("**/org/cadres/")
