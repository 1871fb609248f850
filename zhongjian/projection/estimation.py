"""Estimating a county's projection baseline from its registry and pipeline history (历史估计).

States are tier × age band. For each of the last `window` years the registry is read as of
1 January and as of the next 1 January: who was where, who moved, who left and how. Moves among
those who stayed and the yearly rate of each exit kind (遴选, 调任/转任, 辞职, other) come from
those year pairs, with Wilson confidence intervals. Retirement is not an average rate: a state's
yearly retirement share is the share of its current members whose statutory date (the phased
rule of `org/rules.py`) falls within the next twelve months, with the reform and, for the
lever, without it.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Sum

from zhongjian.core.lazy import numpy as np  # loaded on first use, not with the URLs
from zhongjian.insight.selectors import AGE_BANDS
from zhongjian.org.choices import MID_LEVEL_TIERS, CadreStatus, EndReason, Tier
from zhongjian.org.models import (
    Appointment,
    Cadre,
    County,
    Post,
    RankGrant,
    RankStepRule,
    RetirementRule,
    RetirementTrack,
)
from zhongjian.org.rules import add_months, statutory_retirement_date
from zhongjian.pipeline.choices import CandidateOutcome, DepartureKind
from zhongjian.pipeline.models import BenchEntry, Candidate, Departure
from zhongjian.projection.scenarios import EXIT_KINDS, Baseline

TIERS = (Tier.GENERAL, Tier.GUJI, Tier.FUKE, Tier.ZHENGKE)  # lowest first
TIER_LEVEL = {tier: index for index, tier in enumerate(TIERS)}
WINDOW_YEARS = 5
Z95 = 1.959964
# Where entrants of a tier start when the history shows none: the youngest band they plausibly hold.
DEFAULT_ENTRY_BAND = {Tier.GENERAL: 0, Tier.GUJI: 1, Tier.FUKE: 2, Tier.ZHENGKE: 3}
KIND_OF_DEPARTURE = {
    DepartureKind.UPWARD_SELECTION: "upward_selection",
    DepartureKind.TRANSFER: "transfer",
    DepartureKind.RESIGNATION: "resignation",
    DepartureKind.OTHER: "other",
    DepartureKind.RETIREMENT: "retirement",
}


def wilson(successes: float, trials: float) -> tuple[float, float]:
    """The 95 % Wilson score interval of a binomial proportion (0, 1 when there are no trials)."""
    if trials <= 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + Z95**2 / trials
    centre = (p + Z95**2 / (2 * trials)) / denominator
    half = Z95 * math.sqrt(p * (1 - p) / trials + Z95**2 / (4 * trials**2)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def band_index(birth: datetime.date, day: datetime.date) -> int:
    age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    for index, (_label, _low, high) in enumerate(AGE_BANDS):
        if high is None or age < high:
            return index
    return len(AGE_BANDS) - 1


@dataclass
class History:
    """A county's registry as plain tuples, loaded in a few queries."""

    cadres: dict[int, tuple]  # id → (gender, birth, is_worker, work_start, status)
    appointments: dict[int, list[tuple]]  # cadre → [(level, start, end, end_reason)]
    exits: dict[int, tuple[datetime.date, str]]  # cadre → (day, kind)
    grants: dict[int, list[datetime.date]]


