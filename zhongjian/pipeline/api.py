"""JSON API of the pipeline (/api/v1/pipeline/), scoped exactly as the web pages.

The organization department reads and writes; a unit head reads their own unit's vacancies,
selections, bench and departures, without decline reasons or exit interviews; every other role
gets 403, and an object outside the caller's scope 404.
"""

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhongjian.accounts.roles import Role
from zhongjian.core.api import LimitOffset
from zhongjian.core.holidays import work_calendar
from zhongjian.org.selectors import cadre_get, post_get
from zhongjian.pipeline.access import READ_ROLES, WRITE_ROLES
from zhongjian.pipeline.choices import SelectionStage
from zhongjian.pipeline.models import Candidate, Departure, SelectionProcess, Vacancy
from zhongjian.pipeline.selectors.bench import bench_posts
from zhongjian.pipeline.selectors.departures import departure_get, departure_list
from zhongjian.pipeline.selectors.indicators import pipeline_indicators
from zhongjian.pipeline.selectors.selection import candidate_get, process_get, process_list
from zhongjian.pipeline.selectors.vacancies import vacancy_list
from zhongjian.pipeline.services import departures as departure_services
from zhongjian.pipeline.services import selection as selection_services
from zhongjian.pipeline.workflow import allowed_targets

router = Router(tags=["提拔·流动"])


def _caller(request: HttpRequest) -> Any:
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


def _user(request: HttpRequest, roles: tuple[str, ...]) -> Any:
    """The calling user, refused with 403 unless their role is one of ROLES."""
    user = _caller(request)
    if getattr(user, "role", None) not in roles:
        raise PermissionDenied
    return user


def _is_org(context: Any) -> bool:
    return getattr(_caller(context["request"]), "role", None) == Role.ORG_DEPARTMENT


class VacancyOut(Schema):
    id: int
    post_id: int
    post_title: str = Field(..., alias="post.title")
    unit_id: int
    unit_name: str = Field(..., alias="unit.name")
    tier: str = Field(..., alias="post.tier")
    opened_on: datetime.date
    closed_on: datetime.date | None
    seats: int
    days_open: int

    @staticmethod
    def resolve_days_open(obj: Vacancy) -> int:
        return obj.days_open(timezone.localdate())


class ProcessOut(Schema):
    id: int
    post_id: int
    post_title: str = Field(..., alias="post.title")
    unit_id: int
    unit_name: str = Field(..., alias="unit.name")
    vacancy_id: int | None
    stage: str
    stage_label: str
    started_on: datetime.date
    notice_started_on: datetime.date | None
    finished_on: datetime.date | None
    probation_review_on: datetime.date | None
    appointment_id: int | None

    @staticmethod
    def resolve_stage_label(obj: SelectionProcess) -> str:
        return str(SelectionStage(obj.stage).label)


class CandidateOut(Schema):
    id: int
    process_id: int
    cadre_id: int
    cadre_name: str = Field(..., alias="cadre.name")
    added_on: datetime.date
    votes: int | None
    is_vetting_target: bool
    vetting_score: Decimal | None
    vetting_rank: int | None
    vetted_on: datetime.date | None
    is_chosen: bool
    outcome: str
    outcome_on: datetime.date | None
    decline_reason: str | None = None

    @staticmethod
    def resolve_decline_reason(obj: Candidate, context: Any) -> str | None:
        # Reasons are for the organization department only.
        decline = getattr(obj, "decline", None)
        return decline.reason if decline is not None and _is_org(context) else None


class ProcessDetailOut(ProcessOut):
    candidates: list[CandidateOut]
    allowed_targets: list[str]
    notice_ends_on: datetime.date | None

    @staticmethod
    def resolve_allowed_targets(obj: SelectionProcess, context: Any) -> list[str]:
        if not _is_org(context):
            return []
        return [t.value for t in allowed_targets(current=SelectionStage(obj.stage))]

    @staticmethod
    def resolve_notice_ends_on(obj: SelectionProcess) -> datetime.date | None:
        if obj.notice_started_on is None:
            return None
        return work_calendar(county_id=obj.county_id).end_of_public_notice(
            start=obj.notice_started_on, days=obj.notice_working_days
        )


