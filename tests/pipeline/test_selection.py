"""Selection (选任) through the services: every move, every refusal, declines and objections."""

import datetime

import pytest

from tests import factories
from tests.pipeline.conftest import START, Selection, move, to_decision, to_notice
from zhongjian.core.errors import Conflict, PermissionDenied, ValidationError
from zhongjian.core.models import AuditLog
from zhongjian.org.models import Appointment
from zhongjian.pipeline.choices import CandidateOutcome, ObjectionStatus
from zhongjian.pipeline.choices import SelectionStage as Stage
from zhongjian.pipeline.models import Decline, Vacancy
from zhongjian.pipeline.services import selection

D = datetime.date


def test_start_links_the_open_vacancy_and_records_the_motion(running: Selection) -> None:
    """A new selection starts at 动议, points at the open episode and leaves an audit row."""
    process = running.process
    assert process.stage == Stage.MOTION
    assert process.vacancy is not None and process.vacancy.opened_on == D(2024, 7, 1)
    assert process.stage_changes.get().to_stage == Stage.MOTION
    assert AuditLog.objects.filter(object_type="selectionprocess", object_id=process.pk).exists()


def test_full_selection_appoints_through_the_registry(running: Selection) -> None:
    """From 动议 to 任职: the appointment exists, the old post ends, vacancies follow."""
    to_notice(running)
    org = running.personas.org
    process = move(
        running.process, org, Stage.APPOINTED, D(2024, 10, 14), document_no="县委干〔2024〕9号"
    )
    appointment = process.appointment
    assert appointment.cadre == running.personas.cadre_a
    assert appointment.post == running.post and appointment.start_date == D(2024, 10, 14)
    assert appointment.document_no == "县委干〔2024〕9号"
    old = Appointment.objects.get(cadre=running.personas.cadre_a, post=running.personas.post_a)
    assert old.end_date == D(2024, 10, 13) and old.end_reason == "promoted"
    # A promotion into a leadership post carries a one-year 试用期.
    assert process.probation_review_on == D(2025, 10, 14)
    assert process.finished_on == D(2024, 10, 14)
    outcomes = {c.cadre.name: c.outcome for c in process.candidates.all()}
    assert outcomes == {
        "张伟": CandidateOutcome.APPOINTED,
        "李娜": CandidateOutcome.NOT_CHOSEN,
        "王强": CandidateOutcome.NOT_CHOSEN,
    }
    filled = Vacancy.objects.get(post=running.post)
    assert filled.closed_on == D(2024, 10, 14)
    opened = Vacancy.objects.get(post=running.personas.post_a, closed_on__isnull=True)
    assert opened.opened_on == D(2024, 10, 14)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Stage.MOTION, Stage.VETTING),
        (Stage.MOTION, Stage.APPOINTED),
        (Stage.MOTION, Stage.PUBLIC_NOTICE),
        (Stage.MOTION, Stage.PAUSED),
    ],
)
def test_skipping_stages_is_refused(running: Selection, current: str, target: str) -> None:
    """Moves that are not in the process graph are refused and nothing changes."""
    with pytest.raises(ValidationError, match="不能从"):
        move(running.process, running.personas.org, target, D(2024, 8, 5))
    running.process.refresh_from_db()
    assert running.process.stage == current


def test_vetting_needs_a_vetting_target(running: Selection) -> None:
    """考察 needs at least one 考察对象 out of the 民主推荐."""
    org = running.personas.org
    move(running.process, org, Stage.RECOMMENDATION, D(2024, 8, 5))
    with pytest.raises(ValidationError, match="民主推荐尚未产生考察对象"):
        move(running.process, org, Stage.VETTING, D(2024, 8, 12))


def test_decision_needs_a_vetted_candidate(running: Selection) -> None:
    """讨论决定 needs a candidate whose 考察 is complete."""
    org = running.personas.org
    move(running.process, org, Stage.RECOMMENDATION, D(2024, 8, 5))
    selection.candidate_update(actor=org, candidate=running.first, votes=3, is_vetting_target=True)
    move(running.process, org, Stage.VETTING, D(2024, 8, 12))
    with pytest.raises(ValidationError, match="还没有完成考察的人选"):
        move(running.process, org, Stage.DECISION, D(2024, 9, 2))


def test_talk_needs_a_chosen_candidate(running: Selection) -> None:
    """任前谈话 needs the 讨论决定 to have chosen somebody."""
    to_decision(running)
    with pytest.raises(ValidationError, match="讨论决定尚未确定拟任人选"):
        move(running.process, running.personas.org, Stage.PRE_APPOINTMENT_TALK, D(2024, 9, 10))


