"""The care JSON API (/api/v1/care/): the counselor's own cases, the cadre's own requests, and
the 组织部's k-safe aggregates. Scoped like the pages: another counselor's case is a 404, any
other role a 403; reading a case's content writes the same audit rows as the page.
"""

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from zhongjian.accounts.roles import Role
from zhongjian.care import services
from zhongjian.care.aggregates import AggregateRow, care_aggregates
from zhongjian.care.choices import ContactTime, ContactWay, Topic
from zhongjian.care.models import Case
from zhongjian.care.selectors import (
    cadre_case_get,
    cadre_cases,
    case_content,
    counselor_case_get,
    counselor_cases,
    is_first_contact_overdue,
)
from zhongjian.care.services import NOTE_MAX, REQUEST_TEXT_MAX
from zhongjian.core.api import ObjectId, api_user
from zhongjian.core.errors import ValidationError

router = Router(tags=["care"])


class CaseOut(Schema):
    id: int
    reference: str
    cadre_name: str
    unit_name: str
    status: str
    topic: str
    contact_way: str
    contact_time: str
    requested_at: datetime.datetime
    first_contact_due: datetime.date
    first_contact_on: datetime.date | None
    first_contact_overdue: bool
    urgent: bool
    overdue_follow_ups: int
    next_due: datetime.date | None


class NoteOut(Schema):
    id: int
    contact_on: datetime.date
    contact_way: str
    author: str
    body: str


class ScreeningOut(Schema):
    id: int
    instrument: str
    administered_on: datetime.date
    answers: list[int]
    total: int
    band: str
    urgent: bool


class CaseDetailOut(CaseOut):
    request_text: str
    notes: list[NoteOut]
    screenings: list[ScreeningOut]


class ContactIn(Schema):
    contact_on: datetime.date
    contact_way: ContactWay
    note: str = Field(..., min_length=1, max_length=NOTE_MAX)
    next_due: datetime.date | None = None


class MyRequestOut(Schema):
    id: int
    reference: str
    status: str
    topic: str
    contact_way: str
    requested_at: datetime.datetime
    counselor: str
    consent_withdrawn: bool
    deletion_requested: bool


class MyRequestIn(Schema):
    topic: Topic
    contact_way: ContactWay
    contact_time: ContactTime
    text: str = Field("", max_length=REQUEST_TEXT_MAX)
    consent: bool = Field(description="本人已阅读并同意当前版本的《心理疏导知情同意书》")


def _case_out(case: Case, *, today: datetime.date) -> dict[str, Any]:
    return {
        "id": case.pk,
        "reference": case.reference,
        "cadre_name": case.cadre.name,
        "unit_name": case.cadre.unit.name,
        "status": case.status,
        "topic": case.topic,
        "contact_way": case.contact_way,
        "contact_time": case.contact_time,
        "requested_at": case.requested_at,
        "first_contact_due": case.first_contact_due,
        "first_contact_on": case.first_contact_on,
        "first_contact_overdue": is_first_contact_overdue(case, today=today),
        "urgent": case.urgent,
        "overdue_follow_ups": case.overdue_follow_ups,
        "next_due": case.next_due,
    }


def _detail(user: Any, case: Case, *, today: datetime.date) -> dict[str, Any]:
    content = case_content(user, case)
    return {
        **_case_out(case, today=today),
        "request_text": content.request_text,
        "notes": [vars(note) for note in content.notes],
        "screenings": [vars(s) for s in content.screenings],
    }


@router.get("/cases", response=list[CaseOut], summary="分配给我的个案（心理疏导员）")
def api_case_list(request: HttpRequest, include_closed: bool = False) -> list[dict[str, Any]]:
    user = api_user(request, Role.COUNSELOR)
    today = timezone.localdate()
    cases = counselor_cases(user, today=today, open_only=not include_closed)
    return [_case_out(case, today=today) for case in cases]


@router.get("/cases/{pk}", response=CaseDetailOut, summary="个案详情（每次读取记入审计日志）")
def api_case_detail(request: HttpRequest, pk: ObjectId) -> dict[str, Any]:
    user = api_user(request, Role.COUNSELOR)
    today = timezone.localdate()
    return _detail(user, counselor_case_get(user, pk, today=today), today=today)


@router.post("/cases/{pk}/contacts", response={201: CaseDetailOut}, summary="记录一次联系")
def api_contact_create(
    request: HttpRequest, pk: ObjectId, payload: ContactIn
) -> Status[dict[str, Any]]:
    user = api_user(request, Role.COUNSELOR)
    today = timezone.localdate()
    case = counselor_case_get(user, pk, today=today)
    services.contact_record(counselor=user, case=case, **payload.dict())
    return Status(201, _detail(user, counselor_case_get(user, pk, today=today), today=today))


def _my_out(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "reference": case.reference,
        "status": case.status,
        "topic": case.topic,
        "contact_way": case.contact_way,
        "requested_at": case.requested_at,
        "counselor": str(case.counselor) if case.counselor else "",
        "consent_withdrawn": not case.consents.filter(withdrawn_at__isnull=True).exists(),
        "deletion_requested": case.deletion_requested_at is not None,
    }


@router.get("/my/requests", response=list[MyRequestOut], summary="我的心理疏导申请（干部本人）")
def api_my_requests(request: HttpRequest) -> list[dict[str, Any]]:
    user = api_user(request, Role.CADRE)
    return [_my_out(case) for case in cadre_cases(user)]


@router.post("/my/requests", response={201: MyRequestOut}, summary="申请心理疏导（须本人同意）")
def api_my_request_create(request: HttpRequest, payload: MyRequestIn) -> Status[dict[str, Any]]:
    user = api_user(request, Role.CADRE)
    case = services.request_create(user=user, **payload.dict())
    return Status(201, _my_out(case))


@router.post(
    "/my/requests/{pk}/withdraw", response=MyRequestOut, summary="撤回同意（个案随即结束）"
)
def api_my_request_withdraw(request: HttpRequest, pk: ObjectId) -> dict[str, Any]:
    user = api_user(request, Role.CADRE)
    case = services.consent_withdraw(user=user, case=cadre_case_get(user, pk))
    return _my_out(case)


@router.get("/aggregates", response=list[AggregateRow], summary="心理疏导汇总（组织部，k 匿名）")
def api_aggregates(
    request: HttpRequest,
    year: int | None = None,
    group_by: Literal["county", "unit_kind"] = "unit_kind",
) -> list[AggregateRow]:
    """Requests and time to first contact within YEAR (default this year); open cases and
    overdue follow-ups as of today. Groups of fewer than CARE_K people answer `suppressed`."""
    user = api_user(request, Role.ORG_DEPARTMENT)
    year = year or timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise ValidationError("年度应在 2000 年至 2100 年之间。")
    period = (datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    return care_aggregates(user, group_by=group_by, period=period)
