"""JSON API of insight (/api/v1/insight/): the indicator catalogue and values, scoped like the
dashboard (a unit head always gets their own unit; a unit of another county is a 404)."""

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from zhongjian.accounts.roles import Role
from zhongjian.core.api import api_user
from zhongjian.core.errors import ValidationError
from zhongjian.insight.dashboard import resolve_scope
from zhongjian.insight.registry import Period, catalogue, indicator_values

router = Router(tags=["研判"])
READ_ROLES = (Role.ORG_DEPARTMENT, Role.UNIT_HEAD)


class IndicatorOut(Schema):
    code: str
    name: str
    formula: str
    unit: str
    direction: str
    module: str


class PartOut(Schema):
    label: str
    value: float | None
    numerator: float | None
    denominator: float | None


class ValueOut(Schema):
    code: str
    value: float | None
    numerator: float | None
    denominator: float | None
    parts: list[PartOut]
    note: str


class ValuesOut(Schema):
    start: datetime.date
    end: datetime.date
    unit_kind: str
    unit_id: int | None
    values: list[ValueOut]


class ValuesQuery(Schema):
    unit_kind: str = Field("", max_length=32, description="单位类型，如 township")
    unit: int | None = Field(None, ge=1, le=2**31 - 1, description="单位 ID")
    start: datetime.date | None = Field(None, description="期间开始（含），默认期末前12个月")
    end: datetime.date | None = Field(None, description="期间结束（含），默认今天")
    module: str = Field("", max_length=32, description="只取某个模块的指标，如 org")


@router.get("/indicators", response=list[IndicatorOut], summary="指标目录")
def indicators(request: HttpRequest) -> list[dict[str, Any]]:
    api_user(request, *READ_ROLES)
    return [
        {
            "code": i.code,
            "name": str(i.name),
            "formula": str(i.formula),
            "unit": str(i.unit),
            "direction": str(i.direction),
            "module": i.module,
        }
        for i in catalogue()
    ]


@router.get("/values", response=ValuesOut, summary="指标值（按范围和期间）")
def values(request: HttpRequest, query: Query[ValuesQuery]) -> dict[str, Any]:
    user = api_user(request, *READ_ROLES)
    today = timezone.localdate()
    end = query.end or today
    if end > today:
        raise ValidationError("期间结束日期不能晚于今天。")
    period = Period(query.start, end) if query.start else Period.year_to(end)
    if period.start > period.end or period.start.year < 2000:
        raise ValidationError("期间开始日期须早于结束日期，且不早于2000年。")
    scope = resolve_scope(user, unit_kind=query.unit_kind, unit_id=query.unit)
    found = indicator_values(
        user, scope=scope, period=period, modules=[query.module] if query.module else None
    )
    return {
        "start": period.start,
        "end": period.end,
        "unit_kind": scope.unit_kind,
        "unit_id": scope.unit_id,
        "values": [
            {
                "code": v.code,
                "value": v.value,
                "numerator": v.numerator,
                "denominator": v.denominator,
                "parts": [p.__dict__ for p in v.parts],
                "note": v.note,
            }
            for v in found.values()
        ],
    }
