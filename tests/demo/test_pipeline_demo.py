"""The demo county's pipeline history: present, consistent with the rules, deterministic."""

import datetime
from collections import Counter

import pytest

from zhongjian.core.holidays import work_calendar
from zhongjian.demo.generator import build_demo
from zhongjian.demo.pipeline import extend
from zhongjian.org.models import County
from zhongjian.pipeline.choices import CandidateOutcome, DeclineReason, ExitReason
from zhongjian.pipeline.choices import SelectionStage as Stage
from zhongjian.pipeline.models import (
    BenchEntry,
    Candidate,
    Decline,
    Departure,
    ExitInterview,
    Objection,
    SelectionProcess,
    StageChange,
    Vacancy,
)

TODAY = datetime.date(2026, 11, 26)
pytestmark = pytest.mark.django_db


@pytest.fixture
def county() -> County:
    build_demo(seed=11, cadres=1200, today=TODAY, with_users=False)
    county = County.objects.order_by("code").first()
    assert county is not None
    extend(county=county, seed=11, today=TODAY)
    return county


def snapshot() -> list[object]:
    return [
        list(SelectionProcess.objects.order_by("id").values_list("post_id", "stage", "started_on")),
        list(Candidate.objects.order_by("id").values_list("cadre_id", "outcome", "votes")),
        list(Decline.objects.order_by("id").values_list("cadre_id", "reason", "declined_on")),
        list(Departure.objects.order_by("id").values_list("cadre_id", "kind", "departed_on")),
        list(BenchEntry.objects.order_by("id").values_list("post_id", "cadre_id", "readiness")),
    ]


def test_history_has_every_kind_of_record(county: County) -> None:
    """Declines with reasons, open vacancies, overdue secondments, interviews, bench, stages."""
    assert Decline.objects.count() > 20
    assert len(set(Decline.objects.values_list("reason", flat=True))) >= 6
    assert Vacancy.objects.filter(closed_on__isnull=True).count() > 5
    assert Vacancy.objects.filter(closed_on__isnull=False).count() > 100
    secondments = Departure.objects.filter(kind="secondment")
    assert secondments.filter(
        returned_on__isnull=True, followed_by__isnull=True, planned_return_on__lt=TODAY
    ).exists()
    assert secondments.filter(followed_by__isnull=False).exists()
    assert ExitInterview.objects.count() > 20
    assert BenchEntry.objects.exists()
    stages = set(SelectionProcess.objects.values_list("stage", flat=True))
    assert {Stage.APPOINTED, Stage.TERMINATED} < stages and len(stages) >= 6
    assert set(Departure.objects.values_list("kind", flat=True)) == {
        "upward_selection",
        "transfer",
        "resignation",
        "retirement",
        "other",
        "secondment",
    }


def test_history_follows_the_rules(county: County) -> None:
    """Appointed selections waited out the notice and point at their appointment; running ones
    after the decision have a chosen candidate in the running; declines are consistent."""
    calendar = work_calendar(county_id=None)
    for process in SelectionProcess.objects.filter(stage=Stage.APPOINTED).select_related(
        "appointment"
    ):
        assert process.appointment.post_id == process.post_id
        assert process.appointment.start_date == process.finished_on
        ends = calendar.end_of_public_notice(start=process.notice_started_on)
        assert ends < process.finished_on
        assert process.candidates.filter(outcome=CandidateOutcome.APPOINTED).count() == 1
    after_decision = (Stage.PRE_APPOINTMENT_TALK, Stage.PUBLIC_NOTICE, Stage.PAUSED)
    for process in SelectionProcess.objects.filter(stage__in=after_decision):
        assert (
            process.candidates.filter(is_chosen=True, outcome=CandidateOutcome.PENDING).count() == 1
        )
    for process in SelectionProcess.objects.filter(stage=Stage.PAUSED):
        assert Objection.objects.filter(process=process, status="open").exists()
    for process in SelectionProcess.objects.all()[:300]:
        days = list(process.stage_changes.order_by("id").values_list("changed_on", flat=True))
        assert days == sorted(days) and days[0] == process.started_on
        assert days[-1] <= TODAY
    for decline in Decline.objects.select_related("candidate"):
        assert decline.candidate.outcome == CandidateOutcome.DECLINED
        assert decline.reason in DeclineReason.values
        assert decline.reason != DeclineReason.OTHER or decline.note
    for reasons in ExitInterview.objects.values_list("reasons", flat=True):
        assert reasons and set(reasons) <= set(ExitReason.values)
    assert not StageChange.objects.filter(changed_on__gt=TODAY).exists()


def test_townships_decline_more_often(county: County) -> None:
    """The article's story holds in the demo: townships turn offers down more than departments."""
    counts = Counter(
        Candidate.objects.filter(outcome=CandidateOutcome.DECLINED).values_list(
            "process__unit__kind", flat=True
        )
    )
    offers = Counter(Candidate.objects.values_list("process__unit__kind", flat=True))
    assert (
        counts["township"] / offers["township"]
        > counts["county_department"] / offers["county_department"]
    )


def test_same_seed_same_history(county: County) -> None:
    """Running the extension again on the same registry with the same seed gives the same rows."""
    first = snapshot()
    Decline.objects.all().delete()
    for model in (ExitInterview, Departure, BenchEntry, SelectionProcess, Vacancy):
        model.objects.all().delete()
    extend(county=county, seed=11, today=TODAY)
    assert snapshot() == first
