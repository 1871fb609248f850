"""Which stage a selection process (选任) may move to, under the 2019 干部任用条例."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from zhongjian.core.errors import Conflict, ValidationError
from zhongjian.core.workdays import PUBLIC_NOTICE_WORKING_DAYS, WorkCalendar, chinese_date
from zhongjian.pipeline.choices import SelectionStage as Stage

# 《党政领导干部选拔任用工作条例》 (2019), 第七章 任职: leadership posts taken up by promotion
# "试用期为一年"; at the end an appraisal (考核) decides whether the cadre keeps the post.
PROBATION_YEARS = 1

FINAL_STAGES = frozenset({Stage.APPOINTED, Stage.TERMINATED})

# Forward moves follow the 条例's chapters: 第三章 分析研判和动议, 第四章 民主推荐, 第五章 考察,
# 第六章 讨论决定, 第七章 任职 (任职谈话, 任前公示, 试用期). The talk comes before the notice here,
# as the process has it; the 条例 only requires it to follow the decision.
# Backward moves exist only to 讨论决定: when the chosen candidate declines at the talk, or an
# objection during the notice is upheld, the committee may choose another vetted candidate
# without restarting the whole process.
_MOVES: dict[Stage, tuple[Stage, ...]] = {
    Stage.MOTION: (Stage.RECOMMENDATION, Stage.TERMINATED),
    Stage.RECOMMENDATION: (Stage.VETTING, Stage.TERMINATED),
    Stage.VETTING: (Stage.DECISION, Stage.TERMINATED),
    Stage.DECISION: (Stage.PRE_APPOINTMENT_TALK, Stage.TERMINATED),
    Stage.PRE_APPOINTMENT_TALK: (Stage.PUBLIC_NOTICE, Stage.DECISION, Stage.TERMINATED),
    Stage.PUBLIC_NOTICE: (Stage.APPOINTED, Stage.PAUSED, Stage.DECISION, Stage.TERMINATED),
    # 公示 "结果不影响任职的，办理任职手续": a verified objection either clears the candidate
    # (back to the notice), rules them out (back to the decision) or ends the process.
    Stage.PAUSED: (Stage.PUBLIC_NOTICE, Stage.DECISION, Stage.TERMINATED),
    Stage.APPOINTED: (),
    Stage.TERMINATED: (),
}


@dataclass(frozen=True, kw_only=True)
class TransitionContext:
    """The facts about one selection process that decide whether it may move on.

    Counts cover candidates still in the running: those who declined or were withdrawn are out.
    """

    today: dt.date
    calendar: WorkCalendar
    # Candidates the 民主推荐 put forward for 考察.
    recommended: int
    # Candidates whose 考察 is complete.
    vetted: int
    # Candidates the 讨论决定 chose for the post.
    chosen: int
    # Objections (反映问题) raised during the notice and not yet verified.
    open_objections: int
    # The day the current public notice was posted; when a paused notice resumes the caller
    # decides whether it restarts and passes the day it counts from.
    notice_started_on: dt.date | None = None
    notice_working_days: int = PUBLIC_NOTICE_WORKING_DAYS
    # Why the process ends; required to terminate it.
    reason: str = ""


def next_stage_allowed(*, current: Stage, target: Stage) -> bool:
    """Whether the process graph has a move from `current` to `target` at all."""
    return target in _MOVES[current]


def allowed_targets(*, current: Stage) -> tuple[Stage, ...]:
    """The stages `current` can move to, main path first, for the page's buttons."""
    return _MOVES[current]


def check_transition(*, current: Stage, target: Stage, context: TransitionContext) -> None:
    """Raise a domain error, in Chinese, unless the process may move from `current` to `target`.

    A finished or terminated process raises `Conflict`; anything else that is refused raises
    `ValidationError` with every unmet condition in `errors`. Plain strings, as a model field
    holds them, are accepted for both stages.
    """
    current, target = Stage(current), Stage(target)
    if current in FINAL_STAGES:
        raise Conflict(
            _("选任流程已处于“%(stage)s”状态，不能再变更。如仍需选配，请重新启动一个流程。")
            % {"stage": current.label}
        )
    if not next_stage_allowed(current=current, target=target):
        raise ValidationError(
            _("不能从“%(current)s”转到“%(target)s”；此时可以转到：%(allowed)s。")
            % {
                "current": current.label,
                "target": target.label,
                "allowed": "、".join(str(stage.label) for stage in _MOVES[current]),
            }
        )
    problems = _unmet_conditions(current=current, target=target, context=context)
    if problems:
        raise ValidationError(
            _("不能转到“%(target)s”：%(problems)s")
            % {"target": target.label, "problems": "".join(problems)},
            errors=problems,
        )


def _unmet_conditions(*, current: Stage, target: Stage, context: TransitionContext) -> list[str]:
    problems: list[str] = []
    if target == Stage.VETTING and context.recommended < 1:
        # 第五章 考察: 考察对象 come out of the 民主推荐 and the committee's deliberation.
        problems.append(_("民主推荐尚未产生考察对象。"))
    if target == Stage.DECISION:
        # 第六章 讨论决定: only candidates who have been vetted may be put to the committee.
        if context.vetted < 1:
            problems.append(_("还没有完成考察的人选，不能提交讨论决定。"))
        if current != Stage.VETTING and context.chosen > 0:
            problems.append(_("原拟任人选仍在程序中；该人选不接受提拔或退出后才能重新讨论决定。"))
    if target in (Stage.PRE_APPOINTMENT_TALK, Stage.PUBLIC_NOTICE, Stage.APPOINTED) and (
        context.chosen < 1
    ):
        problems.append(
            _("讨论决定尚未确定拟任人选。")
            if current == Stage.DECISION
            else _("讨论决定确定的拟任人选已不在程序中，请重新讨论决定或终止流程。")
        )
    if target == Stage.PAUSED and context.open_objections < 1:
        problems.append(_("没有待核查的反映问题，无需暂停公示。"))
    if target in (Stage.PUBLIC_NOTICE, Stage.APPOINTED) and context.open_objections > 0:
        problems.append(_("公示期间反映的问题尚未核查完毕。"))
    if target == Stage.APPOINTED:
        problems.extend(_notice_problems(context=context))
    if target == Stage.TERMINATED and not context.reason.strip():
        problems.append(_("请说明终止选任流程的原因。"))
    return problems


def _notice_problems(*, context: TransitionContext) -> list[str]:
    # 第七章 任职: the notice runs "不少于五个工作日" after the decision and before the
    # appointment notice is issued; the appointment can follow the day after it ends.
    if context.notice_started_on is None:
        return [_("任前公示尚未开始。")]
    ends_on = context.calendar.end_of_public_notice(
        start=context.notice_started_on, days=context.notice_working_days
    )
    if context.today > ends_on:
        return []
    return [
        _("任前公示须满 %(days)d 个工作日，自%(start)s起至%(end)s止，%(end)s之后才能办理任职。")
        % {
            "days": context.notice_working_days,
            "start": chinese_date(context.notice_started_on),
            "end": chinese_date(ends_on),
        }
    ]


def probation_review_date(*, appointed_on: dt.date, years: int = PROBATION_YEARS) -> dt.date:
    """The day a probation (试用期) that began on `appointed_on` ends and is reviewed.

    An appointment on 29 February is reviewed on 28 February of a common year.
    """
    year = appointed_on.year + years
    try:
        return appointed_on.replace(year=year)
    except ValueError:
        return appointed_on.replace(year=year, day=28)
