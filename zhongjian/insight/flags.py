"""Structural flags per person (结构性提示): transparent rules, for the 组织部 only.

No model score is ever shown for a person: these are facts from the registry and the pipeline
with the rule that raised them, so that the 组织部 can look at a case. Each read is audited.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from zhongjian.accounts.roles import Role
from zhongjian.core.audit import audit_record
from zhongjian.core.models import AuditAction
from zhongjian.core.permissions import scoped
from zhongjian.insight.indicators import (
    STUCK_YEARS,
    _retiring_bounds,
    first_in_tier,
    mid_level_holders,
    retires_by,
)
from zhongjian.insight.registry import IndicatorScope
from zhongjian.org.choices import MID_LEVEL_TIERS, CadreStatus, Tier
from zhongjian.org.models import Cadre
from zhongjian.org.rules import add_months, retirement_rules
from zhongjian.pipeline.choices import DepartureKind, SelectionStage
from zhongjian.pipeline.models import Departure, SelectionProcess


@dataclass(frozen=True)
class Flag:
    cadre_id: int
    name: str
    unit: str
    rule: str
    evidence: str


@transaction.atomic
def structural_flags(*, user: Any, day: datetime.date) -> list[Flag]:
    """Every flag in the county on DAY, with an audit row for the read."""
    if user.role != Role.ORG_DEPARTMENT:
        raise PermissionDenied
    scope = IndicatorScope()
    found: list[tuple[int, str, str]] = []
    rank = {tier: index for index, tier in enumerate(MID_LEVEL_TIERS)}
    holders = mid_level_holders(user, scope, day)
    tier_of: dict[int, str] = {}
    for cadre, tier, *_rest in holders:
        if cadre not in tier_of or rank[tier] < rank[tier_of[cadre]]:
            tier_of[cadre] = tier
    first = first_in_tier(user, set(tier_of))
    for cadre, tier in tier_of.items():
        years = (day - first[(cadre, tier)]).days / 365.25
        if years >= STUCK_YEARS:
            found.append(
                (
                    cadre,
                    _("在同一层级任职满%(n)d年") % {"n": STUCK_YEARS},
                    _("自 %(day)s 起任%(tier)s岗位，已 %(years).1f 年")
                    % {"day": first[(cadre, tier)], "tier": Tier(tier).label, "years": years},
                )
            )
    for cadre, planned in (
        scoped(Departure.objects.filter(kind=DepartureKind.SECONDMENT), user)
        .filter(
            returned_on__isnull=True,
            followed_by__isnull=True,
            planned_return_on__lt=day,
            departed_on__lte=day,
        )
        .values_list("cadre_id", "planned_return_on")
    ):
        found.append((cadre, _("借调超过计划返回日期"), _("计划 %(day)s 返回") % {"day": planned}))
    for cadre, review in (
        scoped(SelectionProcess.objects.filter(stage=SelectionStage.APPOINTED), user)
        .filter(
            probation_review_on__lt=day,
            probation_review_on__gte=add_months(day, -12),
            appointment__end_date__isnull=True,
        )
        .values_list("appointment__cadre_id", "probation_review_on")
    ):
        found.append(
            (
                cadre,
                _("试用期满考核已到期"),
                _("%(day)s 到期，系统中没有考核结果记录") % {"day": review},
            )
        )
    bounds = _retiring_bounds(add_months(day, 12), retirement_rules(county_id=user.county_id))
    retiring = scoped(Cadre.objects.filter(status=CadreStatus.ACTIVE), user).values_list(
        "id", "gender", "is_worker", "birth_date"
    )
    for cadre, gender, worker, birth in retiring:
        if retires_by(bounds, gender=gender, is_worker=worker, birth_date=birth):
            found.append((cadre, _("1年内达到法定退休年龄"), _("出生于 %(day)s") % {"day": birth}))
    people = {
        pk: (name, unit)
        for pk, name, unit in scoped(Cadre.objects.all(), user)
        .filter(pk__in={cadre for cadre, _r, _e in found})
        .values_list("pk", "name", "unit__name")
    }
    flags = [
        Flag(cadre, *people[cadre], rule, evidence)
        for cadre, rule, evidence in found
        if cadre in people
    ]
    flags.sort(key=lambda f: (f.unit, f.name, f.rule))
    audit_record(
        actor=user,
        action=AuditAction.READ,
        object_type="insight.flags",
        summary=_("查看结构性提示：%(n)d 条，涉及 %(p)d 人")
        % {"n": len(flags), "p": len({f.cadre_id for f in flags})},
    )
    return flags