def load_history(county_id: int) -> History:
    cadres = {
        row[0]: row[1:]
        for row in Cadre.objects.filter(county_id=county_id).values_list(
            "id", "gender", "birth_date", "is_worker", "work_start_date", "status"
        )
    }
    appointments: dict[int, list[tuple]] = defaultdict(list)
    last_end: dict[int, tuple[datetime.date, str]] = {}
    for cadre_id, tier, start, end, reason in Appointment.objects.filter(
        county_id=county_id
    ).values_list("cadre_id", "post__tier", "start_date", "end_date", "end_reason"):
        appointments[cadre_id].append((TIER_LEVEL[tier], start, end, reason))
        if end is not None and (cadre_id not in last_end or end > last_end[cadre_id][0]):
            last_end[cadre_id] = (end, reason)
    departures = {
        cadre_id: (day, KIND_OF_DEPARTURE[kind])
        for cadre_id, day, kind in Departure.objects.filter(county_id=county_id)
        .exclude(kind=DepartureKind.SECONDMENT)
        .order_by("departed_on", "id")
        .values_list("cadre_id", "departed_on", "kind")
    }
    exits = {}
    for cadre_id, (_g, _b, _w, _s, status) in cadres.items():
        if status == CadreStatus.ACTIVE:
            continue
        if cadre_id in departures:
            exits[cadre_id] = departures[cadre_id]
        elif cadre_id in last_end:
            day, reason = last_end[cadre_id]
            retired = status == CadreStatus.RETIRED or reason == EndReason.RETIRED
            exits[cadre_id] = (day, "retirement" if retired else "other")
    grants: dict[int, list[datetime.date]] = defaultdict(list)
    for cadre_id, day in RankGrant.objects.filter(county_id=county_id).values_list(
        "cadre_id", "granted_on"
    ):
        grants[cadre_id].append(day)
    return History(cadres=cadres, appointments=appointments, exits=exits, grants=grants)


def state_on(history: History, cadre_id: int, day: datetime.date) -> int | None:
    """The state index (tier × band) of a cadre on DAY, or None when not in the system then."""
    _gender, birth, _worker, work_start, _status = history.cadres[cadre_id]
    if work_start > day:
        return None
    exit_ = history.exits.get(cadre_id)
    if exit_ is not None and exit_[0] <= day:
        return None
    level = 0
    for tier_level, start, end, _reason in history.appointments.get(cadre_id, ()):
        if start <= day and (end is None or end > day):
            level = max(level, tier_level)
    return level * len(AGE_BANDS) + band_index(birth, day)


@dataclass
class Counts:
    """Year-pair counts behind the rates, kept for the confidence intervals and the export."""

    exposure: np.ndarray  # (k,) person-years at risk
    moves: np.ndarray  # (k, k) stayers from → to
    exits: dict[str, np.ndarray]  # kind → (k,)
    entrants: np.ndarray  # (k,) over the window
    grant_exposure: np.ndarray  # (2,) person-years without / with a grant in the previous 2 years
    grant_exits: np.ndarray  # (2,) non-retirement exits of each


def count_transitions(history: History, *, today: datetime.date, window: int) -> Counts:
    k = len(TIERS) * len(AGE_BANDS)
    counts = Counts(
        exposure=np.zeros(k),
        moves=np.zeros((k, k)),
        exits={kind: np.zeros(k) for kind in (*EXIT_KINDS, "retirement")},
        entrants=np.zeros(k),
        grant_exposure=np.zeros(2),
        grant_exits=np.zeros(2),
    )
    for year in range(today.year - window, today.year):
        start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
        for cadre_id in history.cadres:
            before = state_on(history, cadre_id, start)
            after = state_on(history, cadre_id, end)
            if before is None:
                if after is not None and history.cadres[cadre_id][3] > start:
                    counts.entrants[after] += 1
                continue
            counts.exposure[before] += 1
            recent = int(
                any(add_months(start, -24) <= g < start for g in history.grants.get(cadre_id, ()))
            )
            counts.grant_exposure[recent] += 1
            if after is not None:
                counts.moves[before, after] += 1
                continue
            kind = history.exits.get(cadre_id, (end, "other"))[1]
            counts.exits[kind][before] += 1
            if kind != "retirement":
                counts.grant_exits[recent] += 1
    return counts


