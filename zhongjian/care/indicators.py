"""Care's contribution to the indicator layer: k-safe counts and timeliness, never a person.

Only the organization department gets values, county-wide or by unit type, through
`care_aggregates` (groups smaller than k are suppressed there); a single unit gets none.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from zhongjian.accounts.roles import Role
from zhongjian.care.aggregates import care_aggregates
from zhongjian.insight.registry import (
    Direction,
    Indicator,
    IndicatorScope,
    Period,
    Provider,
    Value,
)

INDICATORS = (
    Indicator(
        "care.open_cases",
        _("进行中的疏导个案"),
        _("期末状态为新建、已联系或进行中的疏导个案数；少于 k 人的分组不显示。"),
        _("个"),
        Direction.NEUTRAL,
        "care",
    ),
    Indicator(
        "care.overdue_follow_ups",
        _("逾期未跟进"),
        _("计划日期已过仍未完成的跟进交流次数；少于 k 人的分组不显示。"),
        _("次"),
        Direction.LOWER_BETTER,
        "care",
    ),
    Indicator(
        "care.days_to_first_contact",
        _("首次联系用时中位数"),
        _("期间内提出的申请从提出到首次联系的工作日数的中位数；少于 k 人的分组不显示。"),
        _("个工作日"),
        Direction.LOWER_BETTER,
        "care",
    ),
)
_FIELDS = {
    "care.open_cases": "open_cases",
    "care.overdue_follow_ups": "overdue_follow_ups",
    "care.days_to_first_contact": "median_working_days_to_first_contact",
}


def _care(user: Any, *, scope: IndicatorScope, period: Period) -> dict[str, Value]:
    if scope.unit_id is not None:
        note = str(_("疏导数据不按单位统计"))
        return {code: Value(code, None, note=note) for code in _FIELDS}
    rows = care_aggregates(
        user,
        group_by="unit_kind" if scope.unit_kind else "county",
        period=(period.start, period.end),
        today=period.end,
    )
    row = next(r for r in rows if r.key == (scope.unit_kind or "total"))
    note = str(_("不足 k 人，不显示")) if row.suppressed else ""
    values = {}
    for code, name in _FIELDS.items():
        figure = getattr(row, name)
        values[code] = Value(code, None if figure is None else float(figure), note=note)
    return values


PROVIDERS = [
    Provider(module="care", indicators=INDICATORS, compute=_care, roles=(Role.ORG_DEPARTMENT,))
]
