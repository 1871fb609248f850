"""Survey indicators come from closed waves only, through voice's k-safe report cells."""

import datetime

from django.utils import timezone

from tests.voice.conftest import SurveyCounty, answers_for, close, codes_by_group, open_wave
from zhongjian.insight.registry import IndicatorScope, Period, indicator_values
from zhongjian.voice.models import WaveGroup
from zhongjian.voice.services.answering import response_submit


def _values(user, scope=None):  # type: ignore[no-untyped-def]
    today = timezone.localdate() + datetime.timedelta(days=1)
    return indicator_values(
        user, scope=scope or IndicatorScope(), period=Period.year_to(today), modules=["voice"]
    )


def _answer(county: SurveyCounty, *, a_top: int, a_bottom: int, b_top: int) -> None:
    """A wave of WHO-5 and CBI: in unit A A_TOP answers at the top of every scale and A_BOTTOM
    at the bottom, in unit B B_TOP at the top; then it is closed."""
    wave = open_wave(county)
    # Codes in a fixed order of groups: unit A's 股级 group (7) before its 一般 group (6), so
    # that no answer falls in unit A's small 副科 group and the cells are known in advance.
    tier_order = {"guji": 0, "general": 1, "fuke": 2}
    groups = sorted(
        WaveGroup.objects.filter(wave=wave).values_list("pk", "unit_id", "tier"),
        key=lambda g: tier_order.get(g[2], 3),
    )
    codes = codes_by_group(wave)
    by_unit: dict[int, list[str]] = {}
    for pk, unit, _tier in groups:
        by_unit.setdefault(unit, []).extend(codes.get(pk, []))
    today = timezone.localdate()
    levels = [(county.personas.unit_a.pk, [1.0] * a_top + [0.0] * a_bottom)]
    levels.append((county.personas.unit_b.pk, [1.0] * b_top))
    for unit, answers in levels:
        for code, level in zip(by_unit[unit], answers, strict=False):
            response_submit(text=code, answers=answers_for(wave, level), comment="", today=today)
    assert _values(county.personas.org)["voice.who5_mean"].value is None  # still open
    close(county, wave)


def test_wellbeing_from_a_closed_wave(survey_county: SurveyCounty) -> None:
    """Unit A: 8 answers at the top, 4 at the bottom; unit B: 6 at the top (both ≥ k = 5).
    Unit A: WHO-5 mean (8 × 100) / 12 = 66.7, ≤ 50 and ≤ 28 4/12 = 33.3 %. CBI has one
    reverse-scored item of seven: the top answers score 600/7 = 85.7, the bottom ones 14.3, so
    the mean is (8 × 85.71 + 4 × 14.29) / 12 = 61.9 and ≥ 50 is 8/12 = 66.7 %. County: WHO-5
    1400 / 18 = 77.8, ≤ 50 4/18 = 22.2 %."""
    org = survey_county.personas.org
    _answer(survey_county, a_top=8, a_bottom=4, b_top=6)
    unit = _values(org, IndicatorScope(unit_id=survey_county.personas.unit_a.pk))
    assert unit["voice.who5_mean"].value == 66.7
    assert unit["voice.who5_low"].value == 33.3
    assert unit["voice.who5_very_low"].value == 33.3
    assert unit["voice.cbi_mean"].value == 61.9
    assert unit["voice.cbi_high"].value == 66.7
    assert unit["voice.who5_mean"].denominator == 12
    county = _values(org)
    assert (county["voice.who5_mean"].value, county["voice.who5_low"].value) == (77.8, 22.2)
    assert county["voice.turnover_mean"].value is None  # not asked in this wave
    # A unit head asking for the county gets their own unit's cell.
    head = _values(survey_county.personas.head_a)
    assert head["voice.who5_mean"].value == 66.7


def test_small_groups_and_their_complements_are_hidden(survey_county: SurveyCounty) -> None:
    """Unit B has 2 answers (< k): hidden; since the county total is published, unit A would
    give B away by subtraction, so A is hidden too (complementary suppression)."""
    org = survey_county.personas.org
    _answer(survey_county, a_top=8, a_bottom=4, b_top=2)
    for unit in (survey_county.personas.unit_a, survey_county.personas.unit_b):
        value = _values(org, IndicatorScope(unit_id=unit.pk))["voice.who5_mean"]
        assert value.value is None and value.note