def retirement_shares(
    history: History, *, today: datetime.date, rules: list[RetirementRule]
) -> tuple[np.ndarray, np.ndarray]:
    """Per state: the share of today's members who reach statutory retirement within a year,
    under the rules as they are and under the rules without the 2025 reform's delay."""
    no_reform = [
        RetirementRule(
            track=rule.track,
            base_age_months=rule.base_age_months,
            first_birth_month=rule.first_birth_month,
            birth_months_per_step=rule.birth_months_per_step,
            max_delay_months=0,
            effective_from=rule.effective_from,
        )
        for rule in rules
    ]
    k = len(TIERS) * len(AGE_BANDS)
    members, reform, old = np.zeros(k), np.zeros(k), np.zeros(k)
    horizon = add_months(today, 12)
    for cadre_id, (gender, birth, worker, _start, status) in history.cadres.items():
        if status != CadreStatus.ACTIVE:
            continue
        state = state_on(history, cadre_id, today)
        if state is None:
            continue
        members[state] += 1
        for shares, rule_set in ((reform, rules), (old, no_reform)):
            day = statutory_retirement_date(
                gender=gender, birth_date=birth, is_worker=worker, rules=rule_set
            )
            shares[state] += day <= horizon
    safe = np.maximum(members, 1)
    return reform / safe, old / safe


def current_stocks(history: History, *, today: datetime.date) -> np.ndarray:
    k = len(TIERS) * len(AGE_BANDS)
    stocks = np.zeros(k)
    for cadre_id, row in history.cadres.items():
        if row[4] == CadreStatus.ACTIVE:
            state = state_on(history, cadre_id, today)
            if state is not None:
                stocks[state] += 1
    return stocks


@dataclass
class Estimate:
    baseline: Baseline
    counts: Counts
    window: int


