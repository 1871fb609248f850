"""The recruitment-plan optimiser on cases small enough to check by hand."""

import numpy as np

from zhongjian.projection.engine import Chain
from zhongjian.projection.optimise import optimise_intake

# Two states, each its own tier: people stay with 0.5 and do not move up.
CHAIN = Chain(states=("low", "high"), matrix=np.array([[0.5, 0.0], [0.0, 0.5]]))
MASKS = {"low": np.array([True, False]), "high": np.array([False, True])}


def test_smallest_integer_intake() -> None:
    """10 seats in each tier, target 20 %: at least 8 people in each tier every year.

    Stocks 8 and 8, constant intake x: year 1 gives 4 + x, year 2 2 + 1.5x, year 3 1 + 1.75x;
    all ≥ 8 first holds at x = 4 (year 1 and 2 both need x ≥ 4). Same for the high tier.
    """
    plan = optimise_intake(
        CHAIN,
        np.array([8.0, 8.0]),
        years=3,
        tiers=MASKS,
        seats={"low": 10, "high": 10},
        entry={"low": np.array([1.0, 0.0]), "high": np.array([0.0, 1.0])},
        caps={"low": None, "high": None},
        target=20,
    )
    assert plan.feasible
    assert plan.intake == {"low": 4, "high": 4}
    assert plan.total == 8
    assert max(plan.vacancy_rates["low"]) <= 20


def test_infeasible_plan_names_tier_and_year() -> None:
    """Nobody may enter the high tier directly and nobody moves up: it empties, and the
    statement names the tier and the first year it misses the target."""
    plan = optimise_intake(
        CHAIN,
        np.array([8.0, 8.0]),
        years=2,
        tiers=MASKS,
        seats={"low": 10, "high": 10},
        entry={"low": np.array([1.0, 0.0])},
        caps={"low": None},
        target=20,
        labels={"high": "正科"},
    )
    assert not plan.feasible
    assert [(s.tier, s.year) for s in plan.shortfalls] == [("high", 1), ("high", 2)]
    assert "第 1 年正科" in plan.shortfalls[0].reason
    assert plan.shortfalls[0].best_rate == 60.0


def test_cap_too_small_is_infeasible() -> None:
    """A cap of 3 per year cannot lift the low tier to 8 in year 1 (4 + 3 = 7 < 8)."""
    plan = optimise_intake(
        CHAIN,
        np.array([8.0, 8.0]),
        years=1,
        tiers={"low": MASKS["low"]},
        seats={"low": 10},
        entry={"low": np.array([1.0, 0.0])},
        caps={"low": 3},
        target=20,
    )
    assert not plan.feasible
    assert plan.shortfalls[0].best_rate == 30.0
