"""Running a selection (选任): candidates, votes, vetting, decisions, declines, objections."""

import datetime
import decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongjian.core.audit import audit_record
from zhongjian.core.errors import Conflict, ValidationError
from zhongjian.core.holidays import work_calendar
from zhongjian.core.models import AuditAction
from zhongjian.core.validation import full_clean_or_raise
from zhongjian.org.choices import MID_LEVEL_TIERS, CadreStatus, EndReason, Tier
from zhongjian.org.models import Appointment, Cadre, Post
from zhongjian.org.services import appointment_create, appointment_end
from zhongjian.pipeline.access import require_not_future, require_org_department
from zhongjian.pipeline.choices import (
    CandidateOutcome,
    DeclineReason,
    ObjectionStatus,
)
from zhongjian.pipeline.choices import SelectionStage as Stage
from zhongjian.pipeline.models import (
    BenchEntry,
    Candidate,
    Decline,
    Objection,
    SelectionProcess,
    StageChange,
)
from zhongjian.pipeline.workflow import (
    TransitionContext,
    check_transition,
    probation_review_date,
)

TIER_LEVEL = {Tier.GENERAL: 0, Tier.GUJI: 1, Tier.FUKE: 2, Tier.ZHENGKE: 3}

# Which candidate fields each stage lets the organization department fill in.
_EDITABLE = {
    Stage.RECOMMENDATION: frozenset({"votes", "is_vetting_target"}),
    Stage.VETTING: frozenset({"vetting_score", "vetting_rank", "vetting_notes", "vetted_on"}),
    Stage.DECISION: frozenset({"is_chosen"}),
}
_FIELD_STAGE = {field: stage for stage, fields in _EDITABLE.items() for field in fields}


def _audit(actor: Any, action: str, process: SelectionProcess, obj: Any, summary: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        county_id=process.county_id,
        unit_id=process.unit_id,
        summary=summary,
    )


def _locked(process_id: int) -> SelectionProcess:
    """The process as stored now, locked until the transaction ends: concurrent clerks and
    stale instances cannot act on a stage that has moved on."""
    return SelectionProcess.objects.select_for_update().select_related("post").get(pk=process_id)


def _require_running(process: SelectionProcess) -> None:
    if process.is_final:
        raise Conflict(
            _("选任流程已处于“%(stage)s”状态，不能再变更。") % {"stage": Stage(process.stage).label}
        )


def _require_pending(candidate: Candidate) -> None:
    if not candidate.is_pending:
        raise Conflict(
            _("%(name)s 的结果已是“%(outcome)s”，不能再变更。")
            % {"name": candidate.cadre.name, "outcome": candidate.get_outcome_display()}
        )


@transaction.atomic
def process_start(
    *,
    actor: Any,
    post: Post,
    started_on: datetime.date,
    reason: str,
    override_reason: str = "",
) -> SelectionProcess:
    """Open a selection for one seat of a mid-level POST at the 动议 stage.

    A motion needs its reason (动议理由). No more selections than the post's headcount may
    run; when every vacant seat (职数 − current holders) already has one, another needs
    OVERRIDE_REASON, recorded in the timeline and the audit log.
    """
    require_org_department(actor, county_id=post.county_id)
    require_not_future(started_on, label=_("动议时间"), field="started_on")
    if post.tier not in MID_LEVEL_TIERS or not post.is_active:
        raise ValidationError(_("只能为有效的中层岗位启动选任流程。"))
    if not reason.strip():
        raise ValidationError(_("请填写动议理由。"), field="reason")
    running = (
        SelectionProcess.objects.select_for_update()
        .filter(county_id=post.county_id, post=post)
        .exclude(stage__in=[Stage.APPOINTED, Stage.TERMINATED])
        .count()
    )
    if running >= post.headcount:
        raise Conflict(
            _("“%(post)s”职数 %(n)d 个，已有 %(n)d 个进行中的选任流程。")
            % {"post": post.title, "n": post.headcount}
        )
    holders = Appointment.objects.filter(
        county_id=post.county_id, post=post, end_date__isnull=True
    ).count()
    vacant = max(post.headcount - holders, 0)
    override_reason = override_reason.strip()
    if running >= vacant and not override_reason:
        raise ValidationError(
            _(
                "“%(post)s”空缺 %(vacant)d 个，已有 %(running)d 个进行中的选任流程；"
                "另行启动须说明理由。"
            )
            % {"post": post.title, "vacant": vacant, "running": running},
            field="override_reason",
        )
    note = (
        str(_("空缺已全部在选任中，另行启动：%(why)s") % {"why": override_reason})
        if (running >= vacant)
        else ""
    )
    process = SelectionProcess(
        county_id=post.county_id,
        unit_id=post.unit_id,
        post=post,
        vacancy=post.vacancies.filter(closed_on__isnull=True).first(),
        started_on=started_on,
        reason=reason.strip(),
        created_by=actor,
    )
    full_clean_or_raise(process)
    process.save()
    StageChange.objects.create(
        county_id=process.county_id,
        process=process,
        to_stage=Stage.MOTION,
        changed_on=started_on,
        actor=actor,
        note=note,
    )
    summary = f"启动选任：{post.title}" + (f"（{note}）" if note else "")
    _audit(actor, AuditAction.CREATE, process, process, summary)
    return process


