"""Coded values of the pipeline: selection stages and outcomes, declines, departures, exits."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SelectionStage(models.TextChoices):
    """Stage of a selection process (选任), in the order of the 2019 条例's chapters."""

    MOTION = "motion", _("分析研判和动议")
    RECOMMENDATION = "recommendation", _("民主推荐")
    VETTING = "vetting", _("考察")
    DECISION = "decision", _("讨论决定")
    PRE_APPOINTMENT_TALK = "pre_appointment_talk", _("任前谈话")
    PUBLIC_NOTICE = "public_notice", _("任前公示")
    APPOINTED = "appointed", _("任职")
    # An objection (反映问题) raised during the public notice is being verified.
    PAUSED = "paused", _("暂停（核查反映问题）")
    TERMINATED = "terminated", _("终止")


class CandidateOutcome(models.TextChoices):
    """Where a candidate (人选) of a selection ended up."""

    PENDING = "pending", _("程序中")
    APPOINTED = "appointed", _("已任职")
    NOT_CHOSEN = "not_chosen", _("未被选任")
    # Taken out of consideration, e.g. after 考察 or a verified objection.
    WITHDRAWN = "withdrawn", _("退出人选")
    # 拒绝提拔: the candidate turned the offer down; always recorded with a DeclineReason.
    DECLINED = "declined", _("本人不接受提拔")


class DeclineReason(models.TextChoices):
    """Why a cadre declined a promotion (拒绝提拔)."""

    HEALTH = "health", _("身体原因")
    FAMILY_CARE = "family_care", _("家庭照顾")
    WORK_PRESSURE = "work_pressure", _("工作压力")
    SMALL_PAY_RISE = "small_pay_rise", _("待遇变化小")
    LIMITED_PROSPECTS = "limited_prospects", _("晋升空间有限")
    PREPARING_EXAM = "preparing_exam", _("准备遴选或考录")
    PERSONAL_DEVELOPMENT = "personal_development", _("个人发展")
    OTHER = "other", _("其他")


# Exit interviews (离岗谈话) use the decline reasons plus three that only matter to leavers, so
# that refusals and exits can be compared reason by reason; 其他 stays last.
ExitReason = models.TextChoices(
    "ExitReason",
    [
        *(
            (reason.name, (reason.value, reason.label))
            for reason in DeclineReason
            if reason != DeclineReason.OTHER
        ),
        ("CHILDREN_EDUCATION", ("children_education", _("子女教育"))),
        ("MEDICAL_CARE", ("medical_care", _("医疗"))),
        ("FAR_FROM_HOME", ("far_from_home", _("离家远"))),
        ("OTHER", (DeclineReason.OTHER.value, DeclineReason.OTHER.label)),
    ],
)
ExitReason.__doc__ = "Why a cadre left, as recorded in the exit interview (离岗谈话)."


class DepartureKind(models.TextChoices):
    """How a cadre left their unit (离岗)."""

    UPWARD_SELECTION = "upward_selection", _("遴选")
    # 借调: the cadre stays on the unit's establishment and has a planned return date.
    SECONDMENT = "secondment", _("借调")
    TRANSFER = "transfer", _("调任/转任")
    RESIGNATION = "resignation", _("辞职")
    RETIREMENT = "retirement", _("退休")
    OTHER = "other", _("其他")


class DestinationLevel(models.TextChoices):
    """Level of the organ a departing cadre goes to."""

    TOWNSHIP = "township", _("乡镇（街道）")
    COUNTY = "county", _("县直")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")
    CENTRAL = "central", _("中央")
    OUTSIDE = "outside", _("体制外")


class DocumentKind(models.TextChoices):
    """Documents the pipeline generates from templates."""

    RESIGNATION_REPORT = "resignation_report", _("辞职报告")
    DECLINE_STATEMENT = "decline_statement", _("不接受提拔情况说明")
    APPOINTMENT_FORM = "appointment_form", _("干部任免审批表")


class ObjectionStatus(models.TextChoices):
    """Where a problem reported during the public notice (公示期间反映问题) stands."""

    OPEN = "open", _("待核查")
    # Verified and found not to stand in the way (经核查不影响任职).
    CLEARED = "cleared", _("经核查不影响任职")
    UPHELD = "upheld", _("经核查影响任职")


class BenchReadiness(models.TextChoices):
    """How soon a cadre on the succession bench (后备) could take the post."""

    READY_NOW = "ready_now", _("现在可用")
    READY_SOON = "ready_soon", _("1–2年内可用")


class EligibilityKey(models.TextChoices):
    """Thresholds of the eligibility hints, kept in the rules table `EligibilityRule`."""

    TOWNSHIP_MIN_SERVICE_YEARS = "township_min_service_years", _("新录用乡镇公务员最低服务年限")
    UPWARD_MIN_CIVIL_SERVICE_YEARS = (
        "upward_min_civil_service_years",
        _("遴选：公务员工作经历不少于（年）"),
    )
    UPWARD_MIN_GRASSROOTS_YEARS = "upward_min_grassroots_years", _("遴选：基层工作经历不少于（年）")
    UPWARD_MAX_AGE = "upward_max_age", _("遴选：年龄不超过（周岁）")
    UPWARD_MAX_AGE_SECTION_LEADER = (
        "upward_max_age_section_leader",
        _("遴选：现任乡科级领导职务的年龄不超过（周岁）"),
    )
