"""PHQ-9 and GAD-7 scoring on the published cut-offs, and the PHQ-9 crisis rule."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhongjian.care.choices import Instrument
from zhongjian.care.scoring import score
from zhongjian.core.errors import ValidationError


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ([0] * 9, 0, "无或极轻微"),
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "无或极轻微"),
        ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "轻度"),
        ([1] * 8 + [0], 8, "轻度"),
        ([2, 2, 2, 1, 1, 1, 0, 0, 0], 9, "轻度"),
        ([2, 2, 2, 2, 1, 1, 0, 0, 0], 10, "中度"),
        ([2, 2, 2, 2, 2, 2, 2, 0, 0], 14, "中度"),
        ([2, 2, 2, 2, 2, 2, 2, 1, 0], 15, "中重度"),
        ([3, 3, 3, 2, 2, 2, 2, 2, 0], 19, "中重度"),
        ([3, 3, 3, 3, 2, 2, 2, 2, 0], 20, "重度"),
        ([3] * 9, 27, "重度"),
    ],
)
def test_phq9_bands(answers: list[int], total: int, band: str) -> None:
    """PHQ-9 totals fall into Kroenke et al.'s bands: 0–4, 5–9, 10–14, 15–19, 20–27."""
    result = score(Instrument.PHQ9, answers)
    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ([0] * 7, 0, "无或极轻微"),
        ([1, 1, 1, 1, 0, 0, 0], 4, "无或极轻微"),
        ([1, 1, 1, 1, 1, 0, 0], 5, "轻度"),
        ([2, 2, 2, 2, 1, 0, 0], 9, "轻度"),
        ([2, 2, 2, 2, 2, 0, 0], 10, "中度"),
        ([2, 2, 2, 2, 2, 2, 2], 14, "中度"),
        ([3, 3, 3, 2, 2, 1, 1], 15, "重度"),
        ([3] * 7, 21, "重度"),
    ],
)
def test_gad7_bands(answers: list[int], total: int, band: str) -> None:
    """GAD-7 totals fall into Spitzer et al.'s bands: 0–4, 5–9, 10–14, 15–21; never urgent."""
    result = score(Instrument.GAD7, answers)
    assert (result.total, result.band, result.urgent) == (total, band, False)


def test_phq9_crisis_rule() -> None:
    """Item 9 above 0, or a total of 20 or more, is urgent; 19 without item 9 is not."""
    assert score(Instrument.PHQ9, [0] * 8 + [1]).urgent
    assert score(Instrument.PHQ9, [3, 3, 3, 3, 2, 2, 2, 2, 0]).urgent
    assert not score(Instrument.PHQ9, [3, 3, 3, 2, 2, 2, 2, 2, 0]).urgent


@pytest.mark.parametrize(
    "answers",
    [[], [0] * 8, [0] * 10, [0] * 8 + [4], [0] * 8 + [-1], [0] * 8 + [True], ["1"] * 9],
)
def test_refuses_incomplete_or_out_of_range(answers: list[object]) -> None:
    """Every item must be answered with an integer 0–3."""
    with pytest.raises(ValidationError):
        score(Instrument.PHQ9, answers)  # type: ignore[arg-type]


@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_phq9_total_and_band_are_consistent(answers: list[int]) -> None:
    """The total is the sum of the items; the band never falls as an item rises."""
    result = score(Instrument.PHQ9, answers)
    assert result.total == sum(answers)
    order = ["无或极轻微", "轻度", "中度", "中重度", "重度"]
    for index, value in enumerate(answers):
        if value < 3:
            higher = score(Instrument.PHQ9, [*answers[:index], value + 1, *answers[index + 1 :]])
            assert order.index(higher.band) >= order.index(result.band)
            assert higher.urgent or not result.urgent
