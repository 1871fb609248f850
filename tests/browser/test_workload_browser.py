"""In a real browser, a unit office registers a demand with the keyboard in a few keystrokes."""

import pytest

from tests.browser.conftest import BROWSER_MARKS, sign_in
from tests.conftest import Personas
from zhongjian.workload.choices import OrganLevel
from zhongjian.workload.models import Demand, DemandReceipt, Organ

pytestmark = BROWSER_MARKS


@pytest.mark.django_db(transaction=True)
def test_unit_head_registers_a_demand(live_server, personas: Personas, browser_page) -> None:  # type: ignore[no-untyped-def]
    """The unit head types the title, picks the organ by type-ahead, keeps today's date and
    their own unit, presses Enter: the demand is saved for their unit only and counts on the
    unit page; a deadline before the issue date is refused in Chinese."""
    Organ.objects.create(county=personas.county, name="市应急管理局", level=OrganLevel.CITY)
    page = browser_page
    sign_in(page, live_server.url, personas.head_a.username)
    page.goto(f"{live_server.url}/workload/demands/new/")
    assert page.evaluate("document.activeElement.id") == "id_title"
    page.keyboard.type("防汛检查通知")
    page.keyboard.press("Tab")
    page.keyboard.type("市应急")
    assert page.locator("#organ-list option[value='市应急管理局']").count() == 1
    page.fill("#id_organ_name", "市应急管理局")
    page.select_option("#id_kind", "inspection")
    assert page.is_visible("#id_onsite") and not page.is_visible("#id_char_count")
    page.check("#id_onsite")
    page.fill("#id_deadline", "2000-01-01")
    page.press("#id_title", "Enter")
    page.wait_for_selector(".errorlist")
    assert "早于下达日期" in page.inner_text(".demand-form")
    assert not Demand.objects.exists()
    page.fill("#id_deadline", "")
    page.press("#id_title", "Enter")
    page.wait_for_selector("ul.messages li.success")
    demand = Demand.objects.get()
    assert demand.onsite and demand.organ.name == "市应急管理局"
    assert list(DemandReceipt.objects.values_list("unit_id", flat=True)) == [personas.unit_a.pk]
    page.goto(f"{live_server.url}/workload/")
    assert page.inner_text("[data-testid=unit-demands]") == "1"


@pytest.mark.django_db(transaction=True)
def test_unit_page_dates_stay_on_one_line_on_a_phone(
    live_server, personas: Personas, browser_page
) -> None:  # type: ignore[no-untyped-def]
    """At 390 px the task list's 下达日期 and 完成时限 and the months of 逐月指标 are single
    lines (they broke as "2026-" / "12-01"), and the labels carry no ASCII colon."""
    import datetime

    from zhongjian.workload.choices import DemandKind
    from zhongjian.workload.services import demand_register

    organ = Organ.objects.create(
        county=personas.county, name="市卫生健康委员会", level=OrganLevel.CITY
    )
    demand_register(
        actor=personas.org,
        organ=organ,
        units=[personas.unit_a],
        values={
            "title": "关于印发耕地保护实施方案的通知",
            "kind": DemandKind.DOCUMENT,
            "issued_on": datetime.date(2025, 3, 10),
            "deadline": datetime.date(2025, 3, 30),
        },
    )
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, personas.org.username)
    page.goto(f"{live_server.url}/workload/units/{personas.unit_a.pk}/?start=2025-01&end=2025-12")
    cells = page.locator("td.nowrap:not(:has(form))")
    assert cells.count() >= 3
    lines = (
        "el => { const r = document.createRange(); r.selectNodeContents(el.firstChild);"
        " return r.getClientRects().length; }"
    )
    for index in range(cells.count()):
        assert cells.nth(index).evaluate(lines) == 1, cells.nth(index).inner_text()
    labels = page.locator("form.filters label").all_inner_texts()
    assert labels and not any(label.strip().endswith(":") for label in labels)
