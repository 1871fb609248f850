"""Recruitment-plan optimiser (招录计划优化): the smallest whole yearly intake by entry tier.

Pure numpy/scipy (no Django). The expected stocks are linear in the intake x:
n(t) = n(0)·Pᵗ + Σ_{s<t} (R₀ + Σ_e x_e·d_e)·Pˢ, so "every tier's vacancy rate at most the target
in every year" is a set of linear constraints A·x ≥ b, and `scipy.optimize.milp` finds the
smallest Σ x_e in integers. Every coefficient of A is ≥ 0, so a plan exists exactly when the
largest allowed intake meets every constraint; the constraints it misses are the reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zhongjian.core.lazy import numpy as np  # loaded on first use, not with the URLs
from zhongjian.projection.engine import Chain, ModelError


@dataclass
class Shortfall:
    """A tier and year that no allowed intake keeps under the target."""

    tier: str
    year: int  # period 1 … T
    best_rate: float  # % vacancy with the largest allowed intake
    target: float
    reason: str


@dataclass
class Plan:
    feasible: bool
    intake: dict[str, int] = field(default_factory=dict)  # entry tier → people per year
    total: int = 0
    vacancy_rates: dict[str, list[float]] = field(default_factory=dict)  # tier → % per year
    shortfalls: list[Shortfall] = field(default_factory=list)
    message: str = ""


def optimise_intake(
    chain: Chain,
    stocks: np.ndarray,
    *,
    years: int,
    tiers: dict[str, np.ndarray],
    seats: dict[str, float],
    entry: dict[str, np.ndarray],
    caps: dict[str, int | None],
    target: float,
    fixed_recruits: np.ndarray | None = None,
    labels: dict[str, str] | None = None,
) -> Plan:
    """The smallest integer yearly intake per entry tier keeping each tier's vacancy ≤ TARGET %.

    TIERS maps a constrained tier to its mask over the states, SEATS to its seats; ENTRY maps an
    entry tier to the distribution of its recruits over the states, CAPS to its largest allowed
    yearly intake (None: no limit). FIXED_RECRUITS arrive every year whatever the plan.
    """
    if not 0 <= target < 100:
        raise ModelError("目标空缺率应在 0 到 100 之间（不含 100）。")
    if not entry:
        raise ModelError("至少选择一个可招录的层级。")
    labels = labels or {}
    k = len(chain.states)
    fixed = np.zeros(k) if fixed_recruits is None else np.asarray(fixed_recruits, dtype=float)
    names = list(entry)
    d = np.array([entry[name] for name in names])  # (m, k)
    power = np.eye(k)  # Pᵗ
    cumulative = np.zeros((k, k))  # Σ_{s<t} Pˢ
    rows, lower, keys = [], [], []
    for t in range(1, years + 1):
        cumulative = cumulative + power
        power = power @ chain.matrix
        base = stocks @ power + fixed @ cumulative
        per_intake = d @ cumulative  # (m, k)
        for tier, mask in tiers.items():
            if seats.get(tier, 0) <= 0:
                continue
            rows.append(per_intake[:, mask].sum(axis=1))
            lower.append((1 - target / 100) * seats[tier] - base[mask].sum())
            keys.append((tier, t, base[mask].sum()))
    a = np.array(rows).reshape(len(rows), len(names))
    b = np.array(lower)
    upper = np.array([np.inf if caps.get(n) is None else float(caps[n]) for n in names])

    shortfalls = []
    for row, need, (tier, t, base_stock) in zip(a, b, keys, strict=True):
        best = float(row @ np.where(np.isinf(upper), 0, upper))
        unbounded = bool(np.any(np.isinf(upper) & (row > 0)))
        if need > 1e-9 and not unbounded and best < need - 1e-9:
            seat = seats[tier]
            rate = 100 * max(seat - base_stock - best, 0) / seat
            tier_name = labels.get(tier, tier)
            if not np.any(row > 0):
                reason = (
                    f"第 {t} 年{tier_name}：所选招录层级的新进人员在第 {t} 年前到不了该层级，"
                    f"空缺率至少为 {rate:.1f}%。"
                )
            else:
                reason = (
                    f"第 {t} 年{tier_name}：即使每个层级都按上限招录，空缺率仍为 {rate:.1f}%，"
                    f"高于目标 {target:g}%。"
                )
            shortfalls.append(
                Shortfall(tier=tier, year=t, best_rate=round(rate, 1), target=target, reason=reason)
            )
    if shortfalls:
        return Plan(
            feasible=False,
            shortfalls=shortfalls,
            message="没有任何招录计划能在每一年都把各层级空缺率控制在目标以内。",
        )
    if not len(rows):
        return Plan(feasible=True, intake=dict.fromkeys(names, 0), message="无需额外招录。")
    from scipy.optimize import Bounds, LinearConstraint, milp  # 70 MB: only where it runs

    result = milp(
        c=np.ones(len(names)),
        constraints=LinearConstraint(a, lb=b, ub=np.inf),
        integrality=np.ones(len(names)),
        bounds=Bounds(np.zeros(len(names)), upper),
    )
    if result.status != 0 or result.x is None:
        return Plan(feasible=False, message=f"求解器未找到可行解（{result.message}）。")
    intake = {name: round(float(x)) for name, x in zip(names, result.x, strict=True)}
    x = np.array([intake[n] for n in names], dtype=float)
    rates: dict[str, list[float]] = {tier: [] for tier in tiers if seats.get(tier, 0) > 0}
    for row, need, (tier, _t, _base) in zip(a, b, keys, strict=True):
        seat = seats[tier]
        stock = (1 - target / 100) * seat - need + row @ x
        rates[tier].append(round(100 * max(seat - stock, 0) / seat, 2))
    return Plan(
        feasible=True,
        intake=intake,
        total=int(sum(intake.values())),
        vacancy_rates=rates,
        message="已找到满足目标的最小招录计划。",
    )