def test_fields_belong_to_their_stage(running: Selection) -> None:
    """Votes only in 民主推荐, 考察 results only for 考察对象 in 考察, choice only if vetted."""
    org = running.personas.org
    with pytest.raises(ValidationError, match="只能在“民主推荐”环节填写"):
        selection.candidate_update(actor=org, candidate=running.first, votes=3)
    to_decision(running)
    with pytest.raises(ValidationError, match="只能从完成考察的人选中确定拟任人选"):
        selection.candidate_update(actor=org, candidate=running.third, is_chosen=True)
    selection.candidate_update(actor=org, candidate=running.second, is_chosen=True)
    selection.candidate_update(actor=org, candidate=running.first, is_chosen=True)
    running.second.refresh_from_db()
    assert not running.second.is_chosen  # choosing one un-chooses the other


def test_votes_cannot_exceed_voters(running: Selection) -> None:
    """A candidate cannot get more votes than people took part."""
    org = running.personas.org
    move(running.process, org, Stage.RECOMMENDATION, D(2024, 8, 5))
    selection.process_update(
        actor=org, process=running.process, reason="", recommendation_voters=10
    )
    with pytest.raises(ValidationError, match="不能超过参加民主推荐人数"):
        selection.candidate_update(actor=org, candidate=running.first, votes=11)


@pytest.mark.parametrize(
    ("posted", "refused_on", "allowed_on"),
    [
        # 9/30, then 国庆 10/1–10/7 off, 10/8–10/11: the notice ends on 10/11.
        (D(2024, 9, 30), D(2024, 10, 11), D(2024, 10, 12)),
        # 10/8–10/11 and the 调休 Saturday 10/12 make five working days.
        (D(2024, 10, 8), D(2024, 10, 12), D(2024, 10, 13)),
    ],
)
def test_notice_counts_working_days_across_national_day(
    running: Selection, posted: datetime.date, refused_on: datetime.date, allowed_on: datetime.date
) -> None:
    """任职 is refused until five working days of notice have passed, 国庆 and 调休 included."""
    to_notice(running, posted=posted)
    org = running.personas.org
    with pytest.raises(ValidationError, match="任前公示须满 5 个工作日"):
        move(running.process, org, Stage.APPOINTED, refused_on)
    assert move(running.process, org, Stage.APPOINTED, allowed_on).stage == Stage.APPOINTED


def test_objection_pauses_and_a_cleared_one_resumes(at_notice: Selection) -> None:
    """An objection pauses the notice; cleared, the notice resumes and may restart."""
    org = at_notice.personas.org
    process = at_notice.process
    with pytest.raises(ValidationError, match="没有待核查的反映问题"):
        move(process, org, Stage.PAUSED, D(2024, 10, 8))
    objection = selection.objection_add(
        actor=org, process=process, received_on=D(2024, 10, 8), summary="反映其工作作风问题"
    )
    assert objection.candidate == at_notice.first
    with pytest.raises(ValidationError, match="尚未核查完毕"):
        move(process, org, Stage.APPOINTED, D(2024, 10, 14))
    move(process, org, Stage.PAUSED, D(2024, 10, 8))
    with pytest.raises(ValidationError, match="尚未核查完毕"):
        move(process, org, Stage.PUBLIC_NOTICE, D(2024, 10, 9))
    selection.objection_resolve(
        actor=org,
        objection=objection,
        status=ObjectionStatus.CLEARED,
        resolved_on=D(2024, 10, 9),
        resolution="经核查，反映问题不属实",
    )
    move(process, org, Stage.PUBLIC_NOTICE, D(2024, 10, 9), notice_started_on=D(2024, 10, 9))
    process.refresh_from_db()
    assert process.notice_started_on == D(2024, 10, 9)
    # Restarted on 10/9: 10/9, 10/10, 10/11, 10/12 (调休), 10/14 → 任职 from 10/15.
    with pytest.raises(ValidationError, match="至2024年10月14日止"):
        move(process, org, Stage.APPOINTED, D(2024, 10, 14))
    move(process, org, Stage.APPOINTED, D(2024, 10, 15))


