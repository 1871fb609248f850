"""JSON API of the pipeline (/api/v1/pipeline/), scoped exactly as the web pages.

The organization department reads and writes; a unit head reads their own unit's vacancies,
selections, bench and departures, without decline reasons or exit interviews; every other role
gets 403, and an object outside the caller's scope 404.
"""

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhongjian.accounts.roles import Role
from zhongjian.core.api import MAX_ID, ObjectId, Pagination, RegistryDate, Text, api_user
from zhongjian.core.holidays import work_calendar
from zhongjian.org.choices import Tier, UnitKind
from zhongjian.org.selectors import cadre_get, post_get
from zhongjian.pipeline.access import READ_ROLES, WRITE_ROLES
from zhongjian.pipeline.choices import (
    CandidateOutcome,
    DeclineReason,
    DepartureKind,
    DestinationLevel,
    ExitReason,
    SelectionStage,
)
from zhongjian.pipeline.models import Candidate, Departure, SelectionProcess, Vacancy
from zhongjian.pipeline.selectors import bench as bench_selectors
from zhongjian.pipeline.selectors import departures as departure_selectors
from zhongjian.pipeline.selectors import indicators as indicator_selectors
from zhongjian.pipeline.selectors import selection as selection_selectors
from zhongjian.pipeline.selectors import vacancies as vacancy_selectors
from zhongjian.pipeline.services import departures as departure_services
from zhongjian.pipeline.services import selection as selection_services
from zhongjian.pipeline.workflow import allowed_targets

router = Router(tags=["提拔·流动"])


def _is_org(context: Any) -> bool:
    request = context["request"]
    return getattr(api_user(request, *READ_ROLES), "role", None) == Role.ORG_DEPARTMENT


class VacancyOut(Schema):
    id: int
    post_id: int
    post_title: str = Field(..., alias="post.title")
    unit_id: int
    unit_name: str = Field(..., alias="unit.name")
    tier: Tier = Field(..., alias="post.tier")
    opened_on: datetime.date
    closed_on: datetime.date | None
    # 空缺职数 now: 职数 − current holders, the figure of the vacancy board and the post page
    # (the episode's stored `seats` is its largest shortfall, history, not today's figure).
    seats: int = Field(..., alias="vacant_seats")
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
    stage: SelectionStage
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
    outcome: CandidateOutcome
    outcome_on: datetime.date | None
    decline_reason: DeclineReason | None = None

    @staticmethod
    def resolve_decline_reason(obj: Candidate, context: Any) -> str | None:
        # Reasons are for the organization department only.
        decline = getattr(obj, "decline", None)
        return decline.reason if decline is not None and _is_org(context) else None


class ProcessDetailOut(ProcessOut):
    candidates: list[CandidateOut]
    allowed_targets: list[SelectionStage]
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
    kind: DepartureKind
    destination_level: DestinationLevel
    destination: str
    departed_on: datetime.date
    planned_return_on: datetime.date | None
    returned_on: datetime.date | None
    tier: Tier
    held_leadership: bool
    overdue: bool

    @staticmethod
    def resolve_overdue(obj: Departure) -> bool:
        return obj.is_overdue(timezone.localdate())


class BenchPostOut(Schema):
    post_id: int = Field(..., alias="pk")
    post_title: str = Field(..., alias="title")
    unit_name: str = Field(..., alias="unit.name")
    tier: Tier
    ready_now: int
    ready_soon: int


Id = Field(..., ge=1, le=MAX_ID)


class ProcessIn(Schema):
    post_id: int = Id
    started_on: RegistryDate
    reason: Text(2000, min_length=0) = ""  # type: ignore[valid-type]
    # Required when every vacant seat of the post already has a running selection; recorded in
    # the process timeline and the audit log.
    override_reason: Text(2000, min_length=0) = ""  # type: ignore[valid-type]


class TransitionIn(Schema):
    target: SelectionStage
    on: RegistryDate
    note: Text(2000, min_length=0) = ""  # type: ignore[valid-type]
    notice_started_on: RegistryDate | None = None
    document_no: Text(64, min_length=0) = ""  # type: ignore[valid-type]


