"""In a real browser, a clerk uploads a .zip of 任免审批表, maps a 简历 line and confirms."""

import pytest

from tests.browser.conftest import BROWSER_MARKS, sign_in
from tests.conftest import Personas
from tests.dataio.lrmx_fixtures import lrmx_xml, zip_of
from zhongjian.org.models import Appointment, Cadre

pytestmark = BROWSER_MARKS


@pytest.mark.django_db(transaction=True)
def test_clerk_imports_a_zip_of_forms(
    live_server, personas: Personas, browser_page, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """The preview lists the person as new with the lines mapped; an unmatched line is given a
    post through the list; after confirming the appointment history is in the registry."""
    resume = (
        "2009.07--2012.03  青石镇党政办科员\r\n"
        "2012.03--2016.05  青石镇党政综合办公室主任\r\n"
        "2016.05--        县财政局副局长"
    )
    archive = tmp_path / "青石镇.zip"
    archive.write_bytes(zip_of({"王建国.lrmx": lrmx_xml(JianLi=resume)}))
    page = browser_page
    sign_in(page, live_server.url, personas.org.username)
    page.goto(f"{live_server.url}/data/import/")
    page.click("text=导入任免审批表（.lrmx / .lrm）")
    page.set_input_files("input[name=files]", str(archive))
    page.click("[data-testid=form-upload] button[type=submit]")
    person = page.locator("[data-testid=person]")
    assert "新登记" in person.inner_text()
    assert person.locator("text=新建任职记录").count() == 2
    line = person.locator("input[list=post-options]").first
    line.fill("不建任职记录")
    page.click("button[value=choose]")
    page.wait_for_selector("text=已保存选择")
    page.click("button[value=confirm]")
    page.wait_for_selector("text=已导入：新增 1 人")
    cadre = Cadre.objects.get(name="王建国")
    assert Appointment.objects.filter(cadre=cadre).count() == 2
    assert cadre.unit_id == personas.unit_b.pk
