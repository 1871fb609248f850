"""Counseling cases, consent, referrals, follow-ups, notes and screenings; every table has `county`.

Free text (a request's own words, notes) and screening results are stored only as Fernet tokens
under the care key (`zhongjian.care.crypto`): a database file, dump or backup holds none of it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhongjian.care.choices import (
    CaseStatus,
    CloseReason,
    ConsentPurpose,
    ConsentVia,
    ContactTime,
    ContactWay,
    FollowUpStatus,
    Instrument,
    ReferralStatus,
    Source,
    Topic,
)
from zhongjian.org.models import Cadre, County


class Case(models.Model):
    """A counseling case (疏导个案): one request for help that the cadre consented to."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("个案编号"), max_length=16)
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="+"
    )
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("疏导员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_cases",
    )
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    topic = models.CharField(_("主题"), max_length=32, choices=Topic.choices)
    contact_way = models.CharField(_("希望的联系方式"), max_length=16, choices=ContactWay.choices)
    contact_time = models.CharField(_("方便的时间"), max_length=16, choices=ContactTime.choices)
    request_cipher = models.TextField(_("本人描述（加密）"), blank=True, editable=False)
    requested_at = models.DateTimeField(_("申请时间"))
    first_contact_due = models.DateField(_("首次联系期限"))
    first_contact_on = models.DateField(_("首次联系日期"), null=True, blank=True)
    urgent = models.BooleanField(_("紧急"), default=False)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    close_reason = models.CharField(
        _("结案原因"), max_length=16, choices=CloseReason.choices, blank=True
    )
    deletion_requested_at = models.DateTimeField(_("本人申请删除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("疏导个案")
        verbose_name_plural = _("疏导个案")
        ordering = ["-urgent", "first_contact_due", "id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "reference"], name="care_case_reference")
        ]
        indexes = [
            models.Index(fields=["county", "counselor", "status"]),
            models.Index(fields=["county", "status", "closed_on"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED


class Consent(models.Model):
    """A separate consent (单独同意, PIPL 第29条): exact text, version and time; withdrawable."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("用途"), max_length=16, choices=ConsentPurpose.choices)
    version = models.CharField(_("同意书版本"), max_length=16)
    text = models.TextField(_("同意书文本"))
    via = models.CharField(_("方式"), max_length=8, choices=ConsentVia.choices)
    given_at = models.DateTimeField(_("同意时间"))
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("同意记录")
        verbose_name_plural = _("同意记录")
        ordering = ["given_at", "id"]
        indexes = [models.Index(fields=["county", "case", "purpose"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} v{self.version}"


class Referral(models.Model):
    """A suggestion by a unit head or the 组织部 that a cadre might talk to a counselor.

    It is only a suggestion: the cadre decides in their own account, and a case exists only after
    they consent. The person who suggested it learns whether it was accepted, nothing more.
    """

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="+"
    )
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    suggested_at = models.DateTimeField(_("推荐时间"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("疏导推荐")
        verbose_name_plural = _("疏导推荐")
        ordering = ["-suggested_at", "-id"]
        indexes = [models.Index(fields=["county", "cadre", "status"])]

    def __str__(self) -> str:
        return f"{self.suggested_at:%Y-%m-%d} {self.get_status_display()}"


class FollowUp(models.Model):
    """A planned follow-up (跟进交流) with a due date; overdue while planned after its due date."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField(_("计划日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.PLANNED
    )
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    urgent = models.BooleanField(_("紧急跟进"), default=False)

    class Meta:
        verbose_name = _("跟进计划")
        verbose_name_plural = _("跟进计划")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["county", "status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.due_on} {self.get_status_display()}"


class Note(models.Model):
    """A counselor's note of one contact, encrypted; read only by the assigned counselor."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact_on = models.DateField(_("联系日期"))
    contact_way = models.CharField(_("联系方式"), max_length=16, choices=ContactWay.choices)
    body_cipher = models.TextField(_("记录（加密）"), editable=False)
    written_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("疏导记录")
        verbose_name_plural = _("疏导记录")
        ordering = ["contact_on", "id"]
        indexes = [models.Index(fields=["county", "case"])]

    def __str__(self) -> str:
        return f"{self.contact_on} {self.get_contact_way_display()}"


class Screening(models.Model):
    """One administered PHQ-9 or GAD-7; answers, score and band are encrypted like notes."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="screenings")
    instrument = models.CharField(_("量表"), max_length=8, choices=Instrument.choices)
    administered_on = models.DateField(_("筛查日期"))
    result_cipher = models.TextField(_("结果（加密）"), editable=False)

    class Meta:
        verbose_name = _("量表筛查")
        verbose_name_plural = _("量表筛查")
        ordering = ["administered_on", "id"]
        indexes = [models.Index(fields=["county", "case"])]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} {self.administered_on}"


class Reminder(models.Model):
    """What the daily reminder job found overdue for one counselor; shown until acknowledged."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("日期"))
    overdue_follow_ups = models.PositiveIntegerField(_("逾期跟进"))
    overdue_first_contacts = models.PositiveIntegerField(_("逾期首次联系"))
    urgent_cases = models.PositiveIntegerField(_("紧急个案"))
    acknowledged_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("跟进提醒")
        verbose_name_plural = _("跟进提醒")
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "counselor", "day"], name="care_reminder_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.overdue_follow_ups}"
