"""The overview (队伍概览) figures for a user's scope, in a few aggregate queries."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from zhongjian.core.permissions import scope_for, scoped
from zhongjian.insight.registry import IndicatorScope
from zhongjian.org.choices import (
    MID_LEVEL_TIERS,
    CadreStatus,
    Establishment,
    Gender,
    Tier,
    UnitKind,
)
from zhongjian.org.models import Appointment, Cadre, Post, RetirementRule
from zhongjian.org.rules import add_months, latest_birth_date_retiring_by, retirement_rules

AGE_BANDS: list[tuple[str, int, int | None]] = [
    ("30岁以下", 0, 30),
    ("30–34岁", 30, 35),
    ("35–39岁", 35, 40),
    ("40–44岁", 40, 45),
    ("45–49岁", 45, 50),
    ("50–54岁", 50, 55),
    ("55岁及以上", 55, None),
]
ADMINISTRATIVE_ESTABLISHMENTS = (Establishment.ADMINISTRATIVE, Establishment.CIVIL_SERVICE_MANAGED)


@dataclass
class Overview:
    headcount: int
    by_unit_kind: list[tuple[str, int]]
    by_tier: list[tuple[str, int]]
    by_age_band: list[tuple[str, int]]
    by_establishment: list[tuple[str, int]]
    young_share: dict[str, float]  # percentages
    mid_level_posts: int
    mid_level_seats: int
    mid_level_vacant_seats: int
    mid_level_vacant_posts: int
    mixed_posting: int
    retiring_5y: int
    retiring_5y_mid_level: int
    retiring_by_year: list[tuple[int, int]] = field(default_factory=list)


def _labelled(rows: dict[str, int], choices: Any) -> list[tuple[str, int]]:
    return [(str(label), rows.get(value, 0)) for value, label in choices.choices]


def _age_band_aggregates(today: datetime.date) -> dict[str, Any]:
    """Conditional counts per age band: birth dates between the band's bounds."""
    aggregates: dict[str, Any] = {}
    for index, (_label, low, high) in enumerate(AGE_BANDS):
        condition = Q(birth_date__lte=add_months(today, -12 * low))
        if high is not None:
            condition &= Q(birth_date__gt=add_months(today, -12 * high))
        aggregates[f"band_{index}"] = Count("id", filter=condition)
    return aggregates


def retiring_filter(*, until: datetime.date, rules: list[RetirementRule], prefix: str = "") -> Q:
    """Q matching cadres who reach statutory retirement on or before UNTIL (fields under
    PREFIX, e.g. "cadre__" from an appointment)."""
    condition = Q()
    for gender, is_worker in ((Gender.MALE, False), (Gender.FEMALE, False), (Gender.FEMALE, True)):
        latest = latest_birth_date_retiring_by(
            gender=gender, is_worker=is_worker, day=until, rules=rules
        )
        track = Q(**{f"{prefix}gender": gender, f"{prefix}birth_date__lte": latest})
        if gender == Gender.FEMALE:
            track &= Q(**{f"{prefix}is_worker": is_worker})
        condition |= track
    return condition


