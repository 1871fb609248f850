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
    # The module groups open in place (an accordion) inside the phone menu.
    group = page.locator("details.navgroup[data-navgroup=registry]")
    assert not group.locator("a >> text=干部").is_visible()
    group.locator("summary").click()
    link = group.locator("a", has_text="干部").first
    assert link.is_visible()
    box, menu = link.bounding_box(), nav.bounding_box()
    assert box["x"] >= menu["x"] and box["x"] + box["width"] <= menu["x"] + menu["width"]
    link.click()
    page.wait_for_url("**/org/cadres/")


@pytest.mark.django_db(transaction=True)
def test_desktop_menu_fits_one_line_with_module_groups(
    live_server, personas: Personas, browser_page
) -> None:  # type: ignore[no-untyped-def]
    """At 1280 px the 组织部's 13 entries fit one line as 7: the registry, survey and analysis
    entries sit in drop-down menus that open on a click or with the keyboard, one at a time, and
    close on Escape (focus back on the menu's entry) or a click elsewhere; the group of the page
    shown is marked."""
    page = browser_page
    sign_in(page, live_server.url, personas.org.username)
    page.goto(f"{live_server.url}/org/cadres/")
    top = page.locator("nav.mainnav > a, nav.mainnav > details > summary")
    assert top.count() == 7
    tops = {round(top.nth(i).bounding_box()["y"]) for i in range(top.count())}
    assert len(tops) == 1  # one line
    assert page.locator("header.topbar").bounding_box()["height"] < 64
    registry = page.locator("details.navgroup[data-navgroup=registry]")
    voice = page.locator("details.navgroup[data-navgroup=voice]")
    assert "active" in registry.get_attribute("class")
    assert registry.locator("a.active").get_attribute("aria-current") == "page"
    assert not registry.locator("a >> text=数据导入").is_visible()
    registry.locator("summary").click()
    assert registry.locator("a >> text=数据导入").is_visible()
    voice.locator("summary").click()  # opening another closes the first
    assert voice.locator("a >> text=心声").is_visible()
    assert not registry.locator("a >> text=数据导入").is_visible()
    page.keyboard.press("Escape")
    assert not voice.locator("a >> text=心声").is_visible()
    assert page.evaluate("document.activeElement.textContent") == "思想动态"
    page.keyboard.press("Enter")  # the keyboard opens it again
    assert voice.locator("a >> text=心声").is_visible()
    page.mouse.click(1100, 700)  # a click elsewhere closes it
    assert not voice.locator("a >> text=心声").is_visible()
    page.locator("details.navgroup[data-navgroup=analysis] summary").click()
    page.click("nav.mainnav a >> text=预测")
    page.wait_for_url("**/projection/**")
    assert "active" in page.get_attribute("details.navgroup[data-navgroup=analysis]", "class")


@pytest.mark.django_db(transaction=True)
def test_a_short_menu_is_not_grouped(live_server, personas: Personas, browser_page) -> None:  # type: ignore[no-untyped-def]
    """A cadre's five entries stay plain links."""
    page = browser_page
    sign_in(page, live_server.url, personas.cadre.username)
    page.goto(f"{live_server.url}/voice/board/")
    assert page.locator("details.navgroup").count() == 0
    assert page.locator("nav.mainnav > a").count() >= 4
