"""Coded values of the workload register: organ levels, demand kinds, rule keys."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganLevel(models.TextChoices):
    CENTRAL = "central", _("中央")
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县")


class DemandKind(models.TextChoices):
    """What a demand from above (上级任务与要求) asks of the unit."""

    DOCUMENT = "document", _("文件")
    MEETING = "meeting", _("会议")
    INSPECTION = "inspection", _("督查检查考核")
    DATA_REQUEST = "data_request", _("填表报数")
    AD_HOC = "ad_hoc", _("临时性任务")
    TRACE = "trace", _("留痕")
    CAMPAIGN = "campaign", _("创建达标/示范")


class DocumentCategory(models.TextChoices):
    """综合性 documents deploy comprehensive work; 专项 ones a special task (different caps)."""

    COMPREHENSIVE = "comprehensive", _("综合")
    SPECIAL = "special", _("专项")


class RuleKey(models.TextChoices):
    """Caps and thresholds the indicators are measured against (`WorkloadRule`)."""

    DOC_LENGTH_COMPREHENSIVE = "doc_length_comprehensive", _("综合性文件字数上限")
    DOC_LENGTH_SPECIAL = "doc_length_special", _("专项文件字数上限")
    INSPECTIONS_PER_MONTH = "inspections_per_month", _("每月实地督查检查考核次数上限")
    ACCOMPANY_MEETINGS = "accompany_meetings", _("每月要求陪会的会议上限")
    SHORT_DEADLINE_DAYS = "short_deadline_days", _("短时限（天，少于即为短）")
    SHORT_DEADLINE_SHARE = "short_deadline_share", _("短时限占比预警线")
    YOY_TOLERANCE = "yoy_tolerance", _("同比增幅容忍度（只减不增）")
