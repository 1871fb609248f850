"""Reads behind the county dashboard (研判总览): scope choice, age pyramid, trends, alerts.

Every function takes the acting user first and reads through `scoped`, so a unit head sees their
own unit whatever the query string asks, and a unit of another county is a 404.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _

from zhongjian.accounts.roles import Role
from zhongjian.core.permissions import get_scoped_or_404, scoped
from zhongjian.insight.indicators import _retiring_bounds, mid_level_holders, retires_by
from zhongjian.insight.models import Threshold
from zhongjian.insight.registry import (
    Direction,
    Indicator,
    IndicatorScope,
    Period,
    Value,
    catalogue,
    indicator_values,
)
from zhongjian.org.choices import MID_LEVEL_TIERS, CadreStatus, Gender, Tier, UnitKind
from zhongjian.org.models import Cadre, Unit
from zhongjian.org.rules import add_months, retirement_rules
from zhongjian.pipeline.choices import CandidateOutcome, DepartureKind
from zhongjian.pipeline.models import Candidate, Departure, Vacancy

PYRAMID_BANDS = [(low, low + 5) for low in range(20, 65, 5)]  # 20–24 … 60–64
TREND_YEARS = 6
VACANCY_AGE_BINS = [(0, 3), (3, 6), (6, 12), (12, 24), (24, None)]  # months open


def resolve_scope(user: Any, *, unit_kind: str = "", unit_id: object = None) -> IndicatorScope:
    """The scope asked for, inside the user's own: a unit head always gets their unit; a unit
    outside the organization department's county is a 404; an unknown unit type is a 404."""
    if user.role == Role.UNIT_HEAD:
        return IndicatorScope(unit_id=user.unit_id)
    if unit_id not in (None, ""):
        unit = get_scoped_or_404(Unit.objects.all(), user, unit_id, unit_field="id")
        return IndicatorScope(unit_id=unit.pk)
    if unit_kind and unit_kind not in UnitKind.values:
        raise Http404
    return IndicatorScope(unit_kind=unit_kind)


def scope_label(user: Any, scope: IndicatorScope) -> str:
    if scope.unit_id is not None:
        return Unit.objects.filter(county_id=user.county_id, pk=scope.unit_id).values_list(
            "name", flat=True
        ).first() or str(_("单位"))
    county = user.county.name if user.county_id else ""
    if scope.unit_kind:
        return f"{county} · {UnitKind(scope.unit_kind).label}"
    return county


def parse_period(*, year: object, today: datetime.date) -> Period:
    """A calendar year (not after this one), or the twelve months to today."""
    text = str(year or "").strip()
    if not text:
        return Period.year_to(today)
    if not text.isdigit() or not 2000 <= int(text) <= today.year:
        raise Http404
    number = int(text)
    return Period(datetime.date(number, 1, 1), min(datetime.date(number, 12, 31), today))


@dataclass(frozen=True)
class Pyramid:
    bands: list[str]
    # per side (男, 女): per tier label, counts per band (listed youngest first)
    sides: dict[str, dict[str, list[int]]]
    retiring: dict[str, list[int]]  # per side, of whom reach statutory retirement in 5 years