@transaction.atomic
def process_update(
    *, actor: Any, process: SelectionProcess, reason: str, recommendation_voters: int | None
) -> SelectionProcess:
    """Change the motion's reason and the number of people who took part in the 民主推荐."""
    require_org_department(actor, county_id=process.county_id)
    process = _locked(process.pk)
    _require_running(process)
    if recommendation_voters is not None:
        most = max((c.votes or 0 for c in process.candidates.all()), default=0)
        if recommendation_voters < most:
            raise ValidationError(
                _("参加民主推荐人数不能少于人选的最高得票（%(n)d 票）。") % {"n": most}
            )
    process.reason = reason.strip()
    process.recommendation_voters = recommendation_voters
    full_clean_or_raise(process)
    process.save(update_fields=["reason", "recommendation_voters"])
    _audit(actor, AuditAction.UPDATE, process, process, "修改动议理由或推荐人数")
    return process


@transaction.atomic
def candidate_add(
    *, actor: Any, process: SelectionProcess, cadre: Cadre, added_on: datetime.date
) -> Candidate:
    """Put CADRE forward for the post; possible during 动议 and 民主推荐."""
    require_org_department(actor, county_id=process.county_id)
    process = _locked(process.pk)
    _require_running(process)
    require_not_future(added_on, label=_("列入人选时间"), field="added_on")
    if process.stage not in (Stage.MOTION, Stage.RECOMMENDATION):
        raise ValidationError(_("只有在动议和民主推荐环节才能增加人选。"))
    if cadre.county_id != process.county_id or cadre.status != CadreStatus.ACTIVE:
        raise ValidationError(_("只能把本县在职干部列为人选。"), field="cadre")
    if added_on < process.started_on:
        raise ValidationError(_("列入人选时间不能早于动议时间。"), field="added_on")
    if process.candidates.filter(cadre=cadre).exists():
        raise Conflict(_("%(name)s 已是本流程的人选。") % {"name": cadre.name}, field="cadre")
    if Appointment.objects.filter(cadre=cadre, post=process.post, end_date__isnull=True).exists():
        raise ValidationError(_("%(name)s 已在该岗位任职。") % {"name": cadre.name}, field="cadre")
    candidate = Candidate(
        county_id=process.county_id, process=process, cadre=cadre, added_on=added_on
    )
    full_clean_or_raise(candidate)
    candidate.save()
    _audit(actor, AuditAction.CREATE, process, candidate, f"cadre={cadre.pk}")
    return candidate


@transaction.atomic
def candidate_update(*, actor: Any, candidate: Candidate, **fields: Any) -> Candidate:
    """Record a candidate's 民主推荐 votes, 考察 results or the 讨论决定 choice.

    Each field can be changed in its own stage only: votes and 考察对象 in 民主推荐; score, rank,
    notes and completion date in 考察 (for 考察对象); the choice in 讨论决定 (for vetted
    candidates; choosing one un-chooses the others).
    """
    require_org_department(actor, county_id=candidate.county_id)
    process = candidate.process = _locked(candidate.process_id)
    _require_running(process)
    _require_pending(candidate)
    unknown = set(fields) - set(_FIELD_STAGE)
    if unknown:
        raise ValueError(f"not a candidate field: {sorted(unknown)}")
    wrong_stage = sorted(
        {str(_FIELD_STAGE[name].label) for name in fields if _FIELD_STAGE[name] != process.stage}
    )
    if wrong_stage:
        raise ValidationError(
            _("当前环节是“%(stage)s”，这些内容只能在“%(stages)s”环节填写。")
            % {"stage": Stage(process.stage).label, "stages": "、".join(wrong_stage)}
        )
    problems = _candidate_problems(candidate=candidate, fields=fields)
    if problems:
        messages = [message for _field, message in problems]
        raise ValidationError("".join(messages), errors=messages, field=problems[0][0])
    if fields.get("is_chosen"):
        process.candidates.exclude(pk=candidate.pk).update(is_chosen=False)
    for name, value in fields.items():
        setattr(candidate, name, value)
    full_clean_or_raise(candidate)
    candidate.save()
    _audit(actor, AuditAction.UPDATE, process, candidate, ",".join(sorted(fields)))
    return candidate


