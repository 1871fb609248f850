"""Estimation on a small hand-built history: states, moves, exits, entrants, retirements."""

import datetime

import numpy as np
import pytest

from tests import factories
from zhongjian.org.choices import CadreStatus, Tier
from zhongjian.pipeline.choices import DepartureKind, DestinationLevel
from zhongjian.pipeline.models import Departure
from zhongjian.projection.estimation import AGE_BANDS, TIERS, estimate, rate_rows, wilson

TODAY = datetime.date(2026, 3, 1)
BANDS = len(AGE_BANDS)


def state(tier: str, band: int) -> int:
    return TIERS.index(tier) * BANDS + band


@pytest.fixture
def history(db: None) -> dict:
    county = factories.county()
    unit = factories.unit(county=county)
    guji = factories.post(unit=unit, tier=Tier.GUJI, headcount=3)
    general = factories.post(unit=unit, tier=Tier.GENERAL, headcount=10)
    # A: general, aged 34 on 2025-01-01, promoted to 股级 in June 2025, 35 on 2026-01-01.
    a = factories.cadre(unit=unit, birth_date=datetime.date(1990, 3, 1))
    factories.appoint(cadre=a, post=guji, start=datetime.date(2025, 6, 1))
    # B: 股级 throughout, 44 → 45.
    b = factories.cadre(unit=unit, birth_date=datetime.date(1980, 1, 15))
    factories.appoint(cadre=b, post=guji, start=datetime.date(2020, 1, 1))
    # C: 股级 aged 37, resigned in May 2025.
    c = factories.cadre(
        unit=unit, birth_date=datetime.date(1988, 1, 1), status=CadreStatus.DEPARTED
    )
    factories.appoint(
        cadre=c,
        post=guji,
        start=datetime.date(2019, 1, 1),
        end_date=datetime.date(2025, 5, 1),
        end_reason="departed",
    )
    Departure.objects.create(
        county=county,
        unit=unit,
        cadre=c,
        kind=DepartureKind.RESIGNATION,
        destination_level=DestinationLevel.OUTSIDE,
        departed_on=datetime.date(2025, 5, 1),
        tier=Tier.GUJI,
    )
    # D: joined in September 2025 aged 23.
    d = factories.cadre(
        unit=unit, birth_date=datetime.date(2002, 5, 1), work_start_date=datetime.date(2025, 9, 1)
    )
    factories.appoint(cadre=d, post=general, start=datetime.date(2025, 9, 1))
    # E: a man born 1966-11: 60 on 2026-11-01, six months later with the phased reform.
    e = factories.cadre(unit=unit, birth_date=datetime.date(1966, 11, 1))
    factories.appoint(cadre=e, post=general, start=datetime.date(2010, 1, 1))
    return {"county": county}


def test_year_pair_counts(history: dict) -> None:
    """One year of history: A's promotion, B's ageing, C's resignation, D's entry."""
    result = estimate(history["county"], today=TODAY, window=1)
    counts, baseline = result.counts, result.baseline
    assert counts.moves[state(Tier.GENERAL, 1), state(Tier.GUJI, 2)] == 1
    assert counts.moves[state(Tier.GUJI, 3), state(Tier.GUJI, 4)] == 1
    assert counts.exits["resignation"][state(Tier.GUJI, 2)] == 1
    assert counts.entrants[state(Tier.GENERAL, 0)] == 1
    # Stayers' moves are normalised per row; C's state has no stayer and keeps its default.
    assert baseline.stay[state(Tier.GENERAL, 1)][state(Tier.GUJI, 2)] == 1.0
    assert baseline.exit_rates["resignation"][state(Tier.GUJI, 2)] == 1.0
    assert baseline.recruits[state(Tier.GENERAL, 0)] == 1.0
    assert baseline.seats == {"zhengke": 0, "fuke": 0, "guji": 3}
    stocks = np.array(baseline.stocks)
    assert stocks.sum() == 4 and stocks[state(Tier.GUJI, 2)] == 1  # A, now 35 and 股级


def test_retirement_comes_from_the_statutory_date(history: dict) -> None:
    """E retires within twelve months only without the reform (2026-11 vs 2027-05)."""
    baseline = estimate(history["county"], today=TODAY, window=1).baseline
    old = state(Tier.GENERAL, BANDS - 1)
    assert baseline.retirement["no_reform"][old] == 1.0
    assert baseline.retirement["reform"][old] == 0.0


def test_rates_have_wilson_intervals(history: dict) -> None:
    """Each exported rate carries its count, exposure and 95 % Wilson interval."""
    rows = rate_rows(estimate(history["county"], today=TODAY, window=1))
    resignation = next(r for r in rows if r["to"] == "离岗:辞职")
    assert (resignation["count"], resignation["exposure"], resignation["rate"]) == (1, 1, 1.0)
    low, high = wilson(1, 1)
    assert resignation["ci_low"] == round(low, 6) and high == 1.0
    assert 0.2 < low < 0.21  # Wilson for 1/1: 1/(1 + z²) ≈ 0.2065


def test_wilson_interval_known_value() -> None:
    """Wilson 95 % for 10 of 100 is (0.0552, 0.1744)."""
    low, high = wilson(10, 100)
    assert low == pytest.approx(0.0552, abs=1e-4) and high == pytest.approx(0.1744, abs=1e-4)


def test_without_retirement_rules_the_page_says_so(history: dict) -> None:
    """An emptied rules table gives no retirements and a note, not an error."""
    from zhongjian.org.models import RetirementRule

    RetirementRule.objects.all().delete()
    baseline = estimate(history["county"], today=TODAY, window=1).baseline
    assert sum(baseline.retirement["reform"]) == 0
    assert any("退休年龄规则" in note for note in baseline.notes)