class DepartureOut(Schema):
    id: int
    cadre_id: int
    cadre_name: str = Field(..., alias="cadre.name")
    unit_id: int
    kind: str
    destination_level: str
    destination: str
    departed_on: datetime.date
    planned_return_on: datetime.date | None
    returned_on: datetime.date | None
    tier: str
    held_leadership: bool
    overdue: bool

    @staticmethod
    def resolve_overdue(obj: Departure) -> bool:
        return obj.is_overdue(timezone.localdate())


class BenchPostOut(Schema):
    post_id: int = Field(..., alias="pk")
    post_title: str = Field(..., alias="title")
    unit_name: str = Field(..., alias="unit.name")
    tier: str
    ready_now: int
    ready_soon: int


class ProcessIn(Schema):
    post_id: int
    started_on: datetime.date
    reason: str = ""


class TransitionIn(Schema):
    target: str
    on: datetime.date
    note: str = ""
    notice_started_on: datetime.date | None = None
    document_no: str = ""


class CandidateIn(Schema):
    cadre_id: int
    added_on: datetime.date


class CandidatePatch(Schema):
    votes: int | None = Field(None, ge=0)
    is_vetting_target: bool | None = None
    vetting_score: Decimal | None = Field(None, ge=0, le=100)
    vetting_rank: int | None = Field(None, ge=1)
    vetting_notes: str | None = None
    vetted_on: datetime.date | None = None
    is_chosen: bool | None = None


class DeclineIn(Schema):
    declined_on: datetime.date
    reason: str
    note: str = ""


class DepartureIn(Schema):
    cadre_id: int
    kind: str
    destination_level: str
    departed_on: datetime.date
    destination: str = ""
    planned_return_on: datetime.date | None = None
    note: str = ""


class ExitInterviewIn(Schema):
    interviewed_on: datetime.date
    reasons: list[str]
    details: str = ""
    would_return_if: str = ""


YearFilter = Query[int | None, {"ge": 1900, "le": 2100}]


class VacancyFilters(Schema):
    unit_kind: str = ""
    tier: str = ""
    over_six_months: bool = False


@router.get("/vacancies", response=list[VacancyOut], summary="空缺岗位（进行中的空缺）")
@paginate(LimitOffset)
def vacancies(request: HttpRequest, filters: Query[VacancyFilters]) -> Any:
    user = _user(request, READ_ROLES)
    return vacancy_list(user=user, today=timezone.localdate(), **filters.dict())


@router.get("/processes", response=list[ProcessOut], summary="选任流程")
@paginate(LimitOffset)
def processes(request: HttpRequest, stage: str = "") -> Any:
    user = _user(request, READ_ROLES)
    return process_list(user=user, stage=stage)


@router.get("/processes/{pk}", response=ProcessDetailOut, summary="选任流程详情")
def process_detail(request: HttpRequest, pk: int) -> SelectionProcess:
    user = _user(request, READ_ROLES)
    return process_get(user=user, pk=pk)


@router.post("/processes", response={201: ProcessOut}, summary="启动选任（动议）")
def process_create(request: HttpRequest, payload: ProcessIn) -> Status[SelectionProcess]:
    user = _user(request, WRITE_ROLES)
    post = post_get(user=user, pk=payload.post_id)
    process = selection_services.process_start(
        actor=user, post=post, started_on=payload.started_on, reason=payload.reason
    )
    return Status(201, process)


@router.post("/processes/{pk}/transition", response=ProcessDetailOut, summary="流程转到下一环节")
def process_transition(request: HttpRequest, pk: int, payload: TransitionIn) -> SelectionProcess:
    user = _user(request, WRITE_ROLES)
    selection_services.process_transition(
        actor=user, process=process_get(user=user, pk=pk), **payload.dict()
    )
    return process_get(user=user, pk=pk)