def overview_figures(
    *, user: Any, today: datetime.date, scope: IndicatorScope | None = None
) -> Overview:
    """The overview figures for the user's scope, optionally narrowed to a unit type or unit.

    Four round trips: the rules, one grouped pass over the cadres (every count by unit type and
    establishment, summed here), one over the current appointments by tier, one over the
    mid-level posts. Every join is limited to the county too, so that the county's figures
    cost the same inside a province as alone (the performance targets, docs/indicators.md).
    """
    narrow = (scope or IndicatorScope()).filters()
    county = scope_for(user).county_id
    rules = retirement_rules(county_id=county)
    five_years = add_months(today, 60)
    year_ends = [datetime.date(today.year + offset, 12, 31) for offset in range(5)]

    cadres = scoped(Cadre.objects.filter(status=CadreStatus.ACTIVE), user).filter(**narrow)
    # NOT IN over the county's current appointments: one hashed pass, not a lookup per cadre.
    holding = Appointment.objects.filter(county_id=county, end_date__isnull=True).values("cadre_id")
    rows = list(
        cadres.filter(unit__county_id=county)
        .values_list("unit__kind", "establishment")
        .annotate(
            headcount=Count("id"),
            under_35=Count("id", filter=Q(birth_date__gt=add_months(today, -12 * 35))),
            under_40=Count("id", filter=Q(birth_date__gt=add_months(today, -12 * 40))),
            retiring=Count("id", filter=retiring_filter(until=five_years, rules=rules)),
            no_post=Count("id", filter=~Q(id__in=holding)),
            **_age_band_aggregates(today),
            **{
                f"by_{index}": Count("id", filter=retiring_filter(until=day, rules=rules))
                for index, day in enumerate(year_ends)
            },
        )
        .order_by()
    )
    names = ["headcount", "under_35", "under_40", "retiring", "no_post"]
    names += [f"band_{i}" for i in range(len(AGE_BANDS))] + [f"by_{i}" for i in range(5)]
    totals = {name: sum(row[2 + i] for row in rows) for i, name in enumerate(names)}
    by_kind: dict[str, int] = defaultdict(int)
    by_establishment: dict[str, int] = defaultdict(int)
    for row in rows:
        by_kind[row[0]] += row[2]
        by_establishment[row[1]] += row[2]
    headcount = totals["headcount"]

    current = scoped(Appointment.objects.filter(end_date__isnull=True), user).filter(
        cadre__status=CadreStatus.ACTIVE,
        cadre__county_id=county,
        post__county_id=county,
        **narrow,
    )
    mid = Q(post__tier__in=MID_LEVEL_TIERS)
    by_tier_rows: dict[str, int] = {}
    mixed = retiring_mid = 0
    for tier, n, mixed_n, retiring_n in (
        current.values_list("post__tier")
        .annotate(
            n=Count("cadre", distinct=True),
            # 混编混岗 as the article counts it: mid-level admin posts held by 事业编 staff.
            mixed=Count(
                "id",
                filter=mid
                & Q(
                    post__required_establishment__in=ADMINISTRATIVE_ESTABLISHMENTS,
                    cadre__establishment=Establishment.PUBLIC_INSTITUTION,
                ),
            ),
            retiring=Count(
                "cadre",
                distinct=True,
                filter=mid & retiring_filter(until=five_years, rules=rules, prefix="cadre__"),
            ),
        )
        .order_by()
    ):
        by_tier_rows[tier] = n
        mixed += mixed_n
        retiring_mid += retiring_n
    by_tier_rows[Tier.GENERAL] = by_tier_rows.get(Tier.GENERAL, 0) + totals["no_post"]

    holders = (
        Appointment.objects.filter(county_id=county, post_id=OuterRef("pk"), end_date__isnull=True)
        .values("post_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    # One holder count per post (a subquery served by the partial index of current
    # appointments), the sums here: the aggregate would repeat the subquery per expression.
    posts = list(
        scoped(Post.objects.filter(is_active=True, tier__in=MID_LEVEL_TIERS), user)
        .filter(**narrow)
        .annotate(holder_count=Coalesce(Subquery(holders), 0))
        .values_list("headcount", "holder_count")
        .order_by()
    )
    short = [headcount - held for headcount, held in posts if held < headcount]
    seats = {
        "posts": len(posts),
        "seats": sum(headcount for headcount, _held in posts),
        "vacant_posts": len(short),
        "vacant_seats": sum(short),
    }
    cumulative = [totals[f"by_{i}"] for i in range(5)]
    by_year = [
        (day.year, n - (cumulative[i - 1] if i else 0))
        for i, (day, n) in enumerate(zip(year_ends, cumulative, strict=True))
    ]
    return Overview(
        headcount=headcount,
        by_unit_kind=_labelled(by_kind, UnitKind),
        by_tier=_labelled(by_tier_rows, Tier),
        by_age_band=[(label, totals[f"band_{i}"]) for i, (label, _, _) in enumerate(AGE_BANDS)],
        by_establishment=_labelled(by_establishment, Establishment),
        young_share={
            "under_35": round(100 * totals["under_35"] / headcount, 1) if headcount else 0.0,
            "under_40": round(100 * totals["under_40"] / headcount, 1) if headcount else 0.0,
        },
        mid_level_posts=seats["posts"] or 0,
        mid_level_seats=seats["seats"] or 0,
        mid_level_vacant_seats=seats["vacant_seats"] or 0,
        mid_level_vacant_posts=seats["vacant_posts"] or 0,
        mixed_posting=mixed,
        retiring_5y=totals["retiring"],
        retiring_5y_mid_level=retiring_mid,
        retiring_by_year=by_year,
    )
