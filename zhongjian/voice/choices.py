"""Coded values of the voice app: wave states, age bands, board categories and moderation states."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The value stored in a response's coarse attribute when its group had to be merged with others
# to reach k people (docs/privacy.md); reports show it as its own row, never split.
MERGED = ""


class WaveStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class InvitationMode(models.TextChoices):
    """How a wave's invitations reach cadres; a wave uses one, so nobody can answer twice."""

    SLIPS = "slips", _("纸质邀请码（按组随机发放）")
    ONLINE = "online", _("在线领取（盲签名，系统不知道谁领了哪个码）")


class AgeBand(models.TextChoices):
    """Ten-year age bands (10 岁一档), the finest age a response may carry."""

    UNDER_30 = "u30", _("30岁以下")
    THIRTIES = "30s", _("30–39岁")
    FORTIES = "40s", _("40–49岁")
    FIFTIES = "50s", _("50–59岁")
    SIXTY_PLUS = "60p", _("60岁及以上")


def age_band_for(age: int) -> AgeBand:
    if age < 30:
        return AgeBand.UNDER_30
    if age >= 60:
        return AgeBand.SIXTY_PLUS
    return (AgeBand.THIRTIES, AgeBand.FORTIES, AgeBand.FIFTIES)[age // 10 - 3]


class BoardCategory(models.TextChoices):
    WORK_PRESSURE = "work_pressure", _("工作压力")
    PROMOTION = "promotion", _("晋升发展")
    PAY = "pay", _("待遇保障")
    BURDEN = "burden", _("基层减负")
    GROWTH = "growth", _("学习成长")
    FAMILY = "family", _("家庭生活")
    SUGGESTION = "suggestion", _("意见建议")
    OTHER = "other", _("其他")


class ModerationStatus(models.TextChoices):
    PUBLISHED = "published", _("已发布")
    HELD = "held", _("待审核")
    REJECTED = "rejected", _("未通过")
    REMOVED = "removed", _("已撤下")
