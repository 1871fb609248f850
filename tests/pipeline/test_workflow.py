"""Tests of the selection (选任) process rules."""

import dataclasses
import datetime as dt
import itertools

import pytest

from zhongjian.core.errors import Conflict, DomainError, ValidationError
from zhongjian.core.workdays import WorkCalendar, seed_rows_from_chinesecalendar
from zhongjian.pipeline.choices import DeclineReason, ExitReason
from zhongjian.pipeline.choices import SelectionStage as Stage
from zhongjian.pipeline.workflow import (
    FINAL_STAGES,
    TransitionContext,
    allowed_targets,
    check_transition,
    next_stage_allowed,
    probation_review_date,
)

CALENDAR = WorkCalendar(rows=seed_rows_from_chinesecalendar(years=[2024]), entered_years=[2024])
NOTICE_POSTED = dt.date(2024, 9, 30)
# Five working days from 30 September 2024 end on 11 October (1–7 October are off).
NOTICE_ENDS = dt.date(2024, 10, 11)

READY = TransitionContext(
    today=dt.date(2024, 10, 14),
    calendar=CALENDAR,
    recommended=3,
    vetted=2,
    chosen=1,
    open_objections=0,
    notice_started_on=NOTICE_POSTED,
    reason="岗位撤并",
)


def refusal(current: Stage, target: Stage, **changes: object) -> DomainError:
    with pytest.raises(DomainError) as caught:
        check_transition(
            current=current, target=target, context=dataclasses.replace(READY, **changes)
        )
    return caught.value


def test_a_selection_runs_from_motion_to_appointment() -> None:
    """With every condition met the process walks the 条例's stages in order."""
    path = [
        Stage.MOTION,
        Stage.RECOMMENDATION,
        Stage.VETTING,
        Stage.DECISION,
        Stage.PRE_APPOINTMENT_TALK,
        Stage.PUBLIC_NOTICE,
        Stage.APPOINTED,
    ]
    for current, target in itertools.pairwise(path):
        check_transition(current=current, target=target, context=READY)


def test_stages_cannot_be_skipped() -> None:
    """Going from 动议 straight to 考察 is refused, naming the stages that may follow."""
    error = refusal(Stage.MOTION, Stage.VETTING)
    assert isinstance(error, ValidationError)
    assert error.message == "不能从“分析研判和动议”转到“考察”；此时可以转到：民主推荐、终止。"


def test_vetting_needs_recommended_candidates() -> None:
    """考察 cannot start before the 民主推荐 has put anyone forward."""
    error = refusal(Stage.RECOMMENDATION, Stage.VETTING, recommended=0)
    assert error.errors == ["民主推荐尚未产生考察对象。"]


def test_decision_needs_a_vetted_candidate() -> None:
    """Nobody can be put to the committee before their 考察 is complete."""
    error = refusal(Stage.VETTING, Stage.DECISION, vetted=0)
    assert error.message == "不能转到“讨论决定”：还没有完成考察的人选，不能提交讨论决定。"


def test_talk_needs_a_chosen_candidate() -> None:
    """The 任前谈话 needs someone the committee chose."""
    error = refusal(Stage.DECISION, Stage.PRE_APPOINTMENT_TALK, chosen=0)
    assert error.errors == ["讨论决定尚未确定拟任人选。"]


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Stage.PRE_APPOINTMENT_TALK, Stage.PUBLIC_NOTICE),
        (Stage.PUBLIC_NOTICE, Stage.APPOINTED),
    ],
)
def test_later_stages_need_the_chosen_candidate_still_in(current: Stage, target: Stage) -> None:
    """Once the chosen candidate declined or was withdrawn, the process cannot go forward."""
    error = refusal(current, target, chosen=0)
    assert "拟任人选已不在程序中" in error.message


def test_appointment_waits_for_five_working_days_of_notice() -> None:
    """On the notice's last working day the appointment is refused; the next day it is allowed."""
    error = refusal(Stage.PUBLIC_NOTICE, Stage.APPOINTED, today=NOTICE_ENDS)
    assert error.errors == [
        "任前公示须满 5 个工作日，自2024年9月30日起至2024年10月11日止，"
        "2024年10月11日之后才能办理任职。"
    ]
    check_transition(
        current=Stage.PUBLIC_NOTICE,
        target=Stage.APPOINTED,
        context=dataclasses.replace(READY, today=NOTICE_ENDS + dt.timedelta(days=1)),
    )


def test_calendar_days_do_not_count_as_notice_days() -> None:
    """Eight calendar days over 国庆 are only two working days: too early to appoint."""
    error = refusal(Stage.PUBLIC_NOTICE, Stage.APPOINTED, today=dt.date(2024, 10, 8))
    assert "2024年10月11日之后才能办理任职" in error.message


def test_appointment_needs_a_posted_notice() -> None:
    """Without a notice start date there is nothing to count from."""
    error = refusal(Stage.PUBLIC_NOTICE, Stage.APPOINTED, notice_started_on=None)
    assert error.errors == ["任前公示尚未开始。"]