def _candidate_problems(
    *, candidate: Candidate, fields: dict[str, Any]
) -> list[tuple[str | None, str]]:
    """What is wrong with FIELDS for CANDIDATE, each with the field it is about."""
    process = candidate.process
    problems = []
    votes = fields.get("votes")
    if (
        votes is not None
        and process.recommendation_voters is not None
        and votes > process.recommendation_voters
    ):
        problems.append(
            (
                "votes",
                _("得票数不能超过参加民主推荐人数（%(n)d 人）。")
                % {"n": process.recommendation_voters},
            )
        )
    vetting = {"vetting_score", "vetting_rank", "vetting_notes", "vetted_on"} & set(fields)
    if vetting and not candidate.is_vetting_target:
        problems.append((None, _("只有考察对象才能填写考察结果。")))
    score = fields.get("vetting_score")
    if score is not None and not decimal.Decimal(0) <= decimal.Decimal(score) <= 100:
        problems.append(("vetting_score", _("考察得分应在 0 到 100 之间。")))
    vetted_on = fields.get("vetted_on")
    if vetted_on is not None:
        if vetted_on > timezone.localdate():
            problems.append(("vetted_on", _("考察完成时间不能晚于今天。")))
        if vetted_on < candidate.added_on:
            problems.append(("vetted_on", _("考察完成时间不能早于列入人选时间。")))
    if fields.get("is_chosen") and candidate.vetted_on is None:
        problems.append((None, _("只能从完成考察的人选中确定拟任人选。")))
    return problems


@transaction.atomic
def candidate_decline(
    *,
    actor: Any,
    candidate: Candidate,
    declined_on: datetime.date,
    reason: str,
    note: str = "",
) -> Decline:
    """Record that the candidate turned the promotion down (拒绝提拔), with the reason."""
    require_org_department(actor, county_id=candidate.county_id)
    process = candidate.process = _locked(candidate.process_id)
    _require_running(process)
    _require_pending(candidate)
    require_not_future(declined_on, label=_("不接受时间"), field="declined_on")
    if reason not in DeclineReason.values:
        raise ValidationError(_("请从列表中选择不接受提拔的主要原因。"))
    if reason == DeclineReason.OTHER and not note.strip():
        raise ValidationError(_("原因选“其他”时，请写明具体情况。"), field="note")
    if declined_on < candidate.added_on:
        raise ValidationError(_("不接受时间不能早于列入人选时间。"), field="declined_on")
    decline = Decline(
        county_id=process.county_id,
        unit_id=process.unit_id,
        candidate=candidate,
        cadre=candidate.cadre,
        post=process.post,
        declined_on=declined_on,
        stage=process.stage,
        reason=reason,
        note=note.strip(),
        recorded_by=actor,
    )
    full_clean_or_raise(decline)
    decline.save()
    _close_candidate(candidate, CandidateOutcome.DECLINED, on=declined_on, note=note)
    _audit(
        actor,
        AuditAction.CREATE,
        process,
        decline,
        f"cadre={candidate.cadre_id}",
    )
    return decline


@transaction.atomic
def candidate_withdraw(
    *, actor: Any, candidate: Candidate, on: datetime.date, note: str
) -> Candidate:
    """Take a candidate out of consideration (退出人选), e.g. after 考察; a reason is required."""
    require_org_department(actor, county_id=candidate.county_id)
    process = candidate.process = _locked(candidate.process_id)
    _require_running(process)
    _require_pending(candidate)
    require_not_future(on, label=_("退出时间"), field="on")
    if not note.strip():
        raise ValidationError(_("请说明退出人选的原因。"), field="note")
    _close_candidate(candidate, CandidateOutcome.WITHDRAWN, on=on, note=note)
    _audit(actor, AuditAction.UPDATE, process, candidate, f"cadre={candidate.cadre_id},withdrawn")
    return candidate


