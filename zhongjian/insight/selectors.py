"""The overview (队伍概览) figures for a user's scope, in a few aggregate queries."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, F, Q, Sum, When

from zhongjian.core.permissions import scoped
from zhongjian.org.choices import (
    MID_LEVEL_TIERS,
    CadreStatus,
    Establishment,
    Gender,
    Tier,
    UnitKind,
)
from zhongjian.org.models import Appointment, Cadre, RetirementRule
from zhongjian.org.rules import add_months, latest_birth_date_retiring_by, retirement_rules
from zhongjian.org.selectors import post_list

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


def retiring_filter(*, until: datetime.date, rules: list[RetirementRule]) -> Q:
    """Q matching cadres who reach statutory retirement on or before UNTIL."""
    condition = Q()
    for gender, is_worker in ((Gender.MALE, False), (Gender.FEMALE, False), (Gender.FEMALE, True)):
        latest = latest_birth_date_retiring_by(
            gender=gender, is_worker=is_worker, day=until, rules=rules
        )
        track = Q(gender=gender, birth_date__lte=latest)
        if gender == Gender.FEMALE:
            track &= Q(is_worker=is_worker)
        condition |= track
    return condition


def overview_figures(*, user: Any, today: datetime.date) -> Overview:
    cadres = scoped(Cadre.objects.filter(status=CadreStatus.ACTIVE), user)
    rules = retirement_rules(county_id=getattr(user, "county_id", None))
    five_years = add_months(today, 60)

    totals = cadres.aggregate(
        headcount=Count("id"),
        under_35=Count("id", filter=Q(birth_date__gt=add_months(today, -12 * 35))),
        under_40=Count("id", filter=Q(birth_date__gt=add_months(today, -12 * 40))),
        retiring=Count("id", filter=retiring_filter(until=five_years, rules=rules)),
        **_age_band_aggregates(today),
    )
    headcount = totals["headcount"]
    by_kind = dict(cadres.values_list("unit__kind").annotate(n=Count("id")).order_by())
    by_establishment = dict(cadres.values_list("establishment").annotate(n=Count("id")).order_by())

    current = scoped(Appointment.objects.filter(end_date__isnull=True), user).filter(
        cadre__status=CadreStatus.ACTIVE
    )
    by_tier_rows = dict(
        current.values_list("post__tier").annotate(n=Count("cadre", distinct=True)).order_by()
    )
    holding = current.values_list("cadre_id", flat=True)
    by_tier_rows[Tier.GENERAL] = (
        by_tier_rows.get(Tier.GENERAL, 0) + cadres.exclude(id__in=holding).count()
    )

    mid_posts = post_list(user=user).filter(tier__in=MID_LEVEL_TIERS)
    seats = mid_posts.aggregate(
        posts=Count("id"),
        seats=Sum("headcount"),
        vacant_posts=Count("id", filter=Q(holder_count__lt=F("headcount"))),
        vacant_seats=Sum(
            Case(
                When(holder_count__lt=F("headcount"), then=F("headcount") - F("holder_count")),
                default=0,
            )
        ),
    )
    # 混编混岗 as the article counts it: mid-level admin posts held by 事业编 staff.
    mixed = current.filter(
        post__tier__in=MID_LEVEL_TIERS,
        post__required_establishment__in=ADMINISTRATIVE_ESTABLISHMENTS,
        cadre__establishment=Establishment.PUBLIC_INSTITUTION,
    ).count()
    retiring_mid = (
        current.filter(post__tier__in=MID_LEVEL_TIERS)
        .filter(
            cadre__in=cadres.filter(retiring_filter(until=five_years, rules=rules)).values("id")
        )
        .values("cadre")
        .distinct()
        .count()
    )
    by_year = []
    previous = 0
    for offset in range(1, 6):
        until = datetime.date(today.year + offset - 1, 12, 31)
        cumulative = cadres.filter(retiring_filter(until=until, rules=rules)).count()
        by_year.append((today.year + offset - 1, cumulative - previous))
        previous = cumulative

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