def test_every_unmet_condition_is_reported() -> None:
    """An early appointment with an open objection lists both problems."""
    error = refusal(Stage.PUBLIC_NOTICE, Stage.APPOINTED, today=NOTICE_POSTED, open_objections=1)
    assert len(error.errors) == 2
    assert error.errors[0] == "公示期间反映的问题尚未核查完毕。"
    assert all(problem in error.message for problem in error.errors)


def test_objection_pauses_and_resumes_the_notice() -> None:
    """A notice pauses only for an objection and resumes only once it is verified."""
    assert "无需暂停" in refusal(Stage.PUBLIC_NOTICE, Stage.PAUSED).message
    check_transition(
        current=Stage.PUBLIC_NOTICE,
        target=Stage.PAUSED,
        context=dataclasses.replace(READY, open_objections=1),
    )
    error = refusal(Stage.PAUSED, Stage.PUBLIC_NOTICE, open_objections=1)
    assert error.errors == ["公示期间反映的问题尚未核查完毕。"]
    check_transition(current=Stage.PAUSED, target=Stage.PUBLIC_NOTICE, context=READY)


def test_paused_process_cannot_appoint_directly() -> None:
    """A paused notice must resume before anyone is appointed."""
    error = refusal(Stage.PAUSED, Stage.APPOINTED)
    assert isinstance(error, ValidationError)
    assert "不能从“暂停（核查反映问题）”转到“任职”" in error.message


def test_decision_can_be_retaken_after_the_chosen_candidate_declines() -> None:
    """When the chosen candidate declines at the talk, the committee may choose another one."""
    check_transition(
        current=Stage.PRE_APPOINTMENT_TALK,
        target=Stage.DECISION,
        context=dataclasses.replace(READY, chosen=0),
    )
    error = refusal(Stage.PRE_APPOINTMENT_TALK, Stage.DECISION)
    assert "原拟任人选仍在程序中" in error.message
    error = refusal(Stage.PAUSED, Stage.DECISION, chosen=0, vetted=0)
    assert "还没有完成考察的人选" in error.message


def test_termination_needs_a_reason() -> None:
    """Any open stage can end the process, but not without saying why."""
    error = refusal(Stage.VETTING, Stage.TERMINATED, reason="  ")
    assert error.errors == ["请说明终止选任流程的原因。"]
    for stage in set(Stage) - FINAL_STAGES:
        check_transition(current=stage, target=Stage.TERMINATED, context=READY)


@pytest.mark.parametrize("current", sorted(FINAL_STAGES))
@pytest.mark.parametrize("target", list(Stage))
def test_finished_processes_cannot_move(current: Stage, target: Stage) -> None:
    """A terminated or completed process cannot be resumed, with a 409-style error."""
    error = refusal(current, target)
    assert isinstance(error, Conflict)
    assert "不能再变更" in error.message


@pytest.mark.parametrize(("current", "target"), list(itertools.product(Stage, Stage)))
def test_check_refuses_every_move_outside_the_graph(current: Stage, target: Stage) -> None:
    """Whatever the facts, a move the graph lacks is refused."""
    if next_stage_allowed(current=current, target=target):
        assert target in allowed_targets(current=current)
        return
    error = refusal(current, target)
    assert isinstance(error, Conflict if current in FINAL_STAGES else ValidationError)


def test_every_stage_is_reachable_from_motion() -> None:
    """No stage is dead code in the graph."""
    seen, frontier = {Stage.MOTION}, [Stage.MOTION]
    while frontier:
        for target in allowed_targets(current=frontier.pop()):
            if target not in seen:
                seen.add(target)
                frontier.append(target)
    assert seen == set(Stage)


def test_stages_stored_as_plain_strings_are_accepted() -> None:
    """A model field hands over plain strings; they are checked like the enum members."""
    check_transition(current="public_notice", target="appointed", context=READY)
    error = refusal("terminated", "motion")
    assert "“终止”" in error.message


@pytest.mark.parametrize(
    ("appointed", "review"),
    [
        (dt.date(2024, 10, 14), dt.date(2025, 10, 14)),
        (dt.date(2024, 2, 29), dt.date(2025, 2, 28)),
    ],
)
def test_probation_lasts_one_year(appointed: dt.date, review: dt.date) -> None:
    """The 试用期 review falls one year after the appointment, 29 February on 28 February."""
    assert probation_review_date(appointed_on=appointed) == review


def test_exit_reasons_extend_the_decline_reasons() -> None:
    """Exit interviews share the decline taxonomy (same codes and labels) and keep 其他 last."""
    assert set(DeclineReason.choices) < set(ExitReason.choices)
    assert [value for value, _ in ExitReason.choices][-4:] == [
        "children_education",
        "medical_care",
        "far_from_home",
        "other",
    ]
    assert str(ExitReason("far_from_home").label) == "离家远"