def _close_candidate(candidate: Candidate, outcome: str, *, on: datetime.date, note: str) -> None:
    candidate.outcome = outcome
    candidate.outcome_on = on
    candidate.outcome_note = note.strip()
    candidate.save(update_fields=["outcome", "outcome_on", "outcome_note"])


@transaction.atomic
def objection_add(
    *, actor: Any, process: SelectionProcess, received_on: datetime.date, summary: str
) -> Objection:
    """Record a problem reported during the 任前公示 about the candidate on notice."""
    require_org_department(actor, county_id=process.county_id)
    process = _locked(process.pk)
    if process.stage not in (Stage.PUBLIC_NOTICE, Stage.PAUSED):
        raise ValidationError(_("只有在任前公示期间才能登记反映的问题。"))
    require_not_future(received_on, label=_("收到时间"), field="received_on")
    if process.notice_started_on and received_on < process.notice_started_on:
        raise ValidationError(_("收到时间不能早于公示开始时间。"))
    if not summary.strip():
        raise ValidationError(_("请填写反映的问题。"))
    objection = Objection(
        county_id=process.county_id,
        process=process,
        candidate=process.candidates.filter(
            is_chosen=True, outcome=CandidateOutcome.PENDING
        ).first(),
        received_on=received_on,
        summary=summary.strip(),
    )
    full_clean_or_raise(objection)
    objection.save()
    _audit(actor, AuditAction.CREATE, process, objection, "公示期间反映问题")
    return objection


@transaction.atomic
def objection_resolve(
    *,
    actor: Any,
    objection: Objection,
    status: str,
    resolved_on: datetime.date,
    resolution: str,
) -> Objection:
    """Close the verification of an objection; an upheld one takes the candidate out."""
    process = objection.process = _locked(objection.process_id)
    require_org_department(actor, county_id=process.county_id)
    _require_running(process)
    if objection.status != ObjectionStatus.OPEN:
        raise Conflict(_("该问题已核查完毕。"))
    if status not in (ObjectionStatus.CLEARED, ObjectionStatus.UPHELD):
        raise ValidationError(_("请选择核查结果。"))
    require_not_future(resolved_on, label=_("核查完成时间"), field="resolved_on")
    if resolved_on < objection.received_on:
        raise ValidationError(_("核查完成时间不能早于收到时间。"))
    if not resolution.strip():
        raise ValidationError(_("请填写核查情况。"))
    objection.status = status
    objection.resolved_on = resolved_on
    objection.resolution = resolution.strip()
    objection.save(update_fields=["status", "resolved_on", "resolution"])
    candidate = objection.candidate
    if status == ObjectionStatus.UPHELD and candidate is not None and candidate.is_pending:
        _close_candidate(candidate, CandidateOutcome.WITHDRAWN, on=resolved_on, note=resolution)
    _audit(actor, AuditAction.UPDATE, process, objection, f"核查结果：{objection.status}")
    return objection


def transition_context(
    *,
    process: SelectionProcess,
    today: datetime.date,
    reason: str = "",
    notice_started_on: datetime.date | None = None,
) -> TransitionContext:
    """The facts `workflow.check_transition` needs, read from the process's candidates."""
    counts = process.candidates.filter(outcome=CandidateOutcome.PENDING).aggregate(
        recommended=Count("id", filter=Q(is_vetting_target=True)),
        vetted=Count("id", filter=Q(vetted_on__isnull=False)),
        chosen=Count("id", filter=Q(is_chosen=True)),
    )
    return TransitionContext(
        today=today,
        calendar=work_calendar(county_id=process.county_id),
        recommended=counts["recommended"],
        vetted=counts["vetted"],
        chosen=counts["chosen"],
        open_objections=process.objections.filter(status=ObjectionStatus.OPEN).count(),
        notice_started_on=notice_started_on or process.notice_started_on,
        notice_working_days=process.notice_working_days,
        reason=reason,
    )