def test_upheld_objection_rules_the_candidate_out(at_notice: Selection) -> None:
    """An upheld objection withdraws the candidate; the committee decides again or ends."""
    org = at_notice.personas.org
    process = at_notice.process
    objection = selection.objection_add(
        actor=org, process=process, received_on=D(2024, 10, 8), summary="反映其违规经商"
    )
    move(process, org, Stage.PAUSED, D(2024, 10, 8))
    selection.objection_resolve(
        actor=org,
        objection=objection,
        status=ObjectionStatus.UPHELD,
        resolved_on=D(2024, 10, 20),
        resolution="经核查属实",
    )
    at_notice.first.refresh_from_db()
    assert at_notice.first.outcome == CandidateOutcome.WITHDRAWN
    with pytest.raises(ValidationError, match="已不在程序中"):
        move(process, org, Stage.PUBLIC_NOTICE, D(2024, 10, 21))
    move(process, org, Stage.DECISION, D(2024, 10, 21))
    process.refresh_from_db()
    assert process.notice_started_on is None
    selection.candidate_update(actor=org, candidate=at_notice.second, is_chosen=True)
    move(process, org, Stage.PRE_APPOINTMENT_TALK, D(2024, 10, 22))


def test_decline_at_the_talk_is_a_first_class_record(running: Selection) -> None:
    """The chosen candidate declines at 任前谈话: a Decline row, then back to 讨论决定."""
    to_decision(running)
    org = running.personas.org
    selection.candidate_update(actor=org, candidate=running.first, is_chosen=True)
    move(running.process, org, Stage.PRE_APPOINTMENT_TALK, D(2024, 9, 10))
    decline = selection.candidate_decline(
        actor=org,
        candidate=running.first,
        declined_on=D(2024, 9, 10),
        reason="family_care",
        note="父母年迈需要照顾",
    )
    assert decline.stage == Stage.PRE_APPOINTMENT_TALK
    assert decline.post == running.post and decline.cadre == running.personas.cadre_a
    running.first.refresh_from_db()
    assert running.first.outcome == CandidateOutcome.DECLINED
    with pytest.raises(ValidationError, match="已不在程序中"):
        move(running.process, org, Stage.PUBLIC_NOTICE, D(2024, 9, 11))
    move(running.process, org, Stage.DECISION, D(2024, 9, 11))
    with pytest.raises(Conflict):
        selection.candidate_decline(
            actor=org, candidate=running.first, declined_on=D(2024, 9, 12), reason="health"
        )
    assert Decline.objects.count() == 1


def test_decline_needs_a_listed_reason_and_other_needs_text(running: Selection) -> None:
    """A decline reason comes from the taxonomy; 其他 needs an explanation."""
    org = running.personas.org
    with pytest.raises(ValidationError, match="请从列表中选择"):
        selection.candidate_decline(
            actor=org, candidate=running.first, declined_on=START, reason="lazy"
        )
    with pytest.raises(ValidationError, match="请写明具体情况"):
        selection.candidate_decline(
            actor=org, candidate=running.first, declined_on=START, reason="other"
        )


def test_termination_needs_a_reason_and_closes_candidates(running: Selection) -> None:
    """Ending a process needs a reason; pending candidates become 未被选任; then it is final."""
    org = running.personas.org
    with pytest.raises(ValidationError, match="请说明终止选任流程的原因"):
        move(running.process, org, Stage.TERMINATED, D(2024, 8, 5))
    move(running.process, org, Stage.TERMINATED, D(2024, 8, 5), note="岗位调整，暂不选配")
    assert set(running.process.candidates.values_list("outcome", flat=True)) == {"not_chosen"}
    with pytest.raises(Conflict, match="不能再变更"):
        move(running.process, org, Stage.RECOMMENDATION, D(2024, 8, 6))
    with pytest.raises(Conflict):
        selection.candidate_add(
            actor=org, process=running.process, cadre=running.personas.cadre_b, added_on=START
        )


def test_only_the_county_organization_department_runs_selections(running: Selection) -> None:
    """A unit head, a cadre or another county's department is refused at the service."""
    for actor in (running.personas.head_b, running.personas.cadre, running.personas.outsider_org):
        with pytest.raises(PermissionDenied):
            move(running.process, actor, Stage.RECOMMENDATION, D(2024, 8, 5))


def test_dates_are_checked(running: Selection) -> None:
    """No future dates, nothing before the previous step, candidates not before the motion."""
    org = running.personas.org
    with pytest.raises(ValidationError, match="不能晚于今天"):
        move(running.process, org, Stage.RECOMMENDATION, D(2999, 1, 1))
    with pytest.raises(ValidationError, match="不能早于上一环节的日期"):
        move(running.process, org, Stage.RECOMMENDATION, D(2024, 7, 1))
    with pytest.raises(ValidationError, match="不能早于动议时间"):
        selection.candidate_add(
            actor=org,
            process=running.process,
            cadre=factories.cadre(unit=running.personas.unit_a),
            added_on=D(2024, 1, 1),
        )


