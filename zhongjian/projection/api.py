"""JSON API of the projection (/api/v1/projection/): saved scenarios and projection runs.

Only the organization department of a county uses it (the projection is county-wide); every
other role, unit heads included, gets 403, and a scenario of another county 404.
"""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from zhongjian.core.errors import ValidationError
from zhongjian.projection import reports
from zhongjian.projection.engine import ModelError
from zhongjian.projection.scenarios import MAX_RUNS, Levers
from zhongjian.projection.selectors import projection_estimate, scenario_get, scenario_list
from zhongjian.projection.services import scenario_delete, scenario_save

router = Router(tags=["队伍预测"])


def _caller(request: HttpRequest) -> Any:
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


class LeversIn(Schema):
    exit_cut: dict[str, float] = Field(default_factory=dict, description="离岗方式 → 降低 %")
    refusal_cut: float = 0
    recruits: dict[str, int] = Field(default_factory=dict, description="层级 → 每年招录人数")
    upward_quota: int | None = None
    rank_step_months: int = 0
    retirement_reform: bool = True


class ScenarioIn(Schema):
    name: str = Field(..., max_length=60)
    note: str = Field("", max_length=200)
    levers: LeversIn


class ScenarioOut(Schema):
    id: int
    name: str
    note: str
    levers: dict
    description: str


class RunIn(Schema):
    levers: LeversIn = Field(default_factory=LeversIn)
    years: int = Field(10, ge=1, le=30)
    runs: int = Field(200, ge=0, le=MAX_RUNS)


class RunOut(Schema):
    description: str
    result: dict
    trend: dict


def _out(scenario: Any) -> dict:
    return {
        "id": scenario.pk,
        "name": scenario.name,
        "note": scenario.note,
        "levers": scenario.levers,
        "description": reports.describe_levers(scenario.levers),
    }


@router.get("/scenarios", response=list[ScenarioOut], summary="保存的预测方案")
def scenarios(request: HttpRequest) -> list[dict]:
    return [_out(s) for s in scenario_list(user=_caller(request))]


@router.post("/scenarios", response={201: ScenarioOut}, summary="保存预测方案")
def scenario_create(request: HttpRequest, payload: ScenarioIn) -> Status:
    scenario = scenario_save(
        actor=_caller(request),
        name=payload.name,
        note=payload.note,
        levers=payload.levers.model_dump(),
    )
    return Status(201, _out(scenario))


@router.get("/scenarios/{scenario_id}", response=ScenarioOut, summary="预测方案")
def scenario_detail(request: HttpRequest, scenario_id: int) -> dict:
    return _out(scenario_get(user=_caller(request), pk=scenario_id))


@router.delete("/scenarios/{scenario_id}", response={204: None}, summary="删除预测方案")
def scenario_remove(request: HttpRequest, scenario_id: int) -> Status:
    user = _caller(request)
    scenario_delete(actor=user, scenario=scenario_get(user=user, pk=scenario_id))
    return Status(204, None)


def _run(user: Any, levers: dict, *, years: int, runs: int) -> dict:
    today = timezone.localdate()
    baseline = projection_estimate(user=user, today=today).baseline
    try:
        chosen = Levers.from_dict(levers)
        (_, trend), (_, result) = reports.run_many(
            baseline,
            [(reports.TREND_NAME, Levers()), ("", chosen)],
            start_year=today.year,
            years=years,
            runs=runs,
        )
    except ModelError as exc:
        raise ValidationError(exc.message) from None
    return {
        "description": reports.describe_levers(levers),
        "result": result.as_json(),
        "trend": trend.as_json(),
    }


@router.post("/runs", response=RunOut, summary="按政策杠杆运行预测（与现行趋势对照）")
def run(request: HttpRequest, payload: RunIn) -> dict:
    return _run(
        _caller(request), payload.levers.model_dump(), years=payload.years, runs=payload.runs
    )


@router.get("/scenarios/{scenario_id}/run", response=RunOut, summary="运行保存的预测方案")
def scenario_run(request: HttpRequest, scenario_id: int, years: int = 10, runs: int = 200) -> dict:
    user = _caller(request)
    scenario = scenario_get(user=user, pk=scenario_id)
    if not 1 <= years <= 30 or not 0 <= runs <= MAX_RUNS:
        raise ValidationError(f"years 应在 1–30 之间，runs 应在 0–{MAX_RUNS} 之间。")
    return _run(user, scenario.levers, years=years, runs=runs)
