"""Scoring of the bundled instruments against their published rules."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st

from zhongjian.core.errors import NotFound, ValidationError
from zhongjian.voice.instrument_spec import validate_instrument_spec
from zhongjian.voice.management.commands.score import Command
from zhongjian.voice.scoring import (
    INSTRUMENTS_DIR,
    list_instruments,
    load_instrument,
    parse_answer_tokens,
    score_answers,
)

BUNDLED = ("cbi_work", "pressure_sources", "promotion", "pss10", "pss4", "turnover", "who5")


def answers_for(code: str, values: list[int | None]) -> dict[str, int | None]:
    instrument = load_instrument(code)
    return {item.code: value for item, value in zip(instrument.items, values, strict=True)}


def score(code: str, values: list[int | None]):
    return score_answers(instrument=load_instrument(code), answers=answers_for(code, values))


def test_bundled_instruments_are_listed_and_valid() -> None:
    """Every bundled file passes the validator that custom instruments go through."""
    assert [instrument.code for instrument in list_instruments()] == list(BUNDLED)
    for path in INSTRUMENTS_DIR.glob("*.json"):
        assert validate_instrument_spec(json.loads(path.read_text(encoding="utf-8"))) == []


def test_own_item_sets_are_flagged_not_validated() -> None:
    """Item sets written for Zhongjian say so; the published scales are marked validated."""
    flags = {instrument.code: instrument.validated for instrument in list_instruments()}
    assert flags == {
        "cbi_work": True,
        "pressure_sources": False,
        "promotion": False,
        "pss10": True,
        "pss4": True,
        "turnover": False,
        "who5": True,
    }


def test_unknown_instrument_and_version_are_not_found() -> None:
    """Asking for an instrument or a version that is not bundled raises NotFound."""
    with pytest.raises(NotFound):
        load_instrument("phq9")
    with pytest.raises(NotFound):
        load_instrument("who5", version=99)
    assert load_instrument("who5", version=1) is load_instrument("who5")


@pytest.mark.parametrize(
    ("values", "raw", "percentage", "band"),
    [
        ([3, 3, 2, 2, 2], 12, 48.0, "poor_wellbeing"),
        ([3, 3, 3, 2, 2], 13, 52.0, "adequate"),
        ([2, 2, 1, 1, 1], 7, 28.0, "likely_depression"),
        ([2, 2, 2, 1, 1], 8, 32.0, "poor_wellbeing"),
        ([0, 0, 0, 0, 0], 0, 0.0, "likely_depression"),
        ([5, 5, 5, 5, 5], 25, 100.0, "adequate"),
    ],
)
def test_who5_percentage_and_cut_offs(
    values: list[int], raw: int, percentage: float, band: str
) -> None:
    """WHO-5 percentage is raw × 4; ≤ 28 % likely depression, ≤ 50 % poor wellbeing."""
    result = score("who5", values)
    assert (result.raw, result.score, result.band, result.scored) == (raw, percentage, band, True)


def test_who5_with_a_missing_answer_is_unscored() -> None:
    """A WHO-5 sum is meaningless with an item missing, so the response is left unscored."""
    result = score("who5", [5, 5, 5, 5, None])
    assert (result.scored, result.raw, result.score, result.band, result.answered) == (
        False,
        None,
        None,
        None,
        4,
    )
    assert "至少需要 5 题" in result.reason


def test_cbi_with_three_answered_items_is_unscored() -> None:
    """CBI work-related burnout needs at least 4 of its 7 items answered."""
    result = score("cbi_work", [100, 75, 50, None, None, None, None])
    assert (result.scored, result.score, result.answered) == (False, None, 3)


def test_cbi_scores_the_mean_of_answered_items() -> None:
    """With 4 items answered the score is their mean; 50 is already high burnout."""
    result = score("cbi_work", [100, 50, 25, 25, None, None, None])
    assert (result.scored, result.raw, result.score, result.band) == (True, 200, 50.0, "high")
    result = score("cbi_work", [75, 50, 25, 25, None, None, None])
    assert (result.score, result.band) == (43.75, "low")


def test_cbi_item_seven_is_reversed() -> None:
    """Enough energy for family and friends 'always' (100) counts as no burnout (0)."""
    result = score("cbi_work", [100, 100, 100, 100, 100, 100, 100])
    assert result.raw == 600
    assert result.score == round(600 / 7, 2)
    assert score("cbi_work", [0, 0, 0, 0, 0, 0, 0]).score == round(100 / 7, 2)


def test_pss10_reverses_items_4_5_7_8() -> None:
    """PSS-10 sums 0–40 with items 4, 5, 7 and 8 reversed."""
    assert score("pss10", [0] * 10).raw == 16
    assert score("pss10", [4] * 10).raw == 24
    assert score("pss10", [4, 4, 4, 0, 0, 4, 0, 0, 4, 4]).raw == 40
    assert score("pss10", [0, 0, 0, 4, 4, 0, 4, 4, 0, 0]).raw == 0


def test_pss4_all_zero_scores_eight() -> None:
    """PSS-4 reverses its items 2 and 3, so answering 0 throughout scores 8 of 16."""
    result = score("pss4", [0, 0, 0, 0])
    assert (result.raw, result.score, result.band) == (8, 8.0, None)
    assert score("pss4", [4, 0, 0, 4]).raw == 16


def test_promotion_reverses_the_decline_item() -> None:
    """Willing to be promoted and not thinking of declining is the strongest willingness."""
    assert score("promotion", [5, 5, 1]).score == 5.0
    assert score("promotion", [5, 5, 5]).score == round(11 / 3, 2)


@pytest.mark.parametrize("bad", [6, -1, True, 2.0, "3"])
def test_values_outside_the_options_are_refused(bad: object) -> None:
    """An answer that is not one of the item's option values is a domain error, not a score."""
    with pytest.raises(ValidationError) as caught:
        score_answers(
            instrument=load_instrument("who5"), answers={"q1": bad, "q2": 1, "q3": 1, "q4": 1}
        )
    assert len(caught.value.errors) == 1
    assert "q1" in caught.value.errors[0]


