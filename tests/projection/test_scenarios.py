"""Policy levers act on the baseline as docs/projection.md says, checked on a tiny baseline."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhongjian.projection.engine import ModelError
from zhongjian.projection.scenarios import Baseline, Levers, build_chain, run_scenario


def baseline() -> Baseline:
    """一般 and 股级, each under 35 and 35+: states 0 一般<35, 1 一般35+, 2 股级<35, 3 股级35+."""
    return Baseline(
        tiers=["general", "guji"],
        tier_labels=["一般", "股级"],
        bands=["35岁以下", "35岁及以上"],
        band_upper=[35, None],
        state_tier=[0, 0, 1, 1],
        state_band=[0, 1, 0, 1],
        stocks=[100, 100, 10, 10],
        stay=[[0.7, 0.1, 0.2, 0.0], [0, 0.9, 0, 0.1], [0, 0, 0.8, 0.2], [0, 0, 0, 1.0]],
        exit_rates={
            "upward_selection": [0.0, 0.0, 0.1, 0.1],
            "transfer": [0.0] * 4,
            "resignation": [0.1, 0.0, 0.0, 0.0],
            "other": [0.0] * 4,
        },
        retirement={"reform": [0, 0.02, 0, 0.02], "no_reform": [0, 0.05, 0, 0.05]},
        recruits=[5, 0, 0, 0],
        entry_shares={"general": [1, 0, 0, 0], "guji": [0, 0, 0.5, 0.5]},
        seats={"guji": 30},
        refusal={"general": 0, "guji": 0.5},
        bench={"guji": 3},
    )


def test_trend_is_stay_times_survival() -> None:
    """Today's trend: P = diag(1 − retirement − exits)·stay, recruits as estimated."""
    chain, recruits = build_chain(baseline(), Levers())
    np.testing.assert_allclose(chain.wastage, [0.1, 0.02, 0.1, 0.12])
    np.testing.assert_allclose(chain.matrix[0], [0.63, 0.09, 0.18, 0])
    assert recruits.tolist() == [5, 0, 0, 0]


def test_exit_cut_and_reform_lever() -> None:
    """Resignation −50 % halves it; without the reform the no-reform retirement shares apply."""
    chain, _ = build_chain(
        baseline(), Levers(exit_cut={"resignation": 50}, retirement_reform=False)
    )
    np.testing.assert_allclose(chain.wastage, [0.05, 0.05, 0.1, 0.15])


def test_upward_quota_sets_expected_leavers() -> None:
    """A quota of 4 遴选 a year: 20 股级 × rate = 4, so the rate becomes 0.2."""
    chain, _ = build_chain(baseline(), Levers(upward_quota=4))
    np.testing.assert_allclose(chain.wastage[2:], [0.2, 0.22])


def test_refusal_cut_raises_promotions() -> None:
    """Refusals halved from 50 % to 25 %: promotions × 0.75 / 0.5 = 1.5, the rest shrinks."""
    chain, _ = build_chain(baseline(), Levers(refusal_cut=50))
    survive = 0.9
    np.testing.assert_allclose(
        chain.matrix[0] / survive, [0.7 * 0.7 / 0.8, 0.1 * 0.7 / 0.8, 0.3, 0]
    )
    assert chain.matrix[0].sum() == pytest.approx(survive)


def test_recruitment_lever_spreads_over_entry_bands() -> None:
    """股级 recruitment of 6 a year goes to its entry bands as its entrants did (half and half)."""
    _chain, recruits = build_chain(baseline(), Levers(recruits={"guji": 6}))
    assert recruits.tolist() == [5, 0, 3, 3]


def test_scenario_result_respects_seats_and_bands() -> None:
    """Vacancies never go below 0, the bands bracket the median, the years count from today."""
    result = run_scenario(baseline(), Levers(), years=5, runs=100, start_year=2026)
    assert result.years == [2026, 2027, 2028, 2029, 2030, 2031]
    assert result.vacant["guji"][0] == 10.0  # 30 seats, 20 people
    assert all(
        low <= high
        for low, high in zip(result.vacant_low["guji"], result.vacant_high["guji"], strict=True)
    )
    assert all(s <= 30 + 1e-9 for s in result.stocks["guji"])


@given(
    st.dictionaries(
        st.sampled_from(["refusal_cut", "upward_quota", "rank_step_months"]),
        st.one_of(st.integers(-10, 500), st.text(max_size=5), st.floats()),
    )
)
def test_bad_levers_raise_model_error_only(data: dict) -> None:
    """Any submitted lever values give levers or a Chinese ModelError, nothing else."""
    try:
        Levers.from_dict(data)
    except ModelError as exc:
        assert exc.message