def estimate(county: County, *, today: datetime.date, window: int = WINDOW_YEARS) -> Estimate:
    """The baseline of COUNTY as of TODAY from the last WINDOW years of its history."""
    history = load_history(county.pk)
    counts = count_transitions(history, today=today, window=window)
    rules = list(RetirementRule.objects.all())
    notes = []
    if {rule.track for rule in rules} >= set(RetirementTrack.values):
        reform, no_reform = retirement_shares(history, today=today, rules=rules)
    else:
        k = len(TIERS) * len(AGE_BANDS)
        reform, no_reform = np.zeros(k), np.zeros(k)
        notes.append("退休年龄规则表不完整（管理后台 → 退休年龄规则），预测中未计退休。")
    n_bands = len(AGE_BANDS)
    k = len(TIERS) * n_bands
    state_tier = [index // n_bands for index in range(k)]
    state_band = [index % n_bands for index in range(k)]

    stay = np.zeros((k, k))
    for i in range(k):
        stayers = counts.moves[i].sum()
        if stayers > 0:
            stay[i] = counts.moves[i] / stayers
        else:
            # No history from this state: people stay in their tier and age a band in five years.
            band = state_band[i]
            if band + 1 < n_bands:
                stay[i, i], stay[i, i + 1] = 0.8, 0.2
            else:
                stay[i, i] = 1.0
    exposure = np.maximum(counts.exposure, 1)
    exit_rates = {kind: (counts.exits[kind] / exposure).tolist() for kind in EXIT_KINDS}
    if counts.exposure.sum() == 0:
        notes.append("历史数据不足：没有可用于估计的年度记录，流动率按 0 计。")

    entrants = counts.entrants / window
    entry_shares = {}
    for t, tier in enumerate(TIERS):
        mask = np.array(state_tier) == t
        total = counts.entrants[mask].sum()
        shares = np.zeros(k)
        if total > 0:
            shares[mask] = counts.entrants[mask] / total
        else:
            shares[t * n_bands + DEFAULT_ENTRY_BAND[tier]] = 1.0
        entry_shares[str(tier)] = shares.tolist()

    seats = dict(
        Post.objects.filter(county=county, is_active=True, tier__in=MID_LEVEL_TIERS)
        .values_list("tier")
        .annotate(n=Sum("headcount"))
        .order_by()
    )
    since = datetime.date(today.year - window, 1, 1)
    offers = dict(
        Candidate.objects.filter(county=county, added_on__gte=since, added_on__lte=today)
        .values_list("process__post__tier")
        .annotate(n=Count("id"))
        .order_by()
    )
    declines = dict(
        Candidate.objects.filter(
            county=county,
            added_on__gte=since,
            added_on__lte=today,
            outcome=CandidateOutcome.DECLINED,
        )
        .values_list("process__post__tier")
        .annotate(n=Count("id"))
        .order_by()
    )
    bench = dict(
        BenchEntry.objects.filter(county=county, removed_on__isnull=True)
        .values_list("post__tier")
        .annotate(n=Count("cadre", distinct=True))
        .order_by()
    )
    without, with_grant = counts.grant_exits / np.maximum(counts.grant_exposure, 1)
    ratio = float(with_grant / without) if without > 0 and counts.grant_exposure[1] > 0 else 1.0
    if ratio == 1.0:
        notes.append("历史数据不足以估计职级晋升对离岗的影响，“职级晋升提速”不改变结果。")
    step_years = list(RankStepRule.objects.values_list("min_years", flat=True))
    baseline = Baseline(
        tiers=[str(tier) for tier in TIERS],
        tier_labels=[str(tier.label) for tier in TIERS],
        bands=[label for label, _low, _high in AGE_BANDS],
        band_upper=[high for _label, _low, high in AGE_BANDS],
        state_tier=state_tier,
        state_band=state_band,
        stocks=current_stocks(history, today=today).tolist(),
        stay=stay.tolist(),
        exit_rates=exit_rates,
        retirement={"reform": reform.tolist(), "no_reform": no_reform.tolist()},
        recruits=entrants.tolist(),
        entry_shares=entry_shares,
        seats={str(tier): int(seats.get(tier, 0)) for tier in MID_LEVEL_TIERS},
        refusal={
            str(tier): (declines.get(tier, 0) / offers[tier]) if offers.get(tier) else 0.0
            for tier in TIERS
        },
        bench={str(tier): int(bench.get(tier, 0)) for tier in MID_LEVEL_TIERS},
        recent_grant_share=float(counts.grant_exposure[1] / max(counts.grant_exposure.sum(), 1)),
        recent_grant_exit_ratio=ratio,
        rank_step_years=float(np.mean(step_years)) if step_years else 2.5,
        as_of=today.isoformat(),
        notes=notes,
    )
    return Estimate(baseline=baseline, counts=counts, window=window)


def rate_rows(estimate: Estimate) -> list[dict]:
    """Every estimated yearly rate with its count, exposure and 95 % Wilson interval."""
    baseline, counts = estimate.baseline, estimate.counts
    states = baseline.states
    rows = []
    for i, origin in enumerate(states):
        exposure = counts.exposure[i]
        for j in np.flatnonzero(counts.moves[i]):
            low, high = wilson(counts.moves[i, j], exposure)
            rows.append(_rate_row(origin, states[j], counts.moves[i, j], exposure, low, high))
        for kind in (*EXIT_KINDS, "retirement"):
            if counts.exits[kind][i]:
                low, high = wilson(counts.exits[kind][i], exposure)
                rows.append(
                    _rate_row(origin, EXIT_LABELS[kind], counts.exits[kind][i], exposure, low, high)
                )
    return rows


EXIT_LABELS = {
    "upward_selection": "离岗:遴选",
    "transfer": "离岗:调任/转任",
    "resignation": "离岗:辞职",
    "other": "离岗:其他",
    "retirement": "离岗:退休（历史）",
}


def _rate_row(origin: str, to: str, n: float, exposure: float, low: float, high: float) -> dict:
    return {
        "from": origin,
        "to": to,
        "count": int(n),
        "exposure": int(exposure),
        "rate": round(n / exposure, 6) if exposure else 0.0,
        "ci_low": round(low, 6),
        "ci_high": round(high, 6),
    }
