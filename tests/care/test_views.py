"""The care pages end to end: screening with crisis steps, recording a request, referrals,
withdrawal, deletion and reassignment through the forms."""

import pytest
from django.utils import timezone

from tests.conftest import Personas, client_for
from zhongjian.accounts.models import User
from zhongjian.care import services
from zhongjian.care.choices import CaseStatus, CloseReason
from zhongjian.care.models import Case, Referral, Reminder

pytestmark = pytest.mark.django_db


def test_urgent_screening_shows_crisis_steps(personas: Personas, case: Case) -> None:
    """A PHQ-9 with item 9 answered posts, marks the case urgent and the page shows the steps."""
    client = client_for(personas.counselor)
    answers = {f"q{n}": "0" for n in range(1, 10)} | {"q9": "2"}
    refused = client.post(
        f"/care/cases/{case.pk}/screening/phq9/",
        {**answers, "administered_on": timezone.localdate().isoformat()},
    )
    assert refused.status_code == 400 and "单独同意" in refused.content.decode()
    response = client.post(
        f"/care/cases/{case.pk}/screening/phq9/",
        {**answers, "administered_on": timezone.localdate().isoformat(), "consent": "on"},
        follow=True,
    )
    body = response.content.decode()
    assert "个案已标为紧急" in body
    assert "12356" in body and 'data-testid="crisis"' in body
    assert Case.objects.get().urgent
    assert client.get(f"/care/cases/{case.pk}/screening/bdi/").status_code == 404


def test_incomplete_screening_is_refused(personas: Personas, case: Case) -> None:
    """A form with an unanswered item re-renders with the error and stores nothing."""
    response = client_for(personas.counselor).post(
        f"/care/cases/{case.pk}/screening/gad7/", {"q1": "1", "consent": "on"}
    )
    assert response.status_code == 400
    assert not case.screenings.exists()


def test_counselor_records_a_phone_request(personas: Personas) -> None:
    """By staff number, with oral consent; an unknown name is a form error, not a 500."""
    client = client_for(personas.counselor)
    data = {"topic": "family", "contact_way": "phone", "contact_time": "any", "consent": "on"}
    unknown = client.post("/care/cases/new/", {**data, "cadre": "不存在的人"})
    assert unknown.status_code == 400 and "没有姓名或人员编号" in unknown.content.decode()
    response = client.post("/care/cases/new/", {**data, "cadre": personas.cadre_b.staff_no})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/care/cases/{case.pk}/")
    assert (case.cadre_id, case.counselor_id, case.source) == (
        personas.cadre_b.pk,
        personas.counselor.pk,
        "recorded",
    )
    assert case.consents.get().via == "oral"


def test_referral_through_the_pages(personas: Personas) -> None:
    """The head suggests, the cadre accepts with consent, the head sees 已接受 only."""
    head = client_for(personas.head_a)
    assert head.post("/care/referrals/", {"cadre": personas.cadre_b.pk}).status_code == 400
    head.post("/care/referrals/", {"cadre": personas.cadre_a.pk})
    referral = Referral.objects.get()
    cadre = client_for(personas.cadre)
    assert "有人建议您" in cadre.get("/care/help/").content.decode()
    cadre.post(
        f"/care/help/referrals/{referral.pk}/",
        {"decision": "accept", "topic": "career", "contact_way": "phone", "contact_time": "any"},
    )
    assert not Case.objects.exists()
    cadre.post(
        f"/care/help/referrals/{referral.pk}/",
        {
            "decision": "accept",
            "topic": "career",
            "contact_way": "phone",
            "contact_time": "any",
            "consent": "on",
        },
    )
    assert Case.objects.get().source == "referral"
    body = head.get("/care/referrals/").content.decode()
    assert "已接受" in body and "职业发展" not in body


def test_withdraw_and_delete_through_the_pages(personas: Personas, case: Case) -> None:
    """The cadre withdraws, asks for deletion; the counselor confirms on the case page."""
    cadre = client_for(personas.cadre)
    cadre.post(f"/care/help/{case.pk}/withdraw/")
    case.refresh_from_db()
    assert (case.status, case.close_reason) == (CaseStatus.CLOSED, CloseReason.WITHDRAWN)
    cadre.post(f"/care/help/{case.pk}/delete/")
    counselor = client_for(personas.counselor)
    assert case.reference in counselor.get("/care/").content.decode()
    assert "确认删除" in counselor.get(f"/care/cases/{case.pk}/").content.decode()
    counselor.post(f"/care/cases/{case.pk}/delete/")
    assert not Case.objects.exists()


def test_reassign_through_the_page(personas: Personas, case: Case, counselor_b: User) -> None:
    """The 组织部 moves a case; the old counselor's link is then a 404."""
    org = client_for(personas.org)
    assert counselor_b.username in org.get("/care/assignments/").content.decode()
    org.post(f"/care/assignments/{case.pk}/", {"counselor": counselor_b.pk})
    assert client_for(personas.counselor).get(f"/care/cases/{case.pk}/").status_code == 404
    assert client_for(counselor_b).get(f"/care/cases/{case.pk}/").status_code == 200


def test_reminder_banner_and_acknowledgement(personas: Personas, case: Case) -> None:
    """The job's reminder shows on the home page until the counselor acknowledges it."""
    services.reminders_issue(today=timezone.localdate())
    client = client_for(personas.counselor)
    body = client.get("/care/").content.decode()
    assert 'data-testid="reminder"' in body
    reminder = Reminder.objects.get()
    client.post(f"/care/reminders/{reminder.pk}/ack/")
    assert 'data-testid="reminder"' not in client.get("/care/").content.decode()


def test_case_page_shows_working_days_to_first_contact(personas: Personas, case: Case) -> None:
    """Asked on Monday 2 November, contacted on the 3rd: the first working day after the request."""
    body = client_for(personas.counselor).get(f"/care/cases/{case.pk}/").content.decode()
    assert "申请后第 1 个工作日" in body


def test_counselor_lands_on_cases(personas: Personas) -> None:
    """Signing in as a counselor lands on 我的个案, not an empty page."""
    response = client_for(personas.counselor).get("/")
    assert response.status_code == 302 and response["Location"] == "/care/"


def test_overview_page(personas: Personas) -> None:
    """The 组织部's page renders with the county total and a bad year falls back."""
    body = client_for(personas.org).get("/care/overview/?year=abc&by=county").content.decode()
    assert "全县合计" in body