class CandidateIn(Schema):
    cadre_id: int = Id
    added_on: RegistryDate


class CandidatePatch(Schema):
    votes: int | None = Field(None, ge=0, le=100_000)
    is_vetting_target: bool | None = None
    vetting_score: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)
    vetting_rank: int | None = Field(None, ge=1, le=10_000)
    vetting_notes: Text(2000, min_length=0) | None = None  # type: ignore[valid-type]
    vetted_on: RegistryDate | None = None
    is_chosen: bool | None = None


class DeclineIn(Schema):
    declined_on: RegistryDate
    reason: DeclineReason
    note: Text(2000, min_length=0) = ""  # type: ignore[valid-type]


class DepartureIn(Schema):
    cadre_id: int = Id
    kind: DepartureKind
    destination_level: DestinationLevel
    departed_on: RegistryDate
    destination: Text(100, min_length=0) = ""  # type: ignore[valid-type]
    planned_return_on: RegistryDate | None = None
    note: Text(2000, min_length=0) = ""  # type: ignore[valid-type]


class ExitInterviewIn(Schema):
    interviewed_on: RegistryDate
    reasons: list[ExitReason]  # type: ignore[valid-type]
    details: Text(2000, min_length=0) = ""  # type: ignore[valid-type]
    would_return_if: Text(2000, min_length=0) = ""  # type: ignore[valid-type]


class ExitInterviewOut(Schema):
    departure_id: int
    interviewed_on: datetime.date
    reasons: list[ExitReason]  # type: ignore[valid-type]


YearFilter = Query[int | None, {"ge": 1900, "le": 2100}]


class VacancyFilters(Schema):
    unit_kind: UnitKind | None = None
    tier: Tier | None = None
    over_six_months: bool = False


@router.get("/vacancies", response=list[VacancyOut], summary="空缺岗位（进行中的空缺）")
@paginate(Pagination)
def vacancy_list(request: HttpRequest, filters: Query[VacancyFilters]) -> Any:
    user = api_user(request, *READ_ROLES)
    return vacancy_selectors.vacancy_list(
        user=user,
        today=timezone.localdate(),
        unit_kind=filters.unit_kind or "",
        tier=filters.tier or "",
        over_six_months=filters.over_six_months,
    )


@router.get("/processes", response=list[ProcessOut], summary="选任流程")
@paginate(Pagination)
def process_list(request: HttpRequest, stage: SelectionStage | None = None) -> Any:
    user = api_user(request, *READ_ROLES)
    return selection_selectors.process_list(user=user, stage=stage or "")


@router.get("/processes/{pk}", response=ProcessDetailOut, summary="选任流程详情")
def process_get(request: HttpRequest, pk: ObjectId) -> SelectionProcess:
    user = api_user(request, *READ_ROLES)
    return selection_selectors.process_get(user=user, pk=pk)


@router.post("/processes", response={201: ProcessOut}, summary="启动选任（动议）")
def process_start(request: HttpRequest, payload: ProcessIn) -> Status[SelectionProcess]:
    user = api_user(request, *WRITE_ROLES)
    post = post_get(user=user, pk=payload.post_id)
    process = selection_services.process_start(
        actor=user,
        post=post,
        started_on=payload.started_on,
        reason=payload.reason,
        override_reason=payload.override_reason,
    )
    return Status(201, process)


@router.post("/processes/{pk}/transition", response=ProcessDetailOut, summary="流程转到下一环节")
def process_transition(
    request: HttpRequest, pk: ObjectId, payload: TransitionIn
) -> SelectionProcess:
    user = api_user(request, *WRITE_ROLES)
    selection_services.process_transition(
        actor=user, process=selection_selectors.process_get(user=user, pk=pk), **payload.dict()
    )
    return selection_selectors.process_get(user=user, pk=pk)


