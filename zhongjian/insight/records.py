"""The records behind a dashboard figure (指标明细), for roles that may see individuals.

Each key names the rows an indicator counts; the rows are read through `scoped`, so a unit head
sees their unit's rows only. Survey and care figures have no records: they are aggregates.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongjian.core.permissions import scoped
from zhongjian.insight.indicators import (
    ADMIN_ESTABLISHMENTS,
    LONG_VACANCY_MONTHS,
    PERMANENT_EXITS,
    STUCK_YEARS,
    _retiring_bounds,
    first_in_tier,
    mid_level_holders,
    retires_by,
)
from zhongjian.insight.registry import IndicatorScope, Period
from zhongjian.org.choices import MID_LEVEL_TIERS, CadreStatus, Establishment
from zhongjian.org.models import Cadre
from zhongjian.org.rules import add_months, retirement_rules
from zhongjian.org.selectors import post_list
from zhongjian.pipeline.choices import BenchReadiness, DepartureKind
from zhongjian.pipeline.models import Decline, Departure, Vacancy


@dataclass(frozen=True)
class Records:
    title: str
    columns: list[str]
    rows: list[tuple[str, list[str]]]  # (link, cells)


def _cadre_rows(cadres: Any, day: datetime.date) -> list[tuple[str, list[str]]]:
    return [
        (
            reverse("org:cadre_detail", args=[c.pk]),
            [c.name, c.unit.name, str(c.age_on(day)), c.get_establishment_display()],
        )
        for c in cadres.select_related("unit").order_by("unit__code", "birth_date")[:500]
    ]


CADRE_COLUMNS = [
    gettext_lazy("姓名"),
    gettext_lazy("单位"),
    gettext_lazy("年龄"),
    gettext_lazy("编制"),
]


def _active(user: Any, scope: IndicatorScope) -> Any:
    return scoped(Cadre.objects.filter(status=CadreStatus.ACTIVE), user).filter(**scope.filters())


def _headcount(user: Any, scope: IndicatorScope, period: Period) -> Records:
    return Records(_("在职干部"), CADRE_COLUMNS, _cadre_rows(_active(user, scope), period.end))


def _young(age: int) -> Callable[[Any, IndicatorScope, Period], Records]:
    def read(user: Any, scope: IndicatorScope, period: Period) -> Records:
        cadres = _active(user, scope).filter(birth_date__gt=add_months(period.end, -12 * age))
        return Records(
            _("%(age)d岁以下在职干部") % {"age": age},
            CADRE_COLUMNS,
            _cadre_rows(cadres, period.end),
        )

    return read


def _holders_where(
    user: Any, scope: IndicatorScope, day: datetime.date, keep: Callable[[tuple[Any, ...]], bool]
) -> set[int]:
    return {row[0] for row in mid_level_holders(user, scope, day) if keep(row)}


def _mixed(user: Any, scope: IndicatorScope, period: Period) -> Records:
    ids = _holders_where(
        user,
        scope,
        period.end,
        lambda r: r[5] == Establishment.PUBLIC_INSTITUTION and r[6] in ADMIN_ESTABLISHMENTS,
    )
    cadres = _active(user, scope).filter(pk__in=ids)
    return Records(_("混编混岗人员"), CADRE_COLUMNS, _cadre_rows(cadres, period.end))


def _retiring(user: Any, scope: IndicatorScope, period: Period) -> Records:
    bounds = _retiring_bounds(
        add_months(period.end, 60), retirement_rules(county_id=user.county_id)
    )
    ids = _holders_where(
        user,
        scope,
        period.end,
        lambda r: retires_by(bounds, gender=r[3], is_worker=r[4], birth_date=r[2]),
    )
    cadres = _active(user, scope).filter(pk__in=ids)
    return Records(_("5年内到龄退休的中层干部"), CADRE_COLUMNS, _cadre_rows(cadres, period.end))


def _stuck(user: Any, scope: IndicatorScope, period: Period) -> Records:
    rank = {tier: index for index, tier in enumerate(MID_LEVEL_TIERS)}
    tier_of: dict[int, str] = {}
    for cadre, tier, *_rest in mid_level_holders(user, scope, period.end):
        if cadre not in tier_of or rank[tier] < rank[tier_of[cadre]]:
            tier_of[cadre] = tier
    first = first_in_tier(user, set(tier_of))
    cutoff = add_months(period.end, -12 * STUCK_YEARS)
    ids = {cadre for cadre, tier in tier_of.items() if first[(cadre, tier)] <= cutoff}
    cadres = _active(user, scope).filter(pk__in=ids)
    return Records(
        _("在现层级任职满%(n)d年的中层干部") % {"n": STUCK_YEARS},
        CADRE_COLUMNS,
        _cadre_rows(cadres, period.end),
    )


def _post_rows(posts: Any) -> list[tuple[str, list[str]]]:
    return [
        (
            reverse("org:post_detail", args=[p.pk]),
            [p.unit.name, p.title, p.get_tier_display(), str(p.headcount), str(p.holder_count)],
        )
        for p in posts.order_by("unit__code", "tier", "title")[:500]
    ]


POST_COLUMNS = [
    gettext_lazy("单位"),
    gettext_lazy("岗位"),
    gettext_lazy("层级"),
    gettext_lazy("职数"),
    gettext_lazy("现任人数"),
]


def _mid_posts(user: Any, scope: IndicatorScope) -> Any:
    return post_list(user=user).filter(tier__in=MID_LEVEL_TIERS, **scope.filters())


def _vacant_posts(user: Any, scope: IndicatorScope, period: Period) -> Records:
    posts = _mid_posts(user, scope).filter(holder_count__lt=F("headcount"))
    return Records(_("有空缺职数的中层岗位"), POST_COLUMNS, _post_rows(posts))


def _no_bench(user: Any, scope: IndicatorScope, period: Period) -> Records:
    posts = _mid_posts(user, scope).annotate(
        ready=Count(
            "bench",
            filter=Q(bench__removed_on__isnull=True, bench__readiness=BenchReadiness.READY_NOW),
        )
    )
    return Records(
        _("没有“现在可用”后备人选的中层岗位"), POST_COLUMNS, _post_rows(posts.filter(ready=0))
    )


def _long_vacancies(user: Any, scope: IndicatorScope, period: Period) -> Records:
    day = period.end
    rows = (
        scoped(Vacancy.objects.filter(post__is_active=True, post__tier__in=MID_LEVEL_TIERS), user)
        .filter(opened_on__lte=add_months(day, -LONG_VACANCY_MONTHS), **scope.filters())
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
        .select_related("post", "unit")
        .order_by("opened_on")[:500]
    )
    return Records(
        _("空缺超过6个月的中层岗位"),
        [_("单位"), _("岗位"), _("出缺时间"), _("已空缺（天）")],
        [
            (
                reverse("org:post_detail", args=[v.post_id]),
                [v.unit.name, v.post.title, str(v.opened_on), str((day - v.opened_on).days)],
            )
            for v in rows
        ],
    )


def _declines(user: Any, scope: IndicatorScope, period: Period) -> Records:
    rows = (
        scoped(Decline.objects.all(), user)
        .filter(declined_on__gte=period.start, declined_on__lte=period.end, **scope.filters())
        .select_related("cadre", "unit", "post")
        .order_by("-declined_on")[:500]
    )
    return Records(
        _("期内不接受提拔"),
        [_("姓名"), _("单位"), _("拟任岗位"), _("日期"), _("主要原因")],
        [
            (
                reverse("pipeline:cadre_record", args=[d.cadre_id]),
                [
                    d.cadre.name,
                    d.unit.name,
                    d.post.title,
                    str(d.declined_on),
                    d.get_reason_display(),
                ],
            )
            for d in rows
        ],
    )


def _exits(user: Any, scope: IndicatorScope, period: Period) -> Records:
    rows = (
        scoped(Departure.objects.filter(kind__in=PERMANENT_EXITS), user)
        .filter(departed_on__gte=period.start, departed_on__lte=period.end, **scope.filters())
        .select_related("cadre", "unit")
        .order_by("-departed_on")[:500]
    )
    return Records(
        _("期内离岗（不含借调）"),
        [_("姓名"), _("原单位"), _("离岗方式"), _("日期"), _("离岗时层级")],
        [
            (
                reverse("pipeline:departure_detail", args=[d.pk]),
                [
                    d.cadre.name,
                    d.unit.name,
                    d.get_kind_display(),
                    str(d.departed_on),
                    d.get_tier_display(),
                ],
            )
            for d in rows
        ],
    )


def _overdue(user: Any, scope: IndicatorScope, period: Period) -> Records:
    day = period.end
    rows = (
        scoped(Departure.objects.filter(kind=DepartureKind.SECONDMENT), user)
        .filter(
            departed_on__lte=day,
            planned_return_on__lt=day,
            followed_by__isnull=True,
            **scope.filters(),
        )
        .filter(Q(returned_on__isnull=True) | Q(returned_on__gt=day))
        .select_related("cadre", "unit")
        .order_by("planned_return_on")[:500]
    )
    return Records(
        _("借调逾期未归"),
        [_("姓名"), _("原单位"), _("去向单位"), _("计划返回")],
        [
            (
                reverse("pipeline:departure_detail", args=[d.pk]),
                [d.cadre.name, d.unit.name, d.destination, str(d.planned_return_on)],
            )
            for d in rows
        ],
    )


RECORDS: dict[str, Callable[[Any, IndicatorScope, Period], Records]] = {
    "headcount": _headcount,
    "young_35": _young(35),
    "young_40": _young(40),
    "vacant_posts": _vacant_posts,
    "mixed_posting": _mixed,
    "retiring_5y_mid": _retiring,
    "stuck": _stuck,
    "declines": _declines,
    "long_vacancies": _long_vacancies,
    "exits": _exits,
    "no_bench": _no_bench,
    "overdue_secondments": _overdue,
}