def test_a_post_gets_no_more_running_selections_than_seats(running: Selection) -> None:
    """A one-seat post cannot have two selections under way."""
    with pytest.raises(Conflict, match="进行中的选任流程"):
        selection.process_start(
            actor=running.personas.org, post=running.post, started_on=START, reason="再启动"
        )


def test_general_posts_have_no_selection(running: Selection) -> None:
    """Selections are for mid-level posts only."""
    general = factories.post(unit=running.personas.unit_a, tier="general", title="科员")
    with pytest.raises(ValidationError, match="中层岗位"):
        selection.process_start(
            actor=running.personas.org, post=general, started_on=START, reason="一般岗位"
        )


def test_candidate_must_be_active_in_the_county(running: Selection) -> None:
    """Cadres of another county, or who left, cannot be candidates; nobody twice."""
    org = running.personas.org
    other = factories.cadre(unit=factories.unit(county=running.personas.outsider_org.county))
    with pytest.raises(ValidationError, match="本县在职干部"):
        selection.candidate_add(actor=org, process=running.process, cadre=other, added_on=START)
    with pytest.raises(Conflict, match="已是本流程的人选"):
        selection.candidate_add(
            actor=org, process=running.process, cadre=running.personas.cadre_a, added_on=START
        )


def reach(sel: Selection, stage: str) -> None:
    """Bring the fixture's selection to STAGE through the services."""
    org = sel.personas.org
    if stage == Stage.RECOMMENDATION:
        move(sel.process, org, Stage.RECOMMENDATION, D(2024, 8, 5))
    elif stage == Stage.VETTING:
        move(sel.process, org, Stage.RECOMMENDATION, D(2024, 8, 5))
        selection.candidate_update(actor=org, candidate=sel.first, votes=9, is_vetting_target=True)
        move(sel.process, org, Stage.VETTING, D(2024, 8, 12))
    elif stage == Stage.DECISION:
        to_decision(sel)
    elif stage == Stage.PRE_APPOINTMENT_TALK:
        to_decision(sel)
        selection.candidate_update(actor=org, candidate=sel.first, is_chosen=True)
        move(sel.process, org, Stage.PRE_APPOINTMENT_TALK, D(2024, 9, 10))
    elif stage in (Stage.PUBLIC_NOTICE, Stage.PAUSED):
        to_notice(sel)
        if stage == Stage.PAUSED:
            selection.objection_add(
                actor=org, process=sel.process, received_on=D(2024, 10, 8), summary="来信反映"
            )
            move(sel.process, org, Stage.PAUSED, D(2024, 10, 8))


RUNNING_STAGES = [
    Stage.MOTION,
    Stage.RECOMMENDATION,
    Stage.VETTING,
    Stage.DECISION,
    Stage.PRE_APPOINTMENT_TALK,
    Stage.PUBLIC_NOTICE,
    Stage.PAUSED,
]


@pytest.mark.parametrize("stage", RUNNING_STAGES)
def test_every_running_stage_can_be_terminated(running: Selection, stage: str) -> None:
    """Any stage under way may end the process, with a reason; candidates still in it close."""
    reach(running, stage)
    running.process.refresh_from_db()
    assert running.process.stage == stage
    move(running.process, running.personas.org, Stage.TERMINATED, D(2024, 10, 20), note="暂缓选配")
    running.process.refresh_from_db()
    assert running.process.stage == Stage.TERMINATED and running.process.finished_on
    assert not running.process.candidates.filter(outcome=CandidateOutcome.PENDING).exists()


def test_notice_back_to_decision_after_the_candidate_withdraws(at_notice: Selection) -> None:
    """During the notice the chosen candidate withdraws: back to 讨论决定, the notice cleared."""
    org = at_notice.personas.org
    with pytest.raises(ValidationError, match="原拟任人选仍在程序中"):
        move(at_notice.process, org, Stage.DECISION, D(2024, 10, 8))
    selection.candidate_withdraw(
        actor=org, candidate=at_notice.first, on=D(2024, 10, 8), note="本人身体原因退出"
    )
    process = move(at_notice.process, org, Stage.DECISION, D(2024, 10, 8))
    assert process.notice_started_on is None


def test_an_appointed_process_is_final(at_notice: Selection) -> None:
    """After 任职 nothing moves any more."""
    org = at_notice.personas.org
    move(at_notice.process, org, Stage.APPOINTED, D(2024, 10, 14))
    for target in (Stage.TERMINATED, Stage.DECISION, Stage.PUBLIC_NOTICE):
        with pytest.raises(Conflict, match="不能再变更"):
            move(at_notice.process, org, target, D(2024, 10, 15), note="x")
