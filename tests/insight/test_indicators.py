"""Every registry and pipeline indicator on a county small enough to compute by hand.

The county on 2026-11-26 (conftest.hand): 5 active cadres — 张伟 (股级 post A since 2022-03-01,
born 1985), 李娜 (no post, born 1985), a young cadre (born 1995, no post), a 事业编 cadre born
1988 in 副科 post B (administrative) since 2015-01-01, and a man born 1967-05-01 in 股级 post C
(headcount 2) since 2010-01-01, who retires in January 2028.
"""

import datetime

from tests.insight.conftest import TODAY, Hand
from zhongjian.insight.registry import IndicatorScope, Period, indicator_values

PERIOD = Period.year_to(TODAY)  # 2025-11-27 … 2026-11-26


def values(hand: Hand, scope: IndicatorScope | None = None) -> dict:
    return indicator_values(
        hand.personas.org,
        scope=scope or IndicatorScope(),
        period=PERIOD,
        modules=["org", "pipeline"],
    )


def parts(value) -> dict:
    return {part.label: part.value for part in value.parts}


def test_period_is_the_twelve_months_to_its_end() -> None:
    """Period.year_to covers 365 days ending on the given day (366 across a 29 February)."""
    assert PERIOD.start == datetime.date(2025, 11, 27)
    leap = Period.year_to(datetime.date(2024, 2, 29))
    assert leap.start == datetime.date(2023, 3, 1)


def test_headcount_and_young_shares(hand: Hand) -> None:
    """5 active cadres; under 35: the one born 1995 (1/5 = 20 %); under 40: also the one born
    1988 (2/5 = 40 %). By tier: 副科 1 of 1 under 40; 一般 (李娜, young) 1 of 2 under 35."""
    v = values(hand)
    assert v["org.headcount"].value == 5
    assert (v["org.young_35"].value, v["org.young_35"].numerator) == (20.0, 1)
    assert v["org.young_40"].value == 40.0
    assert parts(v["org.young_35"]) == {"正科": None, "副科": 0.0, "股级": 0.0, "一般": 50.0}
    assert parts(v["org.young_40"]) == {"正科": None, "副科": 100.0, "股级": 0.0, "一般": 50.0}


def test_vacancy_rate_mixed_posting_and_retirements(hand: Hand) -> None:
    """Seats: A 1 + B 1 + C 2 = 4, held 1 + 1 + 1: 1 vacant = 25 %. 混编混岗: the 事业编 holder of
    the administrative 副科 post. Retiring within 5 years in a mid-level post: the man of 1967."""
    v = values(hand)
    assert (v["org.mid_vacancy_rate"].value, v["org.mid_vacancy_rate"].numerator) == (25.0, 1)
    assert v["org.mixed_posting"].value == 1
    assert v["org.retiring_5y_mid"].value == 1


def test_succession_index(hand: Hand) -> None:
    """1 mid-level retirement ahead ÷ 1 first entry to a mid-level post in the past 5 years
    (张伟, 2022-03-01; the others entered in 2010 and 2015) = 1.0."""
    v = values(hand)["org.succession_index"]
    assert (v.value, v.numerator, v.denominator) == (1.0, 1, 1)


def test_years_in_tier_and_stuck_share(hand: Hand) -> None:
    """Years in tier: 张伟 1731 days, the 副科 4347 days, the man of 1967 6174 days, each ÷ 365.25;
    ≥ 8 years: 2 of 3 = 66.7 % (副科 1/1, 股级 1/2)."""
    v = values(hand)
    days = [
        (TODAY - datetime.date(y, m, d)).days
        for y, m, d in ((2022, 3, 1), (2015, 1, 1), (2010, 1, 1))
    ]
    assert v["org.years_in_tier"].value == round(sum(d / 365.25 for d in days) / 3, 1)
    assert (v["org.stuck_share"].value, v["org.stuck_share"].numerator) == (66.7, 2)
    assert parts(v["org.stuck_share"]) == {"正科": None, "副科": 100.0, "股级": 50.0}


