"""Pipeline indicators (docs/indicators.md) for the 提拔·流动 page, the API and the insight app.

Definitions, also in docs/pipeline.md:
- offer (提拔动议): a candidate record, dated by the day the cadre was put forward;
  refusal rate = candidates who declined / candidates, per post tier, unit type or year.
- time-to-fill: days from a vacancy episode's opening to the day its post was full again,
  over closed episodes; open episodes count as long vacancies after six months.
- exits: departures by year of departure and kind, and by the tier held on leaving.
- 遴选 leavers holding 实职副科: 遴选 departures whose highest post was a 副科 leadership post.
- 借调 days: calendar days away on secondment falling in each year, to the return, the
  departure for good that followed, or today.
"""

import datetime
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from zhongjian.accounts.roles import Role
from zhongjian.core.permissions import scoped
from zhongjian.org.choices import MID_LEVEL_TIERS, Tier, UnitKind
from zhongjian.org.selectors import post_list
from zhongjian.pipeline.choices import CandidateOutcome, DeclineReason, DepartureKind, ExitReason
from zhongjian.pipeline.models import Candidate, Decline, Departure, ExitInterview, Vacancy
from zhongjian.pipeline.selectors.vacancies import long_vacancy_cutoff

REFUSAL_GROUPS = {
    "tier": "process__post__tier",
    "unit_kind": "process__unit__kind",
    "year": "added_on__year",
}


@dataclass(frozen=True)
class Rate:
    label: str
    offers: int
    declines: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.declines / self.offers, 1) if self.offers else None


@dataclass(frozen=True)
class FillTime:
    label: str
    filled: int
    median_days: float | None
    mean_days: float | None
    open_now: int
    open_over_six_months: int


@dataclass
class PipelineIndicators:
    refusal_by_tier: list[Rate]
    refusal_by_unit_kind: list[Rate]
    refusal_by_year: list[Rate]
    fill_times: list[FillTime]
    mid_level_posts: int
    posts_vacant_over_six_months: int
    exit_years: list[int]
    exits_by_kind: list[tuple[str, list[int]]]
    exits_by_tier: list[tuple[str, list[int]]]
    upward_leavers: int
    upward_leavers_fuke: int
    secondment_days_by_year: list[tuple[int, int]]
    secondments_away: int
    secondments_overdue: int
    secondments_turned_departure: int
    # Reasons are for the organization department only: in one unit they name people.
    decline_reasons: list[tuple[str, int]] | None = None
    exit_reasons: list[tuple[str, int]] | None = None
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def upward_fuke_percent(self) -> float | None:
        if not self.upward_leavers:
            return None
        return round(100 * self.upward_leavers_fuke / self.upward_leavers, 1)

    @property
    def posts_vacant_over_six_months_percent(self) -> float | None:
        if not self.mid_level_posts:
            return None
        return round(100 * self.posts_vacant_over_six_months / self.mid_level_posts, 1)


def refusal_rates(*, user: Any, by: str) -> list[Rate]:
    """Offers and declines per mid-level tier, unit type or year of the offer."""
    key = REFUSAL_GROUPS[by]
    rows = {
        row[key]: row
        for row in scoped(Candidate.objects.all(), user, unit_field="process__unit_id")
        .values(key)
        .annotate(
            offers=Count("id"),
            declines=Count("id", filter=Q(outcome=CandidateOutcome.DECLINED)),
        )
        .order_by(key)
    }
    if by == "year":
        labels = [(year, str(year)) for year in _year_span(rows)]
    else:
        choices = MID_LEVEL_TIERS if by == "tier" else UnitKind
        labels = [(choice.value, str(choice.label)) for choice in choices]
    return [
        Rate(
            label=label,
            offers=rows.get(value, {}).get("offers", 0),
            declines=rows.get(value, {}).get("declines", 0),
        )
        for value, label in labels
    ]


def _year_span(values: Any) -> list[int]:
    years = [year for year in values if year is not None]
    return list(range(min(years), max(years) + 1)) if years else []


def fill_times(*, user: Any, today: datetime.date) -> list[FillTime]:
    """Time-to-fill of closed episodes and the open ones, per mid-level tier and in total."""
    cutoff = long_vacancy_cutoff(today)
    durations: dict[str, list[int]] = defaultdict(list)
    open_now: Counter[str] = Counter()
    long_open: Counter[str] = Counter()
    episodes = scoped(Vacancy.objects.filter(post__is_active=True), user).values_list(
        "post__tier", "opened_on", "closed_on"
    )
    for tier, opened, closed in episodes:
        if closed is None:
            open_now[tier] += 1
            long_open[tier] += opened <= cutoff
        else:
            durations[tier].append((closed - opened).days)
    groups = [(str(tier.label), [tier.value]) for tier in MID_LEVEL_TIERS]
    groups.append((str(_("合计")), [tier.value for tier in MID_LEVEL_TIERS]))
    result = []
    for label, tiers in groups:
        days = [d for tier in tiers for d in durations[tier]]
        result.append(
            FillTime(
                label=label,
                filled=len(days),
                median_days=float(statistics.median(days)) if days else None,
                mean_days=round(statistics.fmean(days), 1) if days else None,
                open_now=sum(open_now[tier] for tier in tiers),
                open_over_six_months=sum(long_open[tier] for tier in tiers),
            )
        )
    return result


def _departures(user: Any) -> Any:
    return scoped(Departure.objects.all(), user)


