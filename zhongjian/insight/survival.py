"""Time in a mid-level post (任职时长): Kaplan–Meier curves by exit kind, tier and unit type.

A spell is one appointment (任职) to a mid-level post (正科, 副科, 股级), from its start to its
end. It ends in an event of a kind (提拔, 遴选, 辞职, 退休, 其他) or is censored: still in post on
the reference day, or, for a curve of one kind, ended by another kind (cause-specific
Kaplan–Meier; 1 − S(t) is then the probability of that exit had the others not happened, not
the cumulative incidence). lifelines is imported when a curve is computed, not when the URLs load.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongjian.core.permissions import scoped
from zhongjian.insight.registry import IndicatorScope
from zhongjian.org.choices import MID_LEVEL_TIERS, EndReason, UnitKind
from zhongjian.org.models import Appointment
from zhongjian.pipeline.choices import DepartureKind
from zhongjian.pipeline.models import Departure

EXIT_KINDS = (
    ("any", gettext_lazy("任何离开")),
    ("promoted", gettext_lazy("提拔")),
    ("upward_selection", gettext_lazy("遴选")),
    ("resignation", gettext_lazy("辞职")),
    ("retirement", gettext_lazy("退休")),
)
GROUPINGS = (
    ("", gettext_lazy("全部")),
    ("tier", gettext_lazy("按层级")),
    ("unit_kind", gettext_lazy("按单位类型")),
)
AT_RISK_YEARS = (0, 2, 4, 6, 8, 10, 12, 14)
# A departure is matched to the appointment it ended when recorded within this many days.
MATCH_DAYS = 31


@dataclass(frozen=True)
class Spell:
    duration: float  # years
    kind: str  # "" while censored (still in post), else the exit kind
    tier: str
    unit_kind: str


def spells(user: Any, *, scope: IndicatorScope, day: datetime.date) -> list[Spell]:
    """Every mid-level appointment started by DAY in SCOPE, with its exit kind."""
    appointments = (
        scoped(Appointment.objects.all(), user)
        .filter(post__tier__in=MID_LEVEL_TIERS, start_date__lte=day, **scope.filters())
        .values_list("cadre_id", "start_date", "end_date", "end_reason", "post__tier", "unit__kind")
        .order_by()
    )
    departures: dict[int, list[tuple[datetime.date, str]]] = {}
    for cadre, on, kind in (
        scoped(Departure.objects.all(), user)
        .filter(departed_on__lte=day, **scope.filters())
        .values_list("cadre_id", "departed_on", "kind")
        .order_by()
    ):
        departures.setdefault(cadre, []).append((on, kind))
    result = []
    for cadre, start, end, reason, tier, unit_kind in appointments:
        if end is None or end > day:
            result.append(Spell((day - start).days / 365.25, "", tier, unit_kind))
            continue
        result.append(
            Spell(
                (end - start).days / 365.25,
                exit_kind(reason, end, departures.get(cadre, [])),
                tier,
                unit_kind,
            )
        )
    return result


def exit_kind(reason: str, end: datetime.date, departures: list[tuple[datetime.date, str]]) -> str:
    if reason == EndReason.PROMOTED:
        return "promoted"
    if reason == EndReason.RETIRED:
        return "retirement"
    if reason == EndReason.DEPARTED:
        near = [kind for on, kind in departures if abs((on - end).days) <= MATCH_DAYS]
        if DepartureKind.UPWARD_SELECTION in near:
            return "upward_selection"
        if DepartureKind.RESIGNATION in near:
            return "resignation"
        if DepartureKind.RETIREMENT in near:
            return "retirement"
    return "other"


@dataclass(frozen=True)
class Curve:
    label: str
    n: int
    events: int
    censored: int
    times: list[float]
    survival: list[float]
    lower: list[float]
    upper: list[float]
    median: float | None  # None: the curve never falls to 0.5
    median_lower: float | None
    median_upper: float | None
    at_risk: list[int]  # at AT_RISK_YEARS


def _finite(value: Any) -> float | None:
    number = float(value)
    return None if number != number or number in (float("inf"), float("-inf")) else round(number, 2)


def km_curve(*, label: str, durations: list[float], observed: list[bool]) -> Curve:
    """The Kaplan–Meier estimate with its 95 % (exponential Greenwood) band and median."""
    from lifelines import KaplanMeierFitter
    from lifelines.utils import median_survival_times

    fitter = KaplanMeierFitter(alpha=0.05)
    fitter.fit(durations, event_observed=observed, label="s")
    survival = fitter.survival_function_["s"]
    band = fitter.confidence_interval_survival_function_
    median_band = median_survival_times(band)
    return Curve(
        label=label,
        n=len(durations),
        events=sum(observed),
        censored=len(observed) - sum(observed),
        times=[round(float(t), 3) for t in survival.index],
        survival=[round(float(s), 4) for s in survival.values],
        lower=[round(float(s), 4) for s in band.iloc[:, 0].values],
        upper=[round(float(s), 4) for s in band.iloc[:, 1].values],
        median=_finite(fitter.median_survival_time_),
        median_lower=_finite(median_band.iloc[0, 0]),
        median_upper=_finite(median_band.iloc[0, 1]),
        at_risk=[sum(d >= year for d in durations) for year in AT_RISK_YEARS],
    )


def time_in_post(
    user: Any, *, scope: IndicatorScope, day: datetime.date, kind: str, by: str
) -> list[Curve]:
    """Curves of time in post until an exit of KIND (or any), one per group of BY."""
    rows = spells(user, scope=scope, day=day)
    if by == "tier":
        groups = [(str(t.label), t.value) for t in MID_LEVEL_TIERS]
        key = "tier"
    elif by == "unit_kind":
        groups = [(str(k.label), k.value) for k in UnitKind]
        key = "unit_kind"
    else:
        groups, key = [(str(_("全部中层岗位")), "")], ""
    curves = []
    for label, value in groups:
        members = [s for s in rows if not key or getattr(s, key) == value]
        if not members:
            continue
        curves.append(
            km_curve(
                label=label,
                durations=[s.duration for s in members],
                observed=[bool(s.kind) and (kind == "any" or s.kind == kind) for s in members],
            )
        )
    return curves
