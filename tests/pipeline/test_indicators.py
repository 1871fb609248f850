"""Declines, vacancies and exits reach the indicators, in the user's scope."""

import datetime

from django.urls import reverse

from tests import factories
from tests.conftest import Personas, client_for
from tests.pipeline.conftest import Selection, move, to_notice
from zhongjian.pipeline.choices import SelectionStage as Stage
from zhongjian.pipeline.selectors.indicators import (
    exits,
    fill_times,
    pipeline_indicators,
    refusal_rates,
    secondment_days,
    upward_selection_fuke,
)
from zhongjian.pipeline.services.departures import departure_record, exit_interview_record
from zhongjian.pipeline.services.selection import candidate_decline

D = datetime.date


def decline_first(sel: Selection) -> None:
    candidate_decline(
        actor=sel.personas.org,
        candidate=sel.first,
        declined_on=D(2024, 8, 2),
        reason="work_pressure",
        note="乡镇工作压力大",
    )


def test_a_decline_moves_the_refusal_rate(running: Selection) -> None:
    """Three offers for a 副科 post of a county department, one declined: 33.3 %."""
    personas = running.personas
    before = {r.label: (r.offers, r.declines) for r in refusal_rates(user=personas.org, by="tier")}
    assert before["副科"] == (3, 0)
    decline_first(running)
    by_tier = {r.label: r for r in refusal_rates(user=personas.org, by="tier")}
    assert (by_tier["副科"].offers, by_tier["副科"].declines, by_tier["副科"].percent) == (
        3,
        1,
        33.3,
    )
    assert by_tier["正科"].percent is None
    by_kind = {r.label: r.declines for r in refusal_rates(user=personas.org, by="unit_kind")}
    assert by_kind == {"乡镇": 0, "街道": 0, "县直部门": 1, "事业单位": 0}
    assert [(r.label, r.declines) for r in refusal_rates(user=personas.org, by="year")] == [
        ("2024", 1)
    ]


def test_unit_heads_get_their_unit_and_no_reasons(running: Selection) -> None:
    """The head of unit B counts the selection in unit B; the head of unit A does not; reasons
    stay with the organization department."""
    decline_first(running)
    personas = running.personas
    head_b = pipeline_indicators(user=personas.head_b, today=D(2024, 12, 2))
    head_a = pipeline_indicators(user=personas.head_a, today=D(2024, 12, 2))
    org = pipeline_indicators(user=personas.org, today=D(2024, 12, 2))
    assert head_b.totals["declines"] == 1 and head_a.totals["offers"] == 0
    assert head_b.decline_reasons is None and head_b.exit_reasons is None
    assert dict(org.decline_reasons or [])["工作压力"] == 1


def test_time_to_fill_counts_closed_episodes(running: Selection) -> None:
    """Vacant from 7/1 and filled on 10/14: 105 days; the promoted cadre's old post is open."""
    to_notice(running)
    move(running.process, running.personas.org, Stage.APPOINTED, D(2024, 10, 14))
    rows = {row.label: row for row in fill_times(user=running.personas.org, today=D(2025, 6, 1))}
    assert (rows["副科"].filled, rows["副科"].median_days) == (1, 105.0)
    assert (rows["股级"].open_now, rows["股级"].open_over_six_months) == (1, 1)
    assert (rows["合计"].filled, rows["合计"].open_now) == (1, 1)


def test_exits_by_year_kind_and_tier(personas: Personas) -> None:
    """Departures are counted per year and kind, and 遴选 leavers holding 实职副科 apart."""
    deputy = factories.post(unit=personas.unit_a, tier="fuke", title="副镇长", is_leadership=True)
    factories.appoint(cadre=personas.cadre_b, post=deputy, start=D(2021, 1, 1))
    for cadre, kind, day in (
        (personas.cadre_b, "upward_selection", D(2023, 5, 6)),
        (personas.cadre_a, "upward_selection", D(2024, 3, 1)),
        (factories.cadre(unit=personas.unit_a), "resignation", D(2024, 7, 1)),
    ):
        departure_record(
            actor=personas.org, cadre=cadre, kind=kind, destination_level="city", departed_on=day
        )
    years, by_kind, by_tier = exits(user=personas.org)
    assert years == [2023, 2024]
    assert dict(by_kind)["遴选"] == [1, 1] and dict(by_kind)["辞职"] == [0, 1]
    assert dict(by_tier)["副科"] == [1, 0] and dict(by_tier)["一般"] == [0, 1]
    assert upward_selection_fuke(user=personas.org) == (2, 1)
    figures = pipeline_indicators(user=personas.org, today=D(2024, 12, 2))
    assert figures.upward_fuke_percent == 50.0 and figures.totals["exits"] == 3


def test_secondment_days_split_by_year(personas: Personas) -> None:
    """Away 2023-12-01 to 2024-01-31: 31 days in 2023, 30 in 2024; a current one counts to today."""
    departure = departure_record(
        actor=personas.org,
        cadre=personas.cadre_a,
        kind="secondment",
        destination_level="city",
        departed_on=D(2023, 12, 1),
        planned_return_on=D(2024, 1, 31),
    )
    departure.returned_on = D(2024, 1, 31)
    departure.save()
    departure_record(
        actor=personas.org,
        cadre=personas.cadre_b,
        kind="secondment",
        destination_level="province",
        departed_on=D(2024, 11, 1),
        planned_return_on=D(2024, 11, 30),
    )
    assert secondment_days(user=personas.org, today=D(2024, 12, 2)) == [(2023, 31), (2024, 30 + 31)]
    figures = pipeline_indicators(user=personas.org, today=D(2024, 12, 2))
    assert (figures.secondments_away, figures.secondments_overdue) == (1, 1)


def test_exit_interview_reasons_are_counted(personas: Personas) -> None:
    """Each reason named in an interview counts once for the organization department."""
    departure = departure_record(
        actor=personas.org,
        cadre=personas.cadre_a,
        kind="resignation",
        destination_level="outside",
        departed_on=D(2024, 7, 1),
    )
    exit_interview_record(
        actor=personas.org,
        departure=departure,
        interviewed_on=D(2024, 7, 1),
        reasons=["far_from_home", "small_pay_rise"],
    )
    reasons = dict(pipeline_indicators(user=personas.org, today=D(2024, 12, 2)).exit_reasons or [])
    assert reasons["离家远"] == 1 and reasons["待遇变化小"] == 1 and reasons["医疗"] == 0


def test_page_shows_the_figures(running: Selection) -> None:
    """The 提拔·流动 page shows the counts and the chart data, and the unit head's page works."""
    decline_first(running)
    response = client_for(running.personas.org).get(reverse("pipeline:index"))
    assert response.status_code == 200
    assert 'data-testid="declines">1<' in response.text
    assert 'id="refusal-by-year"' in response.text and 'id="decline-reasons"' in response.text
    head = client_for(running.personas.head_b).get(reverse("pipeline:index"))
    assert head.status_code == 200 and 'id="decline-reasons"' not in head.text