@router.post("/processes/{pk}/candidates", response={201: CandidateOut}, summary="增加人选")
def candidate_add(request: HttpRequest, pk: ObjectId, payload: CandidateIn) -> Status[Candidate]:
    user = api_user(request, *WRITE_ROLES)
    candidate = selection_services.candidate_add(
        actor=user,
        process=selection_selectors.process_get(user=user, pk=pk),
        cadre=cadre_get(user=user, pk=payload.cadre_id),
        added_on=payload.added_on,
    )
    return Status(201, candidate)


@router.patch("/candidates/{pk}", response=CandidateOut, summary="填写推荐、考察或决定情况")
def candidate_update(request: HttpRequest, pk: ObjectId, payload: CandidatePatch) -> Candidate:
    user = api_user(request, *WRITE_ROLES)
    fields = payload.dict(exclude_unset=True)
    return selection_services.candidate_update(
        actor=user, candidate=selection_selectors.candidate_get(user=user, pk=pk), **fields
    )


@router.post("/candidates/{pk}/decline", response={201: CandidateOut}, summary="记录不接受提拔")
def candidate_decline(request: HttpRequest, pk: ObjectId, payload: DeclineIn) -> Status[Candidate]:
    user = api_user(request, *WRITE_ROLES)
    decline = selection_services.candidate_decline(
        actor=user, candidate=selection_selectors.candidate_get(user=user, pk=pk), **payload.dict()
    )
    return Status(201, decline.candidate)


@router.get("/departures", response=list[DepartureOut], summary="离岗记录")
@paginate(Pagination)
def departure_list(
    request: HttpRequest,
    kind: DepartureKind | None = None,
    year: YearFilter = None,
    overdue: bool = False,
) -> Any:
    user = api_user(request, *READ_ROLES)
    return departure_selectors.departure_list(
        user=user, today=timezone.localdate(), kind=kind or "", year=year, overdue_only=overdue
    )


@router.post("/departures", response={201: DepartureOut}, summary="登记离岗")
def departure_record(request: HttpRequest, payload: DepartureIn) -> Status[Departure]:
    user = api_user(request, *WRITE_ROLES)
    fields = payload.dict()
    cadre = cadre_get(user=user, pk=fields.pop("cadre_id"))
    departure = departure_services.departure_record(actor=user, cadre=cadre, **fields)
    return Status(201, departure)


@router.put("/departures/{pk}/exit-interview", response=ExitInterviewOut, summary="记录离岗谈话")
def exit_interview_record(
    request: HttpRequest, pk: ObjectId, payload: ExitInterviewIn
) -> dict[str, Any]:
    user = api_user(request, *WRITE_ROLES)
    interview = departure_services.exit_interview_record(
        actor=user,
        departure=departure_selectors.departure_get(user=user, pk=pk),
        **payload.dict(),
    )
    return {
        "departure_id": interview.departure_id,
        "interviewed_on": interview.interviewed_on,
        "reasons": interview.reasons,
    }


@router.get("/bench", response=list[BenchPostOut], summary="后备梯队（每个中层岗位）")
@paginate(Pagination)
def bench_posts(request: HttpRequest, tier: Tier | None = None, empty_only: bool = False) -> Any:
    user = api_user(request, *READ_ROLES)
    return bench_selectors.bench_posts(user=user, tier=tier or "", empty_only=empty_only)


@router.get("/indicators", summary="提拔·流动指标")
def pipeline_indicators(request: HttpRequest) -> dict[str, Any]:
    user = api_user(request, *READ_ROLES)
    figures = indicator_selectors.pipeline_indicators(user=user, today=timezone.localdate())
    out = dataclasses.asdict(figures)
    out["upward_fuke_percent"] = figures.upward_fuke_percent
    out["posts_vacant_over_six_months_percent"] = figures.posts_vacant_over_six_months_percent
    for key in ("refusal_by_tier", "refusal_by_unit_kind", "refusal_by_year"):
        for row, rate in zip(out[key], getattr(figures, key), strict=True):
            row["percent"] = rate.percent
    return out
