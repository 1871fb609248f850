"""In a real browser: a cadre asks for help with consent, the counselor records a follow-up."""

import datetime

import pytest
from django.utils import timezone

from tests.browser.conftest import BROWSER_MARKS, sign_in
from tests.conftest import Personas
from zhongjian.care.models import Case, Note

pytestmark = BROWSER_MARKS

REQUEST = "换岗以后总是失眠，想和人聊聊"
NOTE = "电话沟通半小时，约定下周当面谈"


@pytest.mark.django_db(transaction=True)
def test_cadre_asks_and_counselor_follows_up(  # type: ignore[no-untyped-def]
    live_server, personas: Personas, browser_page
) -> None:
    """Without the consent box nothing is created; with it the case appears in the cadre's
    list and on the counselor's page, where a contact with a next date is recorded."""
    page = browser_page
    sign_in(page, live_server.url, personas.cadre.username)
    page.goto(f"{live_server.url}/care/help/")
    assert "12356" in page.inner_text(".c-hotline")
    assert "组织部" in page.inner_text(".c-privacy")
    page.select_option("select[name=topic]", "health")
    page.check("input[name=contact_way][value=in_person]")
    page.fill("textarea[name=text]", REQUEST)
    page.click("button:has-text('提交申请')")
    page.wait_for_selector(".errorlist")
    assert not Case.objects.exists()
    page.check("input[name=consent]")
    page.click("button:has-text('提交申请')")
    page.wait_for_selector("[data-testid=my-case]")
    assert "情绪、睡眠与身心健康" in page.inner_text("[data-testid=my-case]")
    case = Case.objects.get()
    assert case.counselor_id == personas.counselor.pk
    page.click("button:has-text('退出')")

    sign_in(page, live_server.url, personas.counselor.username)
    page.goto(f"{live_server.url}/care/")
    page.click(f"text={case.reference}")
    page.wait_for_selector("text=记录一次联系")
    assert REQUEST in page.inner_text("main")
    today = timezone.localdate()
    page.fill("input[name=contact_on]", today.isoformat())
    page.fill("textarea[name=note]", NOTE)
    page.fill("input[name=next_due]", (today + datetime.timedelta(days=7)).isoformat())
    page.click("button:has-text('加密保存记录')")
    page.wait_for_selector("[data-testid=note]")
    assert NOTE in page.inner_text("[data-testid=note]")
    assert "已首次联系" in page.inner_text("main")
    assert Note.objects.get().body_cipher.startswith("gAAAA")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/care/")
    assert page.locator("[data-testid=case-row]").count() == 1