def test_unknown_item_codes_are_refused() -> None:
    """Answers to items the instrument does not have are refused, each named."""
    with pytest.raises(ValidationError) as caught:
        score_answers(instrument=load_instrument("pss4"), answers={"q9": 1, "q0": None})
    assert len(caught.value.errors) == 2


def _expected_raw(code: str, answers: dict[str, int | None]) -> int:
    """An oracle read straight from the instrument file, independent of the Instrument class."""
    spec = json.loads((INSTRUMENTS_DIR / f"{code}.v1.json").read_text(encoding="utf-8"))
    total = 0
    for item in spec["items"]:
        value = answers[item["code"]]
        if value is None:
            continue
        values = [option["value"] for option in item.get("options", spec.get("options"))]
        total += min(values) + max(values) - value if item.get("reverse") else value
    return total


@st.composite
def instrument_answers(draw: st.DrawFn) -> tuple[str, dict[str, int | None]]:
    code = draw(st.sampled_from(BUNDLED))
    answers = {
        item.code: draw(st.none() | st.sampled_from([option.value for option in item.options]))
        for item in load_instrument(code).items
    }
    return code, answers


@given(instrument_answers())
def test_scores_stay_in_range_and_follow_the_rules(case: tuple[str, dict[str, int | None]]) -> None:
    """Any allowed answers: scored exactly when enough items are answered, score within its
    range and in the band that contains it, raw as the file's rule computes it."""
    code, answers = case
    instrument = load_instrument(code)
    result = score_answers(instrument=instrument, answers=answers)
    answered = sum(value is not None for value in answers.values())
    assert result.answered == answered
    assert result.scored == (answered >= instrument.min_answered)
    if not result.scored:
        assert result.score is None and result.reason
        return
    assert result.raw == _expected_raw(code, answers)
    low, high = instrument.score_range
    assert low <= result.score <= high
    if instrument.bands:
        band = next(band for band in instrument.bands if band.code == result.band)
        assert band.contains(result.score)
    else:
        assert result.band is None


