"""JSON API of the workload register (/api/v1/workload/), scoped exactly as the web pages.

The 组织部 reads and writes for every unit of its county, a unit head for their own unit only;
every other role gets 403, an object outside the caller's scope 404.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhongjian.core.api import (
    MAX_ID,
    ObjectId,
    OptionalId,
    Pagination,
    RegistryDate,
    Text,
    api_user,
)
from zhongjian.core.errors import ValidationError
from zhongjian.workload import services
from zhongjian.workload.choices import DemandKind, DocumentCategory, OrganLevel
from zhongjian.workload.models import Demand, DemandReceipt, Organ
from zhongjian.workload.selectors import (
    WORKLOAD_ROLES,
    demand_for,
    organ_list,
    parse_month,
    receipt_for,
    receipt_list,
    unit_for,
    workload_indicators,
)

router = Router(tags=["减负·上级任务"])


class OrganOut(Schema):
    id: int
    name: str
    level: OrganLevel
    department: str


class OrganIn(Schema):
    name: Text(100)  # type: ignore[valid-type]
    level: OrganLevel
    department: Text(100, min_length=0) = ""  # type: ignore[valid-type]


class ReceiptOut(Schema):
    unit_id: int
    unit_name: str = Field(..., alias="unit.name")
    completed_on: datetime.date | None


class DemandOut(Schema):
    id: int
    title: str
    organ_id: int
    organ_name: str = Field(..., alias="organ.name")
    kind: DemandKind
    issued_on: datetime.date
    deadline: datetime.date | None
    lead_days: int | None
    document_no: str
    doc_category: str
    char_count: int | None
    meeting_hours: Decimal | None
    accompany_required: bool
    attendees: int | None
    onsite: bool
    inspection_days: int | None
    table_count: int | None
    trace_required: bool
    receipts: list[ReceiptOut]

    @staticmethod
    def resolve_receipts(obj: Demand, context: Any) -> list[DemandReceipt]:
        request = context["request"]
        return list(receipt_list(api_user(request, *WORKLOAD_ROLES)).filter(demand=obj))


class DemandValues(Schema):
    title: Text(200)  # type: ignore[valid-type]
    kind: DemandKind
    issued_on: RegistryDate
    deadline: RegistryDate | None = None
    document_no: Text(64, min_length=0) = ""  # type: ignore[valid-type]
    doc_category: DocumentCategory | None = None
    char_count: int | None = Field(None, ge=0, le=10_000_000)
    meeting_hours: Decimal | None = Field(None, ge=0, le=240, decimal_places=1)
    accompany_required: bool = False
    attendees: int | None = Field(None, ge=0, le=999)
    onsite: bool = False
    inspection_days: int | None = Field(None, ge=0, le=365)
    table_count: int | None = Field(None, ge=0, le=999)
    trace_required: bool = False
    trace_photos: bool = False
    trace_group_checkin: bool = False
    trace_ledger: bool = False


class DemandIn(DemandValues):
    organ_id: int = Field(..., ge=1, le=MAX_ID)
    unit_ids: list[int] = Field(..., min_length=1, max_length=500)


class DemandUpdate(DemandValues):
    organ_id: OptionalId = None


class CompleteIn(Schema):
    unit_id: int = Field(..., ge=1, le=MAX_ID)
    completed_on: RegistryDate | None


class DemandFilters(Schema):
    unit_id: OptionalId = None
    organ_id: OptionalId = None
    kind: DemandKind | None = None
    month: str | None = Field(None, pattern=r"^\d{4}-\d{2}$")
    open_only: bool = False


def _organ(user: Any, pk: int) -> Organ:
    from django.http import Http404

    try:
        return organ_list(user).get(pk=pk)
    except Organ.DoesNotExist as exc:
        raise Http404 from exc


def _month(text: str, name: str) -> datetime.date:
    try:
        return parse_month(text)
    except ValueError as exc:
        raise ValidationError(f"{name}应为 YYYY-MM 格式的月份。") from exc


@router.get("/workload/organs", response=list[OrganOut], summary="下达机关")
def organs(request: HttpRequest, q: str = "") -> Any:
    return list(organ_list(api_user(request, *WORKLOAD_ROLES), query=q[:50]))


@router.post("/workload/organs", response={201: OrganOut}, summary="新增下达机关")
def organ_create(request: HttpRequest, payload: OrganIn) -> Any:
    user = api_user(request, *WORKLOAD_ROLES)
    organ = services.organ_create(actor=user, **payload.dict())
    return Status(201, organ)


@router.get(
    "/workload/demands",
    response=list[DemandOut],
    summary="上级任务（按单位、类型、机关、月份筛选）",
)
@paginate(Pagination)
def demands(request: HttpRequest, filters: Query[DemandFilters]) -> Any:
    user = api_user(request, *WORKLOAD_ROLES)
    receipts = receipt_list(
        user,
        unit_id=filters.unit_id,
        kind=filters.kind or "",
        organ_id=filters.organ_id,
        month=_month(filters.month, "month") if filters.month else None,
        open_only=filters.open_only,
    )
    ids = receipts.values("demand_id")
    return Demand.objects.filter(county_id=user.county_id, pk__in=ids).select_related("organ")


@router.get("/workload/demands/{pk}", response=DemandOut, summary="上级任务详情")
def demand_detail(request: HttpRequest, pk: ObjectId) -> Any:
    return demand_for(api_user(request, *WORKLOAD_ROLES), pk=pk)


@router.post(
    "/workload/demands", response={201: DemandOut}, summary="登记上级任务（可下达至多个单位）"
)
def demand_create(request: HttpRequest, payload: DemandIn) -> Any:
    user = api_user(request, *WORKLOAD_ROLES)
    values = payload.dict(exclude={"organ_id", "unit_ids"})
    organ = _organ(user, payload.organ_id)
    units = [unit_for(user, pk=pk) for pk in dict.fromkeys(payload.unit_ids)]
    demand, _added = services.demand_register(actor=user, organ=organ, units=units, values=values)
    return Status(201, demand)


@router.put(
    "/workload/demands/{pk}", response=DemandOut, summary="修改上级任务（未给出的字段保持不变）"
)
def demand_update(request: HttpRequest, pk: ObjectId, payload: DemandUpdate) -> Any:
    user = api_user(request, *WORKLOAD_ROLES)
    demand = demand_for(user, pk=pk)
    organ = _organ(user, payload.organ_id) if payload.organ_id else None
    with transaction.atomic():
        services.demand_update(
            actor=user,
            demand=demand,
            values=payload.dict(exclude={"organ_id"}, exclude_unset=True),
            organ=organ,
        )
    return demand


@router.post("/workload/demands/{pk}/complete", response=DemandOut, summary="记录承办单位办结")
def demand_complete(request: HttpRequest, pk: ObjectId, payload: CompleteIn) -> Any:
    user = api_user(request, *WORKLOAD_ROLES)
    demand = demand_for(user, pk=pk)
    receipt = receipt_for(user, demand=demand, unit_id=payload.unit_id)
    services.demand_complete(actor=user, receipt=receipt, completed_on=payload.completed_on)
    return demand


class IndicatorsOut(Schema):
    month: str
    demands: int
    cadres: int
    per_cadre: float | None
    by_kind: dict[str, int]
    issuing_organs: int
    median_lead_days: float | None
    short_deadline_share: float | None
    meeting_hours: float
    accompany_meetings: int
    inspections: int
    onsite_inspections: int
    inspections_over_cap: int
    long_documents: int
    trace_share: float | None
    yoy_change: float | None
    yoy_increase: bool
    overtime_hours: float
    overtime_hours_per_cadre: float | None


@router.get(
    "/workload/indicators",
    response=list[IndicatorsOut],
    summary="减负指标（单位或全县，按月）",
)
def indicators(
    request: HttpRequest,
    month_from: str = Query(..., pattern=r"^\d{4}-\d{2}$", alias="from"),  # type: ignore[type-arg]
    month_to: str = Query(..., pattern=r"^\d{4}-\d{2}$", alias="to"),  # type: ignore[type-arg]
    unit_id: OptionalId = None,
) -> Any:
    user = api_user(request, *WORKLOAD_ROLES)
    unit = None if unit_id is None else unit_for(user, pk=unit_id)
    rows = workload_indicators(
        user, unit=unit, month_from=_month(month_from, "from"), month_to=_month(month_to, "to")
    )
    return [row.as_json() for row in rows]
