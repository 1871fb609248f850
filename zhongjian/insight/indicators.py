"""Indicators of the registry (org), the pipeline and the surveys (voice), docs/indicators.md.

These providers read the owning apps' models through `scoped` (and voice only through its
k-safe report selector), so every figure is limited to what the acting user may see. The
formulas here are the ones `docs/indicators.md` lists; keep the two in step.
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Count, Min, Q
from django.utils.translation import gettext_lazy as _

from zhongjian.accounts.roles import Role
from zhongjian.core.permissions import scoped
from zhongjian.insight.registry import (
    Direction,
    Indicator,
    IndicatorScope,
    Part,
    Period,
    Provider,
    Value,
    ratio,
)
from zhongjian.insight.wellbeing import WELLBEING, wellbeing_values
from zhongjian.org.choices import MID_LEVEL_TIERS, CadreStatus, Establishment, Gender, Tier
from zhongjian.org.models import Appointment, Cadre, Post, RetirementRule
from zhongjian.org.rules import add_months, latest_birth_date_retiring_by, retirement_rules
from zhongjian.pipeline.choices import BenchReadiness, CandidateOutcome, DepartureKind
from zhongjian.pipeline.models import BenchEntry, Candidate, Departure, Vacancy

READ_ROLES = (Role.ORG_DEPARTMENT, Role.UNIT_HEAD)
ADMIN_ESTABLISHMENTS = (Establishment.ADMINISTRATIVE, Establishment.CIVIL_SERVICE_MANAGED)
STUCK_YEARS = 8
LONG_VACANCY_MONTHS = 6
# Departures that leave the unit for good; a secondment (借调) keeps the cadre on establishment.
PERMANENT_EXITS = [kind for kind in DepartureKind.values if kind != DepartureKind.SECONDMENT]
TIER_LABELS = {tier.value: str(tier.label) for tier in Tier}
FIRST_IN_TIER_LIST = 200  # up to this many cadres, first_in_tier filters by their ids

ORG = (
    Indicator(
        "org.headcount",
        _("在职干部"),
        _("范围内状态为在职的干部人数。"),
        _("人"),
        Direction.NEUTRAL,
        "org",
        records_url="headcount",
    ),
    Indicator(
        "org.young_35",
        _("35岁以下干部占比"),
        _(
            "截至期末未满35周岁的在职干部 ÷ 在职干部 × 100%；"
            "分层级按现任岗位层级（无现任岗位计为一般）。"
        ),
        "%",
        Direction.HIGHER_BETTER,
        "org",
        records_url="young_35",
        parts_by="tier",
    ),
    Indicator(
        "org.young_40",
        _("40岁以下干部占比"),
        _("截至期末未满40周岁的在职干部 ÷ 在职干部 × 100%；分层级同上。"),
        "%",
        Direction.HIGHER_BETTER,
        "org",
        records_url="young_40",
        parts_by="tier",
    ),
    Indicator(
        "org.mid_vacancy_rate",
        _("中层职数空缺率"),
        _(
            "有效中层岗位（正科、副科、股级）的空缺职数之和 ÷ 职数之和 × 100%；"
            "空缺职数 = 职数 − 现任人数（不小于0）。"
        ),
        "%",
        Direction.LOWER_BETTER,
        "org",
        records_url="vacant_posts",
    ),
    Indicator(
        "org.mixed_posting",
        _("混编混岗"),
        _("事业编制在职干部现任编制要求为行政或参公的中层岗位的人数（按人去重）。"),
        _("人"),
        Direction.LOWER_BETTER,
        "org",
        records_url="mixed_posting",
    ),
    Indicator(
        "org.retiring_5y_mid",
        _("5年内到龄退休的中层干部"),
        _("现任中层岗位、按法定退休年龄（含渐进式延迟）将在期末起60个月内到龄的在职干部人数。"),
        _("人"),
        Direction.NEUTRAL,
        "org",
        records_url="retiring_5y_mid",
    ),
    Indicator(
        "org.succession_index",
        _("青黄不接指数"),
        _(
            "5年内到龄退休的中层干部 ÷ 过去5年首次进入中层岗位的人数；"
            "大于1表示按过去的补充速度补不上退休。"
        ),
        _("倍"),
        Direction.LOWER_BETTER,
        "org",
        records_url="retiring_5y_mid",
    ),
    Indicator(
        "org.years_in_tier",
        _("中层干部本层级平均任职年限"),
        _("现任中层干部自首次任现层级岗位至期末的年数的平均值（同层级内交流不重新计算）。"),
        _("年"),
        Direction.NEUTRAL,
        "org",
        records_url="stuck",
        parts_by="tier",
    ),
    Indicator(
        "org.stuck_share",
        _("职位触顶占比"),
        _("在现层级任职满8年仍未晋升的现任中层干部 ÷ 现任中层干部 × 100%。"),
        "%",
        Direction.LOWER_BETTER,
        "org",
        records_url="stuck",
        parts_by="tier",
    ),
)

PIPELINE = (
    Indicator(
        "pipeline.refusal_rate",
        _("拒绝提拔率"),
        _(
            "期内列入人选中本人不接受提拔的人次 ÷ 期内列入人选人次 × 100%（按列入人选日期）；"
            "分层级按拟任岗位层级。"
        ),
        "%",
        Direction.LOWER_BETTER,
        "pipeline",
        records_url="declines",
        parts_by="tier",
    ),
    Indicator(
        "pipeline.fill_days",
        _("空缺补齐时间（中位数）"),
        _("期内补齐的中层岗位空缺，从出缺到补齐的天数的中位数。"),
        _("天"),
        Direction.LOWER_BETTER,
        "pipeline",
        records_url="long_vacancies",
    ),
    Indicator(
        "pipeline.long_vacancy_share",
        _("空缺超过6个月的中层岗位占比"),
        _("期末仍空缺且已空缺超过6个月的有效中层岗位 ÷ 有效中层岗位 × 100%。"),
        "%",
        Direction.LOWER_BETTER,
        "pipeline",
        records_url="long_vacancies",
    ),
    Indicator(
        "pipeline.exit_rate",
        _("离岗率"),
        _("期内离岗（不含借调）人数 ÷（期末在职干部 + 期内离岗人数）× 100%；分离岗方式。"),
        "%",
        Direction.LOWER_BETTER,
        "pipeline",
        records_url="exits",
        parts_by="kind",
    ),
    Indicator(
        "pipeline.upward_fuke_share",
        _("遴选离岗者中实职副科占比"),
        _("期内遴选离岗者中离岗时担任副科级领导职务的人数 ÷ 期内遴选离岗人数 × 100%。"),
        "%",
        Direction.LOWER_BETTER,
        "pipeline",
        records_url="exits",
    ),
    Indicator(
        "pipeline.bench_coverage",
        _("后备覆盖率"),
        _("至少有1名“现在可用”后备人选的有效中层岗位 ÷ 有效中层岗位 × 100%。"),
        "%",
        Direction.HIGHER_BETTER,
        "pipeline",
        records_url="no_bench",
    ),
    Indicator(
        "pipeline.bench_depth",
        _("后备深度"),
        _("有效中层岗位“现在可用”的后备人选数之和 ÷ 有效中层岗位数。"),
        _("人/岗"),
        Direction.HIGHER_BETTER,
        "pipeline",
        records_url="no_bench",
    ),
    Indicator(
        "pipeline.secondment_overdue",
        _("借调逾期未归"),
        _("期末仍在借调、已过计划返回日期且未转为正式离岗的人数。"),
        _("人"),
        Direction.LOWER_BETTER,
        "pipeline",
        records_url="overdue_secondments",
    ),
)


# -- registry -------------------------------------------------------------------------------


def _retiring_bounds(
    day: datetime.date, rules: list[RetirementRule]
) -> dict[tuple[str, bool], Any]:
    """Latest birth date retiring by DAY for each retirement track (gender, is_worker)."""
    return {
        (gender, worker): latest_birth_date_retiring_by(
            gender=gender, is_worker=worker, day=day, rules=rules
        )
        for gender, worker in ((Gender.MALE, False), (Gender.FEMALE, False), (Gender.FEMALE, True))
    }


def retires_by(
    bounds: dict[tuple[str, bool], Any], *, gender: str, is_worker: bool, birth_date: Any
) -> bool:
    key = (gender, gender == Gender.FEMALE and is_worker)
    return birth_date <= bounds[key]


def mid_level_holders(
    user: Any, scope: IndicatorScope, day: datetime.date | None = None
) -> list[tuple[Any, ...]]:
    """(cadre id, tier, birth date, gender, is_worker, establishment, required establishment)
    of each current mid-level appointment of an active cadre in SCOPE (begun by DAY)."""
    rows = scoped(Appointment.objects.filter(end_date__isnull=True), user).filter(
        start_date__lte=day or datetime.date.max,
        post__tier__in=MID_LEVEL_TIERS,
        # Joined tables limited to the county too (the planner then reads only its rows).
        post__county_id=user.county_id,
        cadre__county_id=user.county_id,
        cadre__status=CadreStatus.ACTIVE,
        **scope.filters(),
    )
    return list(
        rows.values_list(
            "cadre_id",
            "post__tier",
            "cadre__birth_date",
            "cadre__gender",
            "cadre__is_worker",
            "cadre__establishment",
            "post__required_establishment",
        ).order_by()
    )


def first_in_tier(user: Any, cadre_ids: set[int]) -> dict[tuple[int, str], datetime.date]:
    """The first day each cadre held a post of each mid-level tier, in any unit of the county.

    CADRE_IDS come from a scoped read; their earlier posts may lie in other units, which a unit
    head may see as part of their own cadres' records.
    """
    if user.county_id is None or not cadre_ids:
        return {}
    rows = Appointment.objects.filter(
        county_id=user.county_id, post__county_id=user.county_id, post__tier__in=MID_LEVEL_TIERS
    )
    if len(cadre_ids) <= FIRST_IN_TIER_LIST:
        rows = rows.filter(cadre_id__in=cadre_ids)
    found = rows.values_list("cadre_id", "post__tier").annotate(first=Min("start_date")).order_by()
    # A county's worth of ids is not sent as a list: the database would test each appointment
    # against the whole list (12 ms for 1,000 ids on the province's county); grouping every
    # mid-level appointment of the county and keeping the wanted cadres here costs 3 ms.
    return {(cadre, tier): first for cadre, tier, first in found if cadre in cadre_ids}


def _years(start: datetime.date, end: datetime.date) -> float:
    return (end - start).days / 365.25


def _org(user: Any, *, scope: IndicatorScope, period: Period) -> dict[str, Value]:
    day = period.end
    cadres = scoped(Cadre.objects.filter(status=CadreStatus.ACTIVE), user).filter(**scope.filters())
    b35, b40 = add_months(day, -12 * 35), add_months(day, -12 * 40)
    totals = cadres.aggregate(
        n=Count("id"),
        y35=Count("id", filter=Q(birth_date__gt=b35)),
        y40=Count("id", filter=Q(birth_date__gt=b40)),
    )
    holders = mid_level_holders(user, scope, day)
    # A cadre's tier is their highest current mid-level post (正科 > 副科 > 股级).
    rank = {tier: index for index, tier in enumerate(MID_LEVEL_TIERS)}
    tier_of: dict[int, tuple[str, datetime.date]] = {}
    for cadre, tier, birth, *_rest in holders:
        if cadre not in tier_of or rank[tier] < rank[tier_of[cadre][0]]:
            tier_of[cadre] = (tier, birth)
    young_parts: dict[str, list[Part]] = {"35": [], "40": []}
    for tier in MID_LEVEL_TIERS:
        births = [birth for t, birth in tier_of.values() if t == tier]
        for age, bound in (("35", b35), ("40", b40)):
            n = sum(birth > bound for birth in births)
            young_parts[age].append(Part(str(tier.label), ratio(n, len(births)), n, len(births)))
    general = totals["n"] - len(tier_of)
    for age, key, bound in (("35", "y35", b35), ("40", "y40", b40)):
        n = totals[key] - sum(birth > bound for _t, birth in tier_of.values())
        young_parts[age].append(Part(str(Tier.GENERAL.label), ratio(n, general), n, general))

    posts = (
        scoped(Post.objects.filter(is_active=True, tier__in=MID_LEVEL_TIERS), user)
        .filter(**scope.filters())
        .values_list("id", "headcount")
        .order_by()
    )
    held = Counter(
        scoped(Appointment.objects.filter(end_date__isnull=True), user)
        .filter(
            post__is_active=True,
            post__tier__in=MID_LEVEL_TIERS,
            post__county_id=user.county_id,
            **scope.filters(),
        )
        .values_list("post_id", flat=True)
    )
    seats = vacant = 0
    for post, headcount in posts:
        seats += headcount
        vacant += max(0, headcount - held[post])

    mixed = {
        cadre
        for cadre, _t, _b, _g, _w, establishment, required in holders
        if establishment == Establishment.PUBLIC_INSTITUTION and required in ADMIN_ESTABLISHMENTS
    }
    rules = retirement_rules(county_id=user.county_id)
    bounds = _retiring_bounds(add_months(day, 60), rules)
    retiring = {
        cadre
        for cadre, _t, birth, gender, worker, *_e in holders
        if retires_by(bounds, gender=gender, is_worker=worker, birth_date=birth)
    }
    five_years_ago = add_months(day, -60)
    entrants = (
        scoped(Appointment.objects.all(), user)
        .filter(post__tier__in=MID_LEVEL_TIERS, post__county_id=user.county_id, **scope.filters())
        .values("cadre_id")
        .annotate(first=Min("start_date"))
        .filter(first__gt=five_years_ago, first__lte=day)
        .count()
    )
    first = first_in_tier(user, set(tier_of))
    tenure: dict[str, list[float]] = defaultdict(list)
    for cadre, (tier, _birth) in tier_of.items():
        tenure[tier].append(_years(first[(cadre, tier)], day))
    all_years = [years for values in tenure.values() for years in values]
    stuck = [sum(y >= STUCK_YEARS for y in tenure[t]) for t in MID_LEVEL_TIERS]

    def mean(values: list[float]) -> float | None:
        return round(statistics.fmean(values), 1) if values else None

    return {
        "org.headcount": Value("org.headcount", totals["n"]),
        "org.young_35": Value(
            "org.young_35",
            ratio(totals["y35"], totals["n"]),
            totals["y35"],
            totals["n"],
            tuple(young_parts["35"]),
        ),
        "org.young_40": Value(
            "org.young_40",
            ratio(totals["y40"], totals["n"]),
            totals["y40"],
            totals["n"],
            tuple(young_parts["40"]),
        ),
        "org.mid_vacancy_rate": Value("org.mid_vacancy_rate", ratio(vacant, seats), vacant, seats),
        "org.mixed_posting": Value("org.mixed_posting", len(mixed)),
        "org.retiring_5y_mid": Value("org.retiring_5y_mid", len(retiring)),
        "org.succession_index": Value(
            "org.succession_index",
            ratio(len(retiring), entrants, percent=False),
            len(retiring),
            entrants,
            note="" if entrants else str(_("过去5年无人首次进入中层岗位")),
        ),
        "org.years_in_tier": Value(
            "org.years_in_tier",
            mean(all_years),
            parts=tuple(
                Part(str(t.label), mean(tenure[t]), None, len(tenure[t])) for t in MID_LEVEL_TIERS
            ),
        ),
        "org.stuck_share": Value(
            "org.stuck_share",
            ratio(sum(stuck), len(all_years)),
            sum(stuck),
            len(all_years),
            tuple(
                Part(str(t.label), ratio(s, len(tenure[t])), s, len(tenure[t]))
                for t, s in zip(MID_LEVEL_TIERS, stuck, strict=True)
            ),
        ),
    }


# -- pipeline -------------------------------------------------------------------------------


def _pipeline(user: Any, *, scope: IndicatorScope, period: Period) -> dict[str, Value]:
    day, start = period.end, period.start
    offers = (
        scoped(Candidate.objects.all(), user, unit_field="process__unit_id")
        .filter(added_on__gte=start, added_on__lte=day, **scope.filters(unit_field="process__unit"))
        .values_list("process__post__tier")
        .annotate(n=Count("id"), declined=Count("id", filter=Q(outcome=CandidateOutcome.DECLINED)))
        .order_by()
    )
    by_tier = {tier: (n, declined) for tier, n, declined in offers}
    total_offers = sum(n for n, _d in by_tier.values())
    total_declined = sum(d for _n, d in by_tier.values())

    vacancies = scoped(
        Vacancy.objects.filter(post__is_active=True, post__tier__in=MID_LEVEL_TIERS), user
    ).filter(**scope.filters())
    filled = [
        (closed - opened).days
        for opened, closed in vacancies.filter(
            closed_on__gte=start, closed_on__lte=day
        ).values_list("opened_on", "closed_on")
    ]
    long_open = (
        vacancies.filter(opened_on__lte=add_months(day, -LONG_VACANCY_MONTHS))
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
        .values("post_id")
        .distinct()
        .count()
    )
    posts = scoped(Post.objects.filter(is_active=True, tier__in=MID_LEVEL_TIERS), user).filter(
        **scope.filters()
    )
    ready = (
        scoped(BenchEntry.objects.filter(removed_on__isnull=True), user)
        .filter(
            readiness=BenchReadiness.READY_NOW,
            post__is_active=True,
            post__tier__in=MID_LEVEL_TIERS,
            cadre__status=CadreStatus.ACTIVE,
            **scope.filters(),
        )
        .values_list("post_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    depth = dict(ready)
    n_posts = posts.count()

    departures = scoped(Departure.objects.all(), user).filter(**scope.filters())
    in_period = departures.filter(departed_on__gte=start, departed_on__lte=day)
    exits = dict(
        in_period.filter(kind__in=PERMANENT_EXITS)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    upward = in_period.aggregate(
        n=Count("id", filter=Q(kind=DepartureKind.UPWARD_SELECTION)),
        fuke=Count(
            "id",
            filter=Q(kind=DepartureKind.UPWARD_SELECTION, tier=Tier.FUKE, held_leadership=True),
        ),
    )
    overdue = (
        departures.filter(
            kind=DepartureKind.SECONDMENT,
            departed_on__lte=day,
            planned_return_on__lt=day,
            followed_by__isnull=True,
        )
        .filter(Q(returned_on__isnull=True) | Q(returned_on__gt=day))
        .count()
    )
    headcount = (
        scoped(Cadre.objects.filter(status=CadreStatus.ACTIVE), user)
        .filter(**scope.filters())
        .count()
    )
    n_exits = sum(exits.values())
    population = headcount + n_exits
    return {
        "pipeline.refusal_rate": Value(
            "pipeline.refusal_rate",
            ratio(total_declined, total_offers),
            total_declined,
            total_offers,
            tuple(
                Part(
                    str(t.label),
                    ratio(by_tier.get(t, (0, 0))[1], by_tier.get(t, (0, 0))[0]),
                    by_tier.get(t, (0, 0))[1],
                    by_tier.get(t, (0, 0))[0],
                )
                for t in MID_LEVEL_TIERS
            ),
        ),
        "pipeline.fill_days": Value(
            "pipeline.fill_days",
            float(statistics.median(filled)) if filled else None,
            None,
            len(filled),
            note="" if filled else str(_("期内没有补齐的空缺")),
        ),
        "pipeline.long_vacancy_share": Value(
            "pipeline.long_vacancy_share", ratio(long_open, n_posts), long_open, n_posts
        ),
        "pipeline.exit_rate": Value(
            "pipeline.exit_rate",
            ratio(n_exits, population),
            n_exits,
            population,
            tuple(
                Part(
                    str(kind.label),
                    ratio(exits.get(kind, 0), population),
                    exits.get(kind, 0),
                    population,
                )
                for kind in DepartureKind
                if kind != DepartureKind.SECONDMENT
            ),
        ),
        "pipeline.upward_fuke_share": Value(
            "pipeline.upward_fuke_share",
            ratio(upward["fuke"], upward["n"]),
            upward["fuke"],
            upward["n"],
        ),
        "pipeline.bench_coverage": Value(
            "pipeline.bench_coverage", ratio(len(depth), n_posts), len(depth), n_posts
        ),
        "pipeline.bench_depth": Value(
            "pipeline.bench_depth",
            ratio(sum(depth.values()), n_posts, percent=False),
            sum(depth.values()),
            n_posts,
        ),
        "pipeline.secondment_overdue": Value("pipeline.secondment_overdue", overdue),
    }


PROVIDERS = [
    # Registry and pipeline first, then the survey aggregates (read through voice's k-safe
    # report selector only).
    Provider(module="org", indicators=ORG, compute=_org, roles=READ_ROLES),
    Provider(module="pipeline", indicators=PIPELINE, compute=_pipeline, roles=READ_ROLES),
    Provider(module="voice", indicators=WELLBEING, compute=wellbeing_values, roles=READ_ROLES),
]
