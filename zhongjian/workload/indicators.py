"""Workload's contribution to the indicator layer (研判): 下挤上压 figures for a scope, period."""

import statistics
from typing import Any

from django.utils.translation import gettext_lazy as _

from zhongjian.accounts.roles import Role
from zhongjian.core.permissions import scope_for
from zhongjian.insight.registry import (
    Direction,
    Indicator,
    IndicatorScope,
    Period,
    Provider,
    Value,
)
from zhongjian.org.models import Unit
from zhongjian.workload.selectors import compute_indicators, month_start

INDICATORS = (
    Indicator(
        "workload.demands_per_cadre",
        _("人均上级任务（每月）"),
        _("各月上级任务件数 ÷ 月末在职干部数，取平均；一件下达多单位时各计一件。"),
        _("件/人·月"),
        Direction.LOWER_BETTER,
        "workload",
    ),
    Indicator(
        "workload.issuing_organs",
        _("下达机关数（每月平均）"),
        _("每月下达任务的不同机关个数（多头），取各月平均。"),
        _("个"),
        Direction.LOWER_BETTER,
        "workload",
    ),
    Indicator(
        "workload.median_lead_days",
        _("完成时限中位数"),
        _("有完成时限的任务从下达日到完成时限的自然日数的中位数。"),
        _("天"),
        Direction.HIGHER_BETTER,
        "workload",
    ),
    Indicator(
        "workload.inspection_months_over_cap",
        _("督查检查超过上限的单位月数"),
        _("现场督查检查考核件数超过当时有效上限（减负规则表）的“单位×月”个数。"),
        _("个"),
        Direction.LOWER_BETTER,
        "workload",
    ),
)


def _unit_ids(user: Any, scope: IndicatorScope) -> set[int] | None:
    """The units of SCOPE inside the user's own: a unit head is always their unit."""
    own = scope_for(user)
    if own.unit_ids is not None:
        return set(own.unit_ids)
    if scope.unit_id is not None:
        return {scope.unit_id}
    if scope.unit_kind:
        units = Unit.objects.filter(county_id=own.county_id, kind=scope.unit_kind)
        return set(units.values_list("id", flat=True))
    return None


def _workload(user: Any, *, scope: IndicatorScope, period: Period) -> dict[str, Value]:
    county = scope_for(user).county_id
    if county is None:
        return {}
    unit_ids = _unit_ids(user, scope)
    first, last = month_start(period.start), month_start(period.end)
    months = compute_indicators(
        county_id=county, unit_ids=unit_ids, month_from=first, month_to=last, by_unit=False
    ).values()
    per_cadre = [m.per_cadre for m in months if m.per_cadre is not None]
    leads = [lead for m in months for lead in m.lead_days]
    units = compute_indicators(
        county_id=county,
        unit_ids=unit_ids,
        month_from=first,
        month_to=last,
        by_unit=True,
        with_lead_days=False,
    ).values()
    months = list(months)
    return {
        "workload.demands_per_cadre": Value(
            "workload.demands_per_cadre",
            round(statistics.fmean(per_cadre), 2) if per_cadre else None,
            note="" if per_cadre else str(_("期间内没有在职干部")),
        ),
        "workload.issuing_organs": Value(
            "workload.issuing_organs",
            round(statistics.fmean(m.issuing_organs for m in months), 1) if months else None,
        ),
        "workload.median_lead_days": Value(
            "workload.median_lead_days",
            float(statistics.median(leads)) if leads else None,
            note="" if leads else str(_("期间内没有带完成时限的任务")),
        ),
        "workload.inspection_months_over_cap": Value(
            "workload.inspection_months_over_cap",
            float(sum(1 for m in units if m.inspections_over_cap > 0)),
        ),
    }


PROVIDERS = [
    Provider(
        module="workload",
        indicators=INDICATORS,
        compute=_workload,
        roles=(Role.ORG_DEPARTMENT, Role.UNIT_HEAD),
    )
]