@transaction.atomic
def process_transition(
    *,
    actor: Any,
    process: SelectionProcess,
    target: str,
    on: datetime.date,
    note: str = "",
    notice_started_on: datetime.date | None = None,
    document_no: str = "",
) -> SelectionProcess:
    """Move PROCESS to TARGET on day ON, if the 条例's conditions hold.

    Entering 任前公示 starts the notice on ON (or on NOTICE_STARTED_ON when a paused notice
    resumes and the department restarts it later). 任职 appoints the chosen candidate from ON
    through the registry, ends their current posts, sets the 试用期 review date for a
    promotion into a leadership post, closes the other candidates and re-derives the vacancies
    of every post involved. Termination needs a reason in NOTE.
    """
    require_org_department(actor, county_id=process.county_id)
    process = _locked(process.pk)
    require_not_future(on, label=_("办理日期"), field="on")
    if target not in Stage.values:
        raise ValidationError(_("没有这个环节。"))
    last = process.stage_changes.order_by("-changed_on").first()
    if last is not None and on < last.changed_on:
        raise ValidationError(
            _("办理日期不能早于上一环节的日期（%(day)s）。") % {"day": last.changed_on}
        )
    if target == Stage.PUBLIC_NOTICE:
        starts = on if process.stage != Stage.PAUSED else notice_started_on
        notice_started_on = starts or process.notice_started_on or on
        if notice_started_on > on:
            raise ValidationError(_("公示开始时间不能晚于办理日期。"))
    context = transition_context(
        process=process, today=on, reason=note, notice_started_on=notice_started_on
    )
    check_transition(current=process.stage, target=target, context=context)
    previous = process.stage
    process.stage = target
    if target == Stage.PUBLIC_NOTICE:
        process.notice_started_on = notice_started_on
    elif target == Stage.DECISION:
        process.notice_started_on = None
    elif target == Stage.TERMINATED:
        process.termination_reason = note.strip()
        process.finished_on = on
        _close_open_candidates(process, on=on, note=_("选任流程终止"))
    elif target == Stage.APPOINTED:
        _appoint(actor=actor, process=process, on=on, document_no=document_no)
    process.save()
    StageChange.objects.create(
        county_id=process.county_id,
        process=process,
        from_stage=previous,
        to_stage=target,
        changed_on=on,
        note=note.strip(),
        actor=actor,
    )
    _audit(
        actor,
        AuditAction.UPDATE,
        process,
        process,
        f"{Stage(previous).label} → {Stage(target).label}",
    )
    return process


def _close_open_candidates(process: SelectionProcess, *, on: datetime.date, note: str) -> None:
    process.candidates.filter(outcome=CandidateOutcome.PENDING).update(
        outcome=CandidateOutcome.NOT_CHOSEN, outcome_on=on, outcome_note=note
    )


def _appoint(*, actor: Any, process: SelectionProcess, on: datetime.date, document_no: str) -> None:
    chosen = process.candidates.select_related("cadre").get(
        is_chosen=True, outcome=CandidateOutcome.PENDING
    )
    cadre, post = chosen.cadre, process.post
    if cadre.status != CadreStatus.ACTIVE:
        raise ValidationError(_("%(name)s 已不在职，不能任职。") % {"name": cadre.name})
    current = list(
        Appointment.objects.select_related("post").filter(cadre=cadre, end_date__isnull=True)
    )
    highest = max((TIER_LEVEL[Tier(a.post.tier)] for a in current), default=0)
    promoted = TIER_LEVEL[Tier(post.tier)] > highest
    for appointment in current:
        appointment_end(
            actor=actor,
            appointment=appointment,
            end_date=on - datetime.timedelta(days=1),
            end_reason=EndReason.PROMOTED if promoted else EndReason.REASSIGNED,
        )
    process.appointment = appointment_create(
        actor=actor, cadre=cadre, post=post, start_date=on, document_no=document_no.strip()
    )
    # 《党政领导干部选拔任用工作条例》第七章 任职: 提拔担任领导职务的实行任职试用期制度.
    if promoted and post.is_leadership:
        process.probation_review_on = probation_review_date(appointed_on=on)
    process.finished_on = on
    _close_candidate(chosen, CandidateOutcome.APPOINTED, on=on, note="")
    _close_open_candidates(process, on=on, note=_("已由他人任职"))
    BenchEntry.objects.filter(post=post, cadre=cadre, removed_on__isnull=True).update(removed_on=on)
