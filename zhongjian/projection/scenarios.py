"""Policy levers (政策杠杆) on an estimated baseline, and the figures a scenario reports.

Pure numpy (no Django): `estimation.py` fills a `Baseline` from the county's history; this module
turns a baseline and a set of levers into a chain, projects it, and summarises per tier.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from zhongjian.core.lazy import numpy as np  # loaded on first use, not with the URLs
from zhongjian.projection.engine import (
    Ceiling,
    Chain,
    ModelError,
    Projection,
    Recruitment,
    project,
    quantile_bands,
    simulate,
)

# Exit kinds with a rate estimated from departures (retirement comes from the statutory dates).
EXIT_KINDS = ("upward_selection", "transfer", "resignation", "other")
MAX_HORIZON = 30
MAX_RUNS = 1000


@dataclass
class Baseline:
    """Everything the levers act on, estimated from a county's history (see estimation.py).

    State i is (tiers[state_tier[i]], bands[state_band[i]]). `stay` holds the transition
    probabilities among those who neither retire nor leave otherwise (rows sum to 1).
    """

    tiers: list[str]  # tier codes, lowest first
    tier_labels: list[str]
    bands: list[str]  # age band labels, youngest first
    band_upper: list[int | None]  # each band's exclusive upper age; None for the oldest
    state_tier: list[int]
    state_band: list[int]
    stocks: list[float]
    stay: list[list[float]]
    exit_rates: dict[str, list[float]]  # kind → rate per state
    retirement: dict[str, list[float]]  # "reform" / "no_reform" → rate per state
    recruits: list[float]  # trend recruits per year and state
    entry_shares: dict[str, list[float]]  # tier code → distribution of its entrants over states
    seats: dict[str, int]  # mid-level tier code → seats (职数)
    refusal: dict[str, float]  # tier code → share of offers declined
    bench: dict[str, int]  # mid-level tier code → cadres on the bench (后备) today
    # 职级 lever: share g of person-years with a rank grant in the previous two years, exit-rate
    # ratio f of those with a recent grant to those without, mean step length S in years.
    recent_grant_share: float = 0.0
    recent_grant_exit_ratio: float = 1.0
    rank_step_years: float = 2.5
    as_of: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def states(self) -> tuple[str, ...]:
        return tuple(
            f"{self.tier_labels[t]}·{self.bands[b]}"
            for t, b in zip(self.state_tier, self.state_band, strict=True)
        )

    def tier_mask(self, tier: str) -> np.ndarray:
        index = self.tiers.index(tier)
        return np.array([t == index for t in self.state_tier])


@dataclass(frozen=True)
class Levers:
    """A scenario's policy levers; all zero/None/True is today's trend (现行趋势)."""

    exit_cut: dict[str, float] = field(default_factory=dict)  # kind → % reduction
    refusal_cut: float = 0.0  # % reduction of the refusal rate
    recruits: dict[str, int] = field(default_factory=dict)  # tier → recruits per year
    upward_quota: int | None = None  # 遴选 leavers per year
    rank_step_months: int = 0  # months off each 职级 step
    retirement_reform: bool = True

    @classmethod
    def from_dict(cls, data: dict) -> Levers:
        """Levers from stored or submitted values; bad values raise ModelError in Chinese."""

        def percent(value: object, what: str) -> float:
            number = _finite(value, what)
            if not 0 <= number <= 100:
                raise ModelError(f"{what}应在 0 到 100 之间。")
            return number

        exit_cut = {}
        for kind, value in (data.get("exit_cut") or {}).items():
            if kind not in EXIT_KINDS:
                raise ModelError(f"未知的离岗方式“{kind}”。")
            if value not in (None, ""):
                exit_cut[kind] = percent(value, "离岗率降低幅度")
        recruits = {}
        for tier, value in (data.get("recruits") or {}).items():
            if value in (None, ""):
                continue
            number = _finite(value, "每年招录人数")
            if number < 0 or number != int(number) or number > 100000:
                raise ModelError("每年招录人数应为 0 到 100000 之间的整数。")
            recruits[str(tier)] = int(number)
        quota = data.get("upward_quota")
        if quota in (None, ""):
            quota = None
        else:
            number = _finite(quota, "遴选名额")
            if number < 0 or number != int(number) or number > 100000:
                raise ModelError("遴选名额应为 0 到 100000 之间的整数。")
            quota = int(number)
        months = _finite(data.get("rank_step_months") or 0, "职级晋升提速")
        if not 0 <= months <= 12 or months != int(months):
            raise ModelError("职级晋升提速应为 0 到 12 之间的整数（月）。")
        return cls(
            exit_cut=exit_cut,
            refusal_cut=percent(data.get("refusal_cut") or 0, "不接受提拔率降低幅度"),
            recruits=recruits,
            upward_quota=quota,
            rank_step_months=int(months),
            retirement_reform=bool(data.get("retirement_reform", True)),
        )

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def is_trend(self) -> bool:
        return self == Levers()


def _finite(value: object, what: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ModelError(f"{what}应为数字。") from None
    if not math.isfinite(number):
        raise ModelError(f"{what}应为有限的数字。")
    return number


def validate_recruit_tiers(baseline: Baseline, levers: Levers) -> None:
    unknown = [tier for tier in levers.recruits if tier not in baseline.tiers]
    if unknown:
        raise ModelError(f"未知的层级“{'、'.join(unknown)}”。")


def build_chain(baseline: Baseline, levers: Levers) -> tuple[Chain, np.ndarray]:
    """The transition matrix and the yearly recruits of BASELINE under LEVERS."""
    validate_recruit_tiers(baseline, levers)
    stay = np.array(baseline.stay, dtype=float)
    stocks = np.array(baseline.stocks, dtype=float)

    # Fewer refusals: more of the offered promotions are taken up (moves to a higher tier).
    tier_of = np.array(baseline.state_tier)
    upward = tier_of[np.newaxis, :] > tier_of[:, np.newaxis]
    if levers.refusal_cut:
        factors = np.ones(len(baseline.tiers))
        for index, tier in enumerate(baseline.tiers):
            rho = baseline.refusal.get(tier, 0.0)
            if rho < 1:
                factors[index] = (1 - rho * (1 - levers.refusal_cut / 100)) / (1 - rho)
        scaled = np.where(upward, stay * factors[tier_of][np.newaxis, :], 0.0)
        scaled_sum = scaled.sum(axis=1)
        # The promotions cannot take more than the whole row; the rest stays in proportion.
        cap = np.minimum(scaled_sum, 1.0)
        scaled *= np.divide(cap, scaled_sum, out=np.zeros_like(cap), where=scaled_sum > 0)[:, None]
        rest = np.where(upward, 0.0, stay)
        rest_sum = rest.sum(axis=1)
        rest *= np.divide(1 - cap, rest_sum, out=np.zeros_like(cap), where=rest_sum > 0)[:, None]
        stay = scaled + rest

    exits = {kind: np.array(baseline.exit_rates[kind], dtype=float) for kind in EXIT_KINDS}
    for kind, cut in levers.exit_cut.items():
        exits[kind] = exits[kind] * (1 - cut / 100)
    if levers.upward_quota is not None:
        expected = float(stocks @ exits["upward_selection"])
        if expected > 0:
            exits["upward_selection"] = exits["upward_selection"] * (levers.upward_quota / expected)
    if levers.rank_step_months:
        g, f, years = (
            baseline.recent_grant_share,
            baseline.recent_grant_exit_ratio,
            baseline.rank_step_years,
        )
        faster = min(1.0, g * years / max(years - levers.rank_step_months / 12, 0.5))
        multiplier = ((1 - faster) + faster * f) / ((1 - g) + g * f)
        exits = {kind: rate * multiplier for kind, rate in exits.items()}
    retirement = np.array(
        baseline.retirement["reform" if levers.retirement_reform else "no_reform"], dtype=float
    )
    leaving = np.clip(retirement + sum(exits.values()), 0.0, 1.0)
    matrix = stay * (1 - leaving)[:, np.newaxis]

    recruits = np.array(baseline.recruits, dtype=float)
    for tier, count in levers.recruits.items():
        mask = baseline.tier_mask(tier)
        recruits[mask] = count * np.array(baseline.entry_shares[tier])[mask]
    return Chain(states=baseline.states, matrix=matrix), recruits


@dataclass
class ScenarioResult:
    """Yearly figures of a scenario: per mid-level tier, the age structure, the bench."""

    years: list[int]  # calendar years, year 0 = today
    tiers: list[str]
    tier_labels: list[str]
    bands: list[str]
    stocks: dict[str, list[float]]  # tier → expected people in the tier, t = 0 … T
    filled: dict[str, list[float]]
    vacant: dict[str, list[float]]
    vacant_low: dict[str, list[float]]  # Monte Carlo 5 %
    vacant_high: dict[str, list[float]]  # Monte Carlo 95 %
    vacancy_rate: dict[str, list[float]]  # % of seats
    seats: dict[str, int]
    age_structure: list[list[float]]  # [t][band]: everyone, all tiers
    young_share: list[float]  # % under 35, all tiers
    bench_ratio: dict[str, list[float]]  # feeder tier under 45 per seat
    leavers: list[float]
    recruits: list[float]
    runs: int

    def as_json(self) -> dict:
        return asdict(self)

    def at(self, t: int) -> dict:
        """The figures of year T for the summary table."""
        return {
            tier: {
                "vacant": self.vacant[tier][t],
                "low": self.vacant_low[tier][t],
                "high": self.vacant_high[tier][t],
                "rate": self.vacancy_rate[tier][t],
                "filled": self.filled[tier][t],
                "bench": self.bench_ratio[tier][t],
            }
            for tier in self.seats
        }


MID_LEVEL = ("guji", "fuke", "zhengke")


def tier_ceilings(baseline: Baseline) -> tuple[Ceiling, ...]:
    """The seats of each mid-level tier as ceilings, highest tier first, so that a promotion
    the top cannot take leaves its candidate in the tier below, which is then checked."""
    n_bands = len(baseline.bands)
    fallback = np.array(
        [
            max(t - 1, 0) * n_bands + b
            for t, b in zip(baseline.state_tier, baseline.state_band, strict=True)
        ]
    )
    return tuple(
        Ceiling(mask=baseline.tier_mask(tier), seats=float(baseline.seats[tier]), fallback=fallback)
        for tier in reversed(MID_LEVEL)
        if tier in baseline.seats and tier in baseline.tiers
    )


def run_scenario(
    baseline: Baseline,
    levers: Levers,
    *,
    years: int = 10,
    runs: int = 200,
    seed: int = 2022,
    start_year: int = 0,
) -> ScenarioResult:
    """Project BASELINE under LEVERS; RUNS Monte Carlo runs give the bands of the vacancies."""
    if not 1 <= years <= MAX_HORIZON:
        raise ModelError(f"预测年数应在 1 到 {MAX_HORIZON} 之间。")
    if not 0 <= runs <= MAX_RUNS:
        raise ModelError(f"模拟次数应在 0 到 {MAX_RUNS} 之间。")
    chain, recruits = build_chain(baseline, levers)
    stocks = np.array(baseline.stocks, dtype=float)
    recruitment = Recruitment(constant=recruits)
    ceilings = tier_ceilings(baseline)
    expected: Projection = project(
        chain, stocks, years=years, recruitment=recruitment, ceilings=ceilings
    )
    paths = None
    if runs:
        paths = simulate(
            chain,
            np.round(stocks),
            years=years,
            recruitment=recruitment,
            runs=runs,
            seed=seed,
            ceilings=ceilings,
        )
    tiers = [tier for tier in MID_LEVEL if tier in baseline.seats]
    result = ScenarioResult(
        years=[start_year + t for t in range(years + 1)],
        tiers=tiers,
        tier_labels=[baseline.tier_labels[baseline.tiers.index(t)] for t in tiers],
        bands=baseline.bands,
        stocks={},
        filled={},
        vacant={},
        vacant_low={},
        vacant_high={},
        vacancy_rate={},
        seats={tier: baseline.seats[tier] for tier in tiers},
        age_structure=[],
        young_share=[],
        bench_ratio={},
        leavers=[round(float(v), 2) for v in expected.leavers.sum(axis=1)],
        recruits=[round(float(v), 2) for v in expected.recruits.sum(axis=1)],
        runs=runs,
    )
    band_of = np.array(baseline.state_band)
    young = np.array([upper is not None and upper <= 35 for upper in baseline.band_upper])
    under_45 = np.array([upper is not None and upper <= 45 for upper in baseline.band_upper])
    for tier in tiers:
        mask = baseline.tier_mask(tier)
        seats = baseline.seats[tier]
        stock = expected.stocks[:, mask].sum(axis=1)
        vacant = np.maximum(seats - stock, 0)
        result.stocks[tier] = _rounded(stock)
        result.filled[tier] = _rounded(np.minimum(stock, seats))
        result.vacant[tier] = _rounded(vacant)
        result.vacancy_rate[tier] = _rounded(100 * vacant / seats if seats else vacant * 0)
        if paths is not None:
            simulated = np.maximum(seats - paths[:, :, mask].sum(axis=2), 0)
            low, _median, high = quantile_bands(simulated[:, :, np.newaxis])[:, :, 0]
            result.vacant_low[tier], result.vacant_high[tier] = _rounded(low), _rounded(high)
        else:
            result.vacant_low[tier] = result.vacant_high[tier] = result.vacant[tier]
        feeder = baseline.tiers.index(tier) - 1
        feeder_mask = (np.array(baseline.state_tier) == feeder) & under_45[band_of]
        pool = expected.stocks[:, feeder_mask].sum(axis=1)
        result.bench_ratio[tier] = _rounded(pool / seats if seats else pool * 0)
    for t in range(years + 1):
        by_band = np.bincount(band_of, weights=expected.stocks[t], minlength=len(baseline.bands))
        result.age_structure.append(_rounded(by_band))
        total = by_band.sum()
        result.young_share.append(
            round(float(100 * by_band[young].sum() / total), 1) if total else 0.0
        )
    return result


def _rounded(values: np.ndarray) -> list[float]:
    return [round(float(v), 2) for v in values]