def age_pyramid(user: Any, *, scope: IndicatorScope, day: datetime.date) -> Pyramid:
    """Active cadres by gender, 5-year age band and tier (highest current mid-level post, else
    一般), with those reaching statutory retirement age within 60 months marked."""
    rules = retirement_rules(county_id=user.county_id)
    bounds = _retiring_bounds(add_months(day, 60), rules)
    cadres = scoped(Cadre.objects.filter(status=CadreStatus.ACTIVE), user).filter(**scope.filters())
    rank = {tier: index for index, tier in enumerate(MID_LEVEL_TIERS)}
    tier_of: dict[int, str] = {}
    for cadre, tier, *_rest in mid_level_holders(user, scope, day):
        if cadre not in tier_of or rank[tier] < rank[tier_of[cadre]]:
            tier_of[cadre] = tier
    labels = [str(t.label) for t in Tier]
    sides = {str(g.label): {label: [0] * len(PYRAMID_BANDS) for label in labels} for g in Gender}
    retiring = {str(g.label): [0] * len(PYRAMID_BANDS) for g in Gender}
    gender_labels = {g.value: str(g.label) for g in Gender}
    # Labels resolved once: a lazy translation per row costs more than the query.
    tier_labels = {t.value: str(t.label) for t in Tier}
    general = tier_labels[Tier.GENERAL]
    rows = cadres.values_list("id", "gender", "birth_date", "is_worker").order_by()
    for cadre, gender, birth, worker in rows:
        age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
        index = min(max((age - PYRAMID_BANDS[0][0]) // 5, 0), len(PYRAMID_BANDS) - 1)
        side = gender_labels[gender]
        tier = tier_labels[tier_of[cadre]] if cadre in tier_of else general
        sides[side][tier][index] += 1
        if retires_by(bounds, gender=gender, is_worker=worker, birth_date=birth):
            retiring[side][index] += 1
    band_labels = [f"{low}–{high - 1}" for low, high in PYRAMID_BANDS]
    band_labels[0] = _("24岁及以下")
    band_labels[-1] = _("60岁及以上")
    return Pyramid(bands=band_labels, sides=sides, retiring=retiring)


@dataclass(frozen=True)
class Trends:
    years: list[int]
    offers: list[int]
    declines: list[int]
    refusal_percent: list[float | None]
    exits_by_kind: list[tuple[str, list[int]]]


def trends(user: Any, *, scope: IndicatorScope, day: datetime.date) -> Trends:
    """Offers, declines and exits by kind in each of the last TREND_YEARS calendar years."""
    years = list(range(day.year - TREND_YEARS + 1, day.year + 1))
    first = datetime.date(years[0], 1, 1)
    offers = {
        year: (n, declined)
        for year, n, declined in scoped(
            Candidate.objects.all(), user, unit_field="process__unit_id"
        )
        .filter(added_on__gte=first, added_on__lte=day, **scope.filters(unit_field="process__unit"))
        .values_list("added_on__year")
        .annotate(n=Count("id"), declined=Count("id", filter=Q(outcome=CandidateOutcome.DECLINED)))
        .order_by()
    }
    exits: Counter[tuple[str, int]] = Counter()
    for kind, year, n in (
        scoped(Departure.objects.all(), user)
        .filter(departed_on__gte=first, departed_on__lte=day, **scope.filters())
        .values_list("kind", "departed_on__year")
        .annotate(n=Count("id"))
        .order_by()
    ):
        exits[(kind, year)] += n
    return Trends(
        years=years,
        offers=[offers.get(y, (0, 0))[0] for y in years],
        declines=[offers.get(y, (0, 0))[1] for y in years],
        refusal_percent=[
            round(100 * offers[y][1] / offers[y][0], 1) if offers.get(y, (0, 0))[0] else None
            for y in years
        ],
        exits_by_kind=[(str(k.label), [exits[(k.value, y)] for y in years]) for k in DepartureKind],
    )


def vacancy_ages(user: Any, *, scope: IndicatorScope, day: datetime.date) -> list[tuple[str, int]]:
    """Mid-level vacancy episodes open on DAY, by how long they have been open."""
    opened = (
        scoped(Vacancy.objects.filter(post__is_active=True, post__tier__in=MID_LEVEL_TIERS), user)
        .filter(opened_on__lte=day, **scope.filters())
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
        .values_list("opened_on", flat=True)
    )
    counts = [0] * len(VACANCY_AGE_BINS)
    for start in opened:
        months = (day.year - start.year) * 12 + day.month - start.month - (day.day < start.day)
        for index, (low, high) in enumerate(VACANCY_AGE_BINS):
            if months >= low and (high is None or months < high):
                counts[index] += 1
    labels = [_("3个月内"), _("3–6个月"), _("6–12个月"), _("1–2年"), _("2年以上")]
    return list(zip([str(label) for label in labels], counts, strict=True))


# -- alerts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alert:
    indicator: Indicator
    threshold: Decimal
    scope: IndicatorScope
    scope_name: str
    value: Value


def breached(indicator: Indicator, value: float | None, threshold: Decimal) -> bool:
    if value is None:
        return False
    if indicator.direction == Direction.HIGHER_BETTER:
        return Decimal(str(value)) < threshold
    return Decimal(str(value)) > threshold


def thresholds_for(user: Any) -> dict[str, Threshold]:
    if user.county_id is None:
        return {}
    return {t.code: t for t in Threshold.objects.filter(county_id=user.county_id)}


def alerts(user: Any, *, period: Period) -> list[Alert]:
    """Every breached threshold, in the user's scope and in each unit type and unit of it
    (the organization department's view); the value is the evidence."""
    limits = thresholds_for(user)
    if not limits:
        return []
    by_code = {indicator.code: indicator for indicator in catalogue()}
    modules = {by_code[code].module for code in limits if code in by_code}
    scopes: list[tuple[IndicatorScope, str]] = [
        (resolve_scope(user), scope_label(user, resolve_scope(user)))
    ]
    if user.role == Role.ORG_DEPARTMENT:
        scopes += [(IndicatorScope(unit_kind=kind.value), str(kind.label)) for kind in UnitKind]
        scopes += [
            (IndicatorScope(unit_id=pk), name)
            for pk, name in scoped(Unit.objects.filter(is_active=True), user, unit_field="id")
            .order_by("kind", "code")
            .values_list("pk", "name")
        ]
    found: list[Alert] = []
    for scope, name in scopes:
        values = indicator_values(user, scope=scope, period=period, modules=modules)
        for code, limit in limits.items():
            value = values.get(code)
            if (
                code in by_code
                and value is not None
                and breached(by_code[code], value.value, limit.value)
            ):
                found.append(Alert(by_code[code], limit.value, scope, name, value))
    return found
