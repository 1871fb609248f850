"""Textbook projections computed by hand, the fundamental matrix and the Monte Carlo mean."""

import numpy as np
import pytest

from zhongjian.projection.engine import (
    Ceiling,
    Chain,
    ModelError,
    Recruitment,
    fundamental,
    project,
    simulate,
)

# A three-grade hierarchy (Bartholomew's textbook layout): junior, middle, senior.
STATES = ("junior", "middle", "senior")
P = np.array([[0.6, 0.2, 0.0], [0.0, 0.7, 0.1], [0.0, 0.0, 0.8]])


def test_one_step_forecast() -> None:
    """n(1) = n(0)P + R: (100, 50, 20) → (60 + 10, 20 + 35, 5 + 16) with 10 juniors recruited."""
    chain = Chain(states=STATES, matrix=P)
    result = project(
        chain,
        np.array([100.0, 50.0, 20.0]),
        years=1,
        recruitment=Recruitment(constant=np.array([10.0, 0.0, 0.0])),
    )
    period = result.as_json()["periods"][0]
    assert period["stocks"] == {"junior": 70.0, "middle": 55.0, "senior": 21.0}
    # Wastage is 1 − row sum: 0.2, 0.2, 0.2 of the stocks at the start.
    assert period["leavers"] == {"junior": 20.0, "middle": 10.0, "senior": 4.0}
    assert period["recruits"] == {"junior": 10.0, "middle": 0.0, "senior": 0.0}


def test_push_model_with_constant_recruitment_over_three_periods() -> None:
    """Three periods of the push model match the hand computation period by period."""
    chain = Chain(states=STATES, matrix=P)
    result = project(
        chain,
        np.array([100.0, 50.0, 20.0]),
        years=3,
        recruitment=Recruitment(constant=np.array([30.0, 5.0, 0.0])),
    )
    # t=1: (60+30, 20+35+5, 5+16) = (90, 60, 21)
    # t=2: (54+30, 18+42+5, 6+16.8) = (84, 65, 22.8)
    # t=3: (50.4+30, 16.8+45.5+5, 6.5+18.24) = (80.4, 67.3, 24.74)
    expected = [[90, 60, 21], [84, 65, 22.8], [80.4, 67.3, 24.74]]
    stocks = [list(p["stocks"].values()) for p in result.as_json()["periods"]]
    assert stocks == expected


def test_fixed_size_model_replaces_leavers() -> None:
    """With leavers replaced in distribution r the total stays constant and recruits = leavers."""
    chain = Chain(states=STATES, matrix=P)
    result = project(
        chain,
        np.array([100.0, 50.0, 20.0]),
        years=2,
        recruitment=Recruitment(replace_distribution=np.array([3.0, 1.0, 0.0])),
    )
    first, second = result.as_json()["periods"]
    # 34 leave in period 1 (20 + 10 + 4); r = (0.75, 0.25, 0): 25.5 juniors, 8.5 middles.
    assert first["recruits"] == {"junior": 25.5, "middle": 8.5, "senior": 0.0}
    assert first["stocks"] == {"junior": 85.5, "middle": 63.5, "senior": 21.0}
    assert sum(second["stocks"].values()) == pytest.approx(170.0, abs=1e-9)
    assert sum(second["recruits"].values()) == pytest.approx(sum(second["leavers"].values()))


def test_absorbing_chain_fundamental_matrix() -> None:
    """N = (I − Q)⁻¹ by hand for an upper-triangular Q, with periods and reach probabilities.

    N[0,0] = 1/0.4 = 2.5; N[1,1] = 1/0.3; N[2,2] = 5; N[0,1] = 0.2·2.5/0.3 = 5/3;
    N[1,2] = 0.1/0.3·5 = 5/3; N[0,2] = N[0,1]·0.1·5 = 5/6.
    """
    fund = fundamental(Chain(states=STATES, matrix=P))
    expected = np.array([[2.5, 5 / 3, 5 / 6], [0, 10 / 3, 5 / 3], [0, 0, 5]])
    np.testing.assert_allclose(fund.matrix, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(fund.expected_periods, [2.5 + 5 / 3 + 5 / 6, 5, 5], rtol=1e-12)
    # Probability of ever reaching middle from junior: 0.2 / (0.2 + 0.2) = 0.5; senior: 0.5·1/3.
    np.testing.assert_allclose(fund.reach[0], [1, 0.5, 1 / 6], rtol=1e-12)
    document = fund.as_json()
    assert document["expected_periods"]["senior"] == 5.0


def test_fundamental_matrix_refuses_a_closed_state() -> None:
    """A state nobody ever leaves has no fundamental matrix; the error names it."""
    chain = Chain(states=("a", "b"), matrix=np.array([[0.5, 0.3], [0.0, 1.0]]))
    with pytest.raises(ModelError, match="b"):
        fundamental(chain)


def test_monte_carlo_mean_converges_to_the_expected_value() -> None:
    """The mean of 4,000 simulated runs lies within 1 % of the exact expected stocks."""
    chain = Chain(states=STATES, matrix=P)
    stocks = np.array([400.0, 200.0, 80.0])
    recruitment = Recruitment(constant=np.array([40.5, 5.0, 0.0]))
    exact = project(chain, stocks, years=5, recruitment=recruitment).stocks
    paths = simulate(chain, stocks, years=5, recruitment=recruitment, runs=4000, seed=7)
    np.testing.assert_allclose(paths.mean(axis=0), exact, rtol=0.01)


def test_monte_carlo_is_reproducible_for_a_seed() -> None:
    """The same seed gives the same paths; another seed other paths."""
    chain = Chain(states=STATES, matrix=P)
    stocks = np.array([100.0, 50.0, 20.0])
    recruitment = Recruitment(replace_distribution=np.array([1.0, 0.0, 0.0]))
    one = simulate(chain, stocks, years=4, recruitment=recruitment, runs=50, seed=1)
    assert np.array_equal(
        one, simulate(chain, stocks, years=4, recruitment=recruitment, runs=50, seed=1)
    )
    assert not np.array_equal(
        one, simulate(chain, stocks, years=4, recruitment=recruitment, runs=50, seed=2)
    )
    # Fixed size: every run keeps 170 people.
    assert (one.sum(axis=2) == 170).all()


def test_ceiling_keeps_excess_promotions_in_the_feeder_state() -> None:
    """A tier with 2 seats holds at most 2; the excess stays in the state below."""
    chain = Chain(states=("low", "high"), matrix=np.array([[0.5, 0.5], [0.0, 1.0]]))
    ceiling = Ceiling(mask=np.array([False, True]), seats=2.0, fallback=np.array([0, 0]))
    result = project(
        chain,
        np.array([10.0, 0.0]),
        years=1,
        recruitment=Recruitment(constant=np.zeros(2)),
        ceilings=(ceiling,),
    )
    assert result.stocks[1].tolist() == [8.0, 2.0]
    paths = simulate(
        chain,
        np.array([10.0, 0.0]),
        years=3,
        recruitment=Recruitment(constant=np.zeros(2)),
        runs=20,
        seed=3,
        ceilings=(ceiling,),
    )
    assert (paths[:, :, 1] <= 2).all() and (paths.sum(axis=2) == 10).all()


def test_row_above_one_is_refused() -> None:
    with pytest.raises(ModelError, match="超过 1"):
        Chain(states=("a",), matrix=np.array([[1.2]]))