def exits(
    *, user: Any
) -> tuple[list[int], list[tuple[str, list[int]]], list[tuple[str, list[int]]]]:
    """Departure years, then counts per year for each kind, then per year for each tier."""
    rows = list(
        _departures(user)
        .values_list("departed_on__year", "kind", "tier")
        .annotate(n=Count("id"))
        .order_by()
    )
    years = _year_span({year for year, _kind, _tier, _n in rows})
    by_kind: dict[str, Counter[int]] = defaultdict(Counter)
    by_tier: dict[str, Counter[int]] = defaultdict(Counter)
    for year, kind, tier, n in rows:
        by_kind[kind][year] += n
        by_tier[tier][year] += n
    return (
        years,
        [(str(k.label), [by_kind[k.value][y] for y in years]) for k in DepartureKind],
        [(str(t.label), [by_tier[t.value][y] for y in years]) for t in Tier],
    )


def upward_selection_fuke(*, user: Any) -> tuple[int, int]:
    """遴选 leavers, and those of them who held a 副科 leadership post (实职副科) on leaving."""
    counts = _departures(user).aggregate(
        leavers=Count("id", filter=Q(kind=DepartureKind.UPWARD_SELECTION)),
        fuke=Count(
            "id",
            filter=Q(kind=DepartureKind.UPWARD_SELECTION, tier=Tier.FUKE, held_leadership=True),
        ),
    )
    return counts["leavers"], counts["fuke"]


def secondment_days(*, user: Any, today: datetime.date) -> list[tuple[int, int]]:
    """Days away on secondment falling in each calendar year, first year to this year."""
    rows = (
        _departures(user)
        .filter(kind=DepartureKind.SECONDMENT)
        .values_list("departed_on", "returned_on", "followed_by__departed_on")
    )
    days: Counter[int] = Counter()
    for start, returned, left in rows:
        # Away from the departure day up to, not including, the day back (or gone, or today).
        end = min(returned or today, left or today, today)
        for year in range(start.year, end.year + 1):
            days[year] += max(
                0,
                (
                    min(end, datetime.date(year + 1, 1, 1)) - max(start, datetime.date(year, 1, 1))
                ).days,
            )
    return [(year, days[year]) for year in _year_span(days)]


def secondment_status(*, user: Any, today: datetime.date) -> dict[str, int]:
    secondments = _departures(user).filter(kind=DepartureKind.SECONDMENT)
    away = Q(returned_on__isnull=True, followed_by__isnull=True)
    return secondments.aggregate(
        away=Count("id", filter=away),
        overdue=Count("id", filter=away & Q(planned_return_on__lt=today)),
        turned=Count("id", filter=Q(followed_by__isnull=False)),
    )


def decline_reasons(*, user: Any) -> list[tuple[str, int]]:
    counts = dict(
        scoped(Decline.objects.all(), user).values_list("reason").annotate(n=Count("id")).order_by()
    )
    return [(str(reason.label), counts.get(reason.value, 0)) for reason in DeclineReason]


def exit_reasons(*, user: Any) -> list[tuple[str, int]]:
    """How often each reason was named in exit interviews (several per interview)."""
    counts: Counter[str] = Counter()
    interviews = scoped(
        ExitInterview.objects.all(),
        user,
        unit_field="departure__unit_id",
        county_field="departure__county_id",
    )
    for reasons in interviews.values_list("reasons", flat=True):
        counts.update(reasons)
    return [(str(reason.label), counts[reason.value]) for reason in ExitReason]


def pipeline_indicators(*, user: Any, today: datetime.date) -> PipelineIndicators:
    """Every pipeline indicator for the user's scope."""
    years, by_kind, by_tier = exits(user=user)
    leavers, fuke = upward_selection_fuke(user=user)
    status = secondment_status(user=user, today=today)
    mid_posts = post_list(user=user).filter(tier__in=MID_LEVEL_TIERS)
    long_vacant = (
        scoped(Vacancy.objects.filter(closed_on__isnull=True), user)
        .filter(post__in=mid_posts, opened_on__lte=long_vacancy_cutoff(today))
        .values("post")
        .distinct()
        .count()
    )
    by_tier_rates = refusal_rates(user=user, by="tier")
    indicators = PipelineIndicators(
        refusal_by_tier=by_tier_rates,
        refusal_by_unit_kind=refusal_rates(user=user, by="unit_kind"),
        refusal_by_year=refusal_rates(user=user, by="year"),
        fill_times=fill_times(user=user, today=today),
        mid_level_posts=mid_posts.count(),
        posts_vacant_over_six_months=long_vacant,
        exit_years=years,
        exits_by_kind=by_kind,
        exits_by_tier=by_tier,
        upward_leavers=leavers,
        upward_leavers_fuke=fuke,
        secondment_days_by_year=secondment_days(user=user, today=today),
        secondments_away=status["away"],
        secondments_overdue=status["overdue"],
        secondments_turned_departure=status["turned"],
        totals={
            "offers": sum(rate.offers for rate in by_tier_rates),
            "declines": sum(rate.declines for rate in by_tier_rates),
            "exits": sum(sum(counts) for _label, counts in by_kind),
        },
    )
    if getattr(user, "role", None) == Role.ORG_DEPARTMENT:
        indicators.decline_reasons = decline_reasons(user=user)
        indicators.exit_reasons = exit_reasons(user=user)
    return indicators