@given(instrument_answers())
def test_reversed_items_count_the_other_way(case: tuple[str, dict[str, int | None]]) -> None:
    """Moving one answer from the lowest to the highest option raises raw by the option span on a
    plain item and lowers it by the same span on a reversed item, whatever the other answers."""
    code, answers = case
    instrument = load_instrument(code)
    complete = {
        item.code: item.lowest if answers[item.code] is None else answers[item.code]
        for item in instrument.items
    }
    for item in instrument.items:
        at_lowest = score_answers(
            instrument=instrument, answers={**complete, item.code: item.lowest}
        )
        at_highest = score_answers(
            instrument=instrument, answers={**complete, item.code: item.highest}
        )
        span = item.highest - item.lowest
        assert at_highest.raw - at_lowest.raw == (-span if item.reverse else span)


@given(st.lists(st.integers(-5, 200) | st.sampled_from(["-", "x", "X", " 3 "]), max_size=8))
def test_answer_tokens_parse_in_item_order(tokens: list[object]) -> None:
    """Integers and missing markers map onto the items in order; a wrong count is refused."""
    instrument = load_instrument("who5")
    typed = [str(token) for token in tokens]
    if len(typed) != len(instrument.items):
        with pytest.raises(ValidationError):
            parse_answer_tokens(instrument=instrument, tokens=typed)
        return
    answers = parse_answer_tokens(instrument=instrument, tokens=typed)
    assert list(answers) == [item.code for item in instrument.items]
    for token, value in zip(typed, answers.values(), strict=True):
        assert value == (None if token.strip() in {"-", "x", "X"} else int(token))


@given(st.lists(st.text(max_size=6), min_size=5, max_size=5))
def test_answer_tokens_never_crash(tokens: list[str]) -> None:
    """Arbitrary typed text is parsed or refused with a domain error, nothing else."""
    try:
        answers = parse_answer_tokens(instrument=load_instrument("who5"), tokens=tokens)
    except ValidationError as error:
        assert error.errors
    else:
        assert all(value is None or isinstance(value, int) for value in answers.values())


def run_score_command(*arguments: str) -> dict[str, object]:
    out = StringIO()
    # Passing the command object works whether or not zhongjian.voice is an installed app yet.
    call_command(Command(), *arguments, stdout=out)
    return json.loads(out.getvalue())


def test_score_command_prints_json() -> None:
    """`zhongjian score who5 5 4 3 2 1` prints raw 15, 60 % and the band."""
    printed = run_score_command("who5", "5", "4", "3", "2", "1")
    assert printed == {
        "instrument": "who5",
        "version": 1,
        "raw": 15,
        "score": 60.0,
        "band": "adequate",
        "band_label": "幸福感尚可",
        "scored": True,
        "reason": None,
        "answered": 5,
    }


def test_score_command_takes_missing_markers() -> None:
    """`-` and `x` stand for missing answers; too few answered items print an unscored result."""
    printed = run_score_command("cbi_work", "100", "-", "x", "50", "-", "25", "X")
    assert (printed["scored"], printed["answered"]) == (False, 3)


@pytest.mark.parametrize(
    "arguments", [("nope", "1"), ("who5", "1", "2"), ("who5", "9", "1", "1", "1", "1")]
)
def test_score_command_reports_errors(arguments: tuple[str, ...]) -> None:
    """Unknown instruments, wrong answer counts and invalid values end in a CommandError."""
    with pytest.raises(CommandError):
        run_score_command(*arguments)
