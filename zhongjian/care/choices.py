"""Coded values of counseling requests, cases, consent and follow-ups."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    """What a cadre would like to talk about (求助主题); coarse on purpose."""

    WORK_PRESSURE = "work_pressure", _("工作压力")
    CAREER = "career", _("职业发展与去留")
    RELATIONSHIPS = "relationships", _("工作中的人际关系")
    FAMILY = "family", _("家庭与婚恋")
    HEALTH = "health", _("情绪、睡眠与身心健康")
    OTHER = "other", _("其他")


class ContactWay(models.TextChoices):
    PHONE = "phone", _("电话")
    IN_PERSON = "in_person", _("当面")
    VIDEO = "video", _("视频通话")


class ContactTime(models.TextChoices):
    WORKDAY_DAYTIME = "workday_daytime", _("工作日白天")
    LUNCH = "lunch", _("工作日午休")
    EVENING = "evening", _("工作日晚上")
    WEEKEND = "weekend", _("周末")
    ANY = "any", _("都可以")


class Source(models.TextChoices):
    SELF = "self", _("本人申请")
    RECORDED = "recorded", _("疏导员代为登记（电话或当面）")
    REFERRAL = "referral", _("经推荐，本人同意")


class CaseStatus(models.TextChoices):
    NEW = "new", _("待首次联系")
    CONTACTED = "contacted", _("已首次联系")
    ONGOING = "ongoing", _("跟进中")
    CLOSED = "closed", _("已结案")


OPEN_STATUSES = (CaseStatus.NEW, CaseStatus.CONTACTED, CaseStatus.ONGOING)


class CloseReason(models.TextChoices):
    RESOLVED = "resolved", _("已缓解，双方同意结束")
    REFERRED_OUT = "referred_out", _("已转介专业医疗机构")
    NO_RESPONSE = "no_response", _("多次联系未果")
    WITHDRAWN = "withdrawn", _("本人撤回同意")


class ConsentPurpose(models.TextChoices):
    COUNSELING = "counseling", _("心理疏导")
    SCREENING = "screening", _("心理量表筛查")


class ConsentVia(models.TextChoices):
    SELF = "self", _("本人在账号中同意")
    ORAL = "oral", _("本人口头同意，疏导员登记")


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("待本人决定")
    ACCEPTED = "accepted", _("已接受")
    DECLINED = "declined", _("未接受")


class FollowUpStatus(models.TextChoices):
    PLANNED = "planned", _("待跟进")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class Instrument(models.TextChoices):
    PHQ9 = "phq9", _("PHQ-9 抑郁症状筛查量表")
    GAD7 = "gad7", _("GAD-7 广泛性焦虑筛查量表")