def test_refusal_rate(hand: Hand) -> None:
    """3 offers on 2026-03-01 for the 副科 post, one declined: 33.3 %; the 2024 decline is
    outside the period."""
    v = values(hand)["pipeline.refusal_rate"]
    assert (v.value, v.numerator, v.denominator) == (33.3, 1, 3)
    assert parts(v) == {"正科": None, "副科": 33.3, "股级": None}


def test_fill_time_and_long_vacancies(hand: Hand) -> None:
    """Filled in the period after 60 and 70 days: median 65; post C open since 2026-01-01, more
    than six months: 1 of 3 mid-level posts = 33.3 %."""
    v = values(hand)
    assert (v["pipeline.fill_days"].value, v["pipeline.fill_days"].denominator) == (65.0, 2)
    assert v["pipeline.long_vacancy_share"].value == 33.3


def test_exits_and_upward_selection(hand: Hand) -> None:
    """Exits for good in the period: 遴选 + 辞职 = 2 (the secondment and the 2024 retirement do
    not count) over 5 active + 2 = 28.6 %; the one 遴选 leaver held 实职副科: 100 %."""
    v = values(hand)
    exit_rate = v["pipeline.exit_rate"]
    assert (exit_rate.value, exit_rate.numerator, exit_rate.denominator) == (28.6, 2, 7)
    assert parts(exit_rate)["遴选"] == 14.3
    assert parts(exit_rate)["退休"] == 0.0
    assert v["pipeline.upward_fuke_share"].value == 100.0


def test_bench_and_secondments(hand: Hand) -> None:
    """One post of three has a ready-now candidate (coverage 33.3 %, depth 1/3 = 0.3 per post);
    one secondment is past its planned return of 2026-06-30."""
    v = values(hand)
    assert v["pipeline.bench_coverage"].value == 33.3
    assert v["pipeline.bench_depth"].value == 0.3
    assert v["pipeline.secondment_overdue"].value == 1


def test_unit_scope_and_unit_head(hand: Hand) -> None:
    """Unit A alone: 3 active cadres; a unit head of B asking for unit A still gets unit B."""
    p = hand.personas
    assert values(hand, IndicatorScope(unit_id=p.unit_a.pk))["org.headcount"].value == 3
    assert values(hand, IndicatorScope(unit_kind="county_department"))["org.headcount"].value == 2
    from zhongjian.insight.dashboard import resolve_scope

    scope = resolve_scope(p.head_b, unit_id=p.unit_a.pk)
    assert scope == IndicatorScope(unit_id=p.unit_b.pk)
    head = indicator_values(p.head_b, scope=scope, period=PERIOD, modules=["org"])
    assert head["org.headcount"].value == 2


def test_other_roles_get_no_values(hand: Hand) -> None:
    """A counselor, a cadre and another county's 组织部 see none of this county's figures."""
    p = hand.personas
    for user in (p.counselor, p.cadre, p.admin, p.auditor):
        assert indicator_values(user, scope=IndicatorScope(), period=PERIOD) == {}
    other = indicator_values(p.outsider_org, scope=IndicatorScope(), period=PERIOD, modules=["org"])
    assert other["org.headcount"].value == 0


def test_catalogue_is_complete_and_documented() -> None:
    """Every indicator has a unique code, a Chinese name and formula, and a line in the docs."""
    from pathlib import Path

    from zhongjian.insight.registry import catalogue

    docs = (Path(__file__).parents[2] / "docs" / "indicators.md").read_text(encoding="utf-8")
    codes = [i.code for i in catalogue()]
    assert len(codes) == len(set(codes)) >= 20
    for indicator in catalogue():
        assert str(indicator.name) and str(indicator.formula)
        assert f"`{indicator.code}`" in docs, indicator.code
