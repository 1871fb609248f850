"""In a real browser: the 组织部 corrects a birth date, ends an appointment and adds a new hire,
each in the record's 修改记录 and the audit log; a unit head files a correction request; the API
docs page renders its operations."""

import datetime
import importlib
import re

import pytest
from django.apps import apps as django_apps

from tests.browser.conftest import BROWSER_MARKS, sign_in
from tests.conftest import Personas
from zhongjian.core.models import AuditLog
from zhongjian.org.models import Appointment, Cadre, CorrectionRequest, RetirementRule

pytestmark = BROWSER_MARKS


@pytest.fixture
def seeded_rules(transactional_db: None) -> None:
    """The rules tables a migration seeds, again: an earlier transactional test's flush empties
    them, and the cadre page computes the retirement date from them."""
    if not RetirementRule.objects.exists():
        seed = importlib.import_module("zhongjian.org.migrations.0002_seed_rules").seed
        seed(django_apps, None)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_rules")
def test_org_edits_and_unit_head_requests_a_correction(  # type: ignore[no-untyped-def]
    live_server, personas: Personas, browser_page
) -> None:
    """A refused edit keeps the input with the error beside the field; the saved edits, the 免职
    and the new hire are audited; the unit head's 申请更正 reaches the 组织部's list."""
    page = browser_page
    base = live_server.url
    cadre = personas.cadre_a
    sign_in(page, base, personas.org.username)

    page.goto(f"{base}/org/cadres/{cadre.pk}/")
    page.click("text=编辑档案")
    page.fill("#id_work_start_date", "1980-01-01")
    page.click("button:has-text('保存')")
    error = page.locator("#id_work_start_date_errors")
    assert "不满 16 周岁" in error.inner_text()
    page.fill("#id_work_start_date", cadre.work_start_date.isoformat())
    page.fill("#id_birth_date", "1988-06-01")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已保存")
    assert Cadre.objects.get(pk=cadre.pk).birth_date == datetime.date(1988, 6, 1)

    page.locator("a", has_text="免职").first.click()
    page.fill("#id_end_date", "2025-12-31")
    page.select_option("#id_end_reason", "reassigned")
    page.fill("#id_end_document_no", "县委干〔2025〕9号")
    page.click("button:has-text('确认免职')")
    page.wait_for_selector("text=已免去")
    assert not Appointment.objects.filter(cadre=cadre, end_date__isnull=True).exists()
    history = page.locator("section:has(h2:text('修改记录'))").inner_text()
    assert "出生日期" in history and "免职时间" in history

    page.goto(f"{base}/org/units/{personas.unit_a.pk}/")
    page.click("text=新增干部")
    for field, value in {
        "#id_staff_no": "H2026",
        "#id_name": "林新",
        "#id_birth_date": "1999-09-09",
        "#id_work_start_date": "2022-08-01",
    }.items():
        page.fill(field, value)
    page.select_option("#id_gender", "female")
    page.select_option("#id_education", "bachelor")
    page.select_option("#id_party_status", "masses")
    page.select_option("#id_establishment", "administrative")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已登记干部 林新")
    hire = Cadre.objects.get(staff_no="H2026")
    assert AuditLog.objects.filter(object_type="cadre", object_id=str(hire.pk)).exists()
    page.click("form[action$='/logout/'] button")

    sign_in(page, base, personas.auditor.username)
    page.goto(f"{base}/audit/")
    log = page.inner_text("main")
    assert log.count(personas.org.username) >= 3
    page.click("form[action$='/logout/'] button")

    sign_in(page, base, personas.head_a.username)
    page.goto(f"{base}/org/cadres/{cadre.pk}/")
    assert page.locator("text=编辑档案").count() == 0
    page.click("text=申请更正")
    page.select_option("#id_field", "出生日期")
    page.fill("#id_text", "档案记载出生日期为 1988 年 7 月。")
    page.click("button:has-text('提交申请')")
    page.wait_for_selector("text=更正申请已提交组织部")
    assert CorrectionRequest.objects.filter(cadre=cadre, requested_by=personas.head_a).exists()


@pytest.mark.django_db(transaction=True)
def test_api_docs_render_the_operations(live_server, personas: Personas, browser_page) -> None:  # type: ignore[no-untyped-def]
    """/api/v1/docs renders Swagger UI with the operations (no "duplicated mapping key")."""
    page = browser_page
    sign_in(page, live_server.url, personas.org.username)
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    text = page.inner_text("body")
    assert "duplicated mapping key" not in text
    assert re.search(r"/api/v1/cadres", text)
    assert page.locator(".opblock").count() >= 30