@router.post("/processes/{pk}/candidates", response={201: CandidateOut}, summary="增加人选")
def candidate_create(request: HttpRequest, pk: int, payload: CandidateIn) -> Status[Candidate]:
    user = _user(request, WRITE_ROLES)
    candidate = selection_services.candidate_add(
        actor=user,
        process=process_get(user=user, pk=pk),
        cadre=cadre_get(user=user, pk=payload.cadre_id),
        added_on=payload.added_on,
    )
    return Status(201, candidate)


@router.patch("/candidates/{pk}", response=CandidateOut, summary="填写推荐、考察或决定情况")
def candidate_patch(request: HttpRequest, pk: int, payload: CandidatePatch) -> Candidate:
    user = _user(request, WRITE_ROLES)
    fields = payload.dict(exclude_unset=True)
    return selection_services.candidate_update(
        actor=user, candidate=candidate_get(user=user, pk=pk), **fields
    )


@router.post("/candidates/{pk}/decline", response={201: CandidateOut}, summary="记录不接受提拔")
def candidate_decline(request: HttpRequest, pk: int, payload: DeclineIn) -> Status[Candidate]:
    user = _user(request, WRITE_ROLES)
    decline = selection_services.candidate_decline(
        actor=user, candidate=candidate_get(user=user, pk=pk), **payload.dict()
    )
    return Status(201, decline.candidate)


@router.get("/departures", response=list[DepartureOut], summary="离岗记录")
@paginate(LimitOffset)
def departures(
    request: HttpRequest,
    kind: str = "",
    year: YearFilter = None,
    overdue: bool = False,
) -> Any:
    user = _user(request, READ_ROLES)
    return departure_list(
        user=user, today=timezone.localdate(), kind=kind, year=year, overdue_only=overdue
    )


@router.post("/departures", response={201: DepartureOut}, summary="登记离岗")
def departure_create(request: HttpRequest, payload: DepartureIn) -> Status[Departure]:
    user = _user(request, WRITE_ROLES)
    fields = payload.dict()
    cadre = cadre_get(user=user, pk=fields.pop("cadre_id"))
    departure = departure_services.departure_record(actor=user, cadre=cadre, **fields)
    return Status(201, departure)


@router.put("/departures/{pk}/exit-interview", summary="记录离岗谈话")
def exit_interview(request: HttpRequest, pk: int, payload: ExitInterviewIn) -> dict[str, Any]:
    user = _user(request, WRITE_ROLES)
    interview = departure_services.exit_interview_record(
        actor=user, departure=departure_get(user=user, pk=pk), **payload.dict()
    )
    return {
        "departure_id": interview.departure_id,
        "interviewed_on": interview.interviewed_on,
        "reasons": interview.reasons,
    }


@router.get("/bench", response=list[BenchPostOut], summary="后备梯队（每个中层岗位）")
@paginate(LimitOffset)
def bench(request: HttpRequest, tier: str = "", empty_only: bool = False) -> Any:
    user = _user(request, READ_ROLES)
    return bench_posts(user=user, tier=tier, empty_only=empty_only)


@router.get("/indicators", summary="提拔·流动指标")
def indicators(request: HttpRequest) -> dict[str, Any]:
    user = _user(request, READ_ROLES)
    figures = pipeline_indicators(user=user, today=timezone.localdate())
    out = dataclasses.asdict(figures)
    out["upward_fuke_percent"] = figures.upward_fuke_percent
    out["posts_vacant_over_six_months_percent"] = figures.posts_vacant_over_six_months_percent
    for key in ("refusal_by_tier", "refusal_by_unit_kind", "refusal_by_year"):
        for row, rate in zip(out[key], getattr(figures, key), strict=True):
            row["percent"] = rate.percent
    return out
