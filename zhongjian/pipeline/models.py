"""Pipeline records: vacancies, selections and their candidates, declines, bench, departures."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhongjian.core.urls_fast import id_url
from zhongjian.org.choices import Tier
from zhongjian.org.models import Appointment, Cadre, County, Post, Unit
from zhongjian.pipeline.choices import (
    BenchReadiness,
    CandidateOutcome,
    DeclineReason,
    DepartureKind,
    DestinationLevel,
    DocumentKind,
    EligibilityKey,
    ObjectionStatus,
    SelectionStage,
)
from zhongjian.pipeline.workflow import FINAL_STAGES


class Vacancy(models.Model):
    """A vacancy episode (空缺): a mid-level post held by fewer cadres than its headcount.

    Derived from the post's appointments by `services.vacancies.vacancy_rederive`, never typed
    in. `seats` is the largest shortfall during the episode.
    """

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", editable=False)
    post = models.ForeignKey(
        Post, verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="vacancies"
    )
    opened_on = models.DateField(_("出缺时间"))
    closed_on = models.DateField(_("补齐时间"), null=True, blank=True)
    seats = models.PositiveSmallIntegerField(_("空缺职数"), default=1)

    class Meta:
        verbose_name = _("岗位空缺")
        verbose_name_plural = _("岗位空缺")
        ordering = ["opened_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="pipeline_vacancy_dates_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["county", "closed_on"]),
            models.Index(fields=["post", "opened_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.post} {self.opened_on}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def days_open(self, today: datetime.date) -> int:
        """Days from opening to filling, or to `today` while the episode is open."""
        return ((self.closed_on or today) - self.opened_on).days


class SelectionProcess(models.Model):
    """A selection (选任) for one seat of a post, from 动议 to 任职 or termination."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", editable=False)
    post = models.ForeignKey(
        Post, verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="selections"
    )
    # The episode the selection answers; a re-derivation that drops the episode keeps the process.
    vacancy = models.ForeignKey(
        Vacancy,
        verbose_name=_("空缺"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="processes",
    )
    stage = models.CharField(
        _("环节"), max_length=24, choices=SelectionStage.choices, default=SelectionStage.MOTION
    )
    started_on = models.DateField(_("动议时间"))
    reason = models.TextField(_("动议理由"), blank=True)
    recommendation_voters = models.PositiveIntegerField(
        _("参加民主推荐人数"), null=True, blank=True
    )
    notice_started_on = models.DateField(_("公示开始"), null=True, blank=True)
    notice_working_days = models.PositiveSmallIntegerField(_("公示工作日数"), default=5)
    finished_on = models.DateField(_("结束时间"), null=True, blank=True)
    termination_reason = models.TextField(_("终止原因"), blank=True)
    appointment = models.ForeignKey(
        Appointment,
        verbose_name=_("任职记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    probation_review_on = models.DateField(_("试用期满考核日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("选任流程")
        verbose_name_plural = _("选任流程")
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["county", "stage"])]

    def __str__(self) -> str:
        return f"{self.post} {self.started_on}"

    def get_absolute_url(self) -> str:
        return id_url("pipeline:process_detail", self.pk)

    @property
    def is_final(self) -> bool:
        return self.stage in FINAL_STAGES


class StageChange(models.Model):
    """One move of a selection process, for its timeline."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    process = models.ForeignKey(
        SelectionProcess, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(
        _("原环节"), max_length=24, choices=SelectionStage.choices, blank=True
    )
    to_stage = models.CharField(_("新环节"), max_length=24, choices=SelectionStage.choices)
    changed_on = models.DateField(_("日期"))
    note = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("环节变更")
        verbose_name_plural = _("环节变更")
        ordering = ["changed_on", "id"]

    def __str__(self) -> str:
        return f"{self.process_id}: {self.from_stage} → {self.to_stage}"


class Candidate(models.Model):
    """A cadre considered in a selection; `added_on` is the day the organization approached them.

    Every candidate counts as an offer in the refusal rate; those who turn it down carry a
    `Decline`.
    """

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    process = models.ForeignKey(
        SelectionProcess, on_delete=models.CASCADE, related_name="candidates"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="candidacies"
    )
    added_on = models.DateField(_("列入人选时间"))
    votes = models.PositiveIntegerField(_("民主推荐得票"), null=True, blank=True)
    is_vetting_target = models.BooleanField(_("确定为考察对象"), default=False)
    vetting_score = models.DecimalField(
        _("考察得分"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    vetting_rank = models.PositiveSmallIntegerField(_("考察排名"), null=True, blank=True)
    vetting_notes = models.TextField(_("考察意见"), blank=True)
    vetted_on = models.DateField(_("考察完成时间"), null=True, blank=True)
    is_chosen = models.BooleanField(_("讨论决定拟任"), default=False)
    outcome = models.CharField(
        _("结果"), max_length=16, choices=CandidateOutcome.choices, default=CandidateOutcome.PENDING
    )
    outcome_on = models.DateField(_("结果日期"), null=True, blank=True)
    outcome_note = models.TextField(_("结果说明"), blank=True)

    class Meta:
        verbose_name = _("人选")
        verbose_name_plural = _("人选")
        ordering = ["process_id", "vetting_rank", "-votes", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "process", "cadre"], name="pipeline_candidate_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre} ({self.process_id})"

    @property
    def is_pending(self) -> bool:
        return self.outcome == CandidateOutcome.PENDING


class Decline(models.Model):
    """A promotion turned down (拒绝提拔), with its reason: counted, trended, never deleted."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", editable=False)
    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="decline")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="declines")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="+")
    declined_on = models.DateField(_("不接受时间"))
    stage = models.CharField(_("所在环节"), max_length=24, choices=SelectionStage.choices)
    reason = models.CharField(_("主要原因"), max_length=32, choices=DeclineReason.choices)
    note = models.TextField(_("具体情况"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("不接受提拔")
        verbose_name_plural = _("不接受提拔")
        ordering = ["-declined_on", "-id"]
        # The one-to-one's own unique index gives way to this one when distributed by county.
        constraints = [
            models.UniqueConstraint(fields=["county", "candidate"], name="pipeline_decline_once")
        ]
        indexes = [models.Index(fields=["county", "declined_on"])]

    def __str__(self) -> str:
        return f"{self.cadre} {self.declined_on} {self.get_reason_display()}"


class Objection(models.Model):
    """A problem reported during the public notice (公示期间反映问题) and its verification."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    process = models.ForeignKey(
        SelectionProcess, on_delete=models.CASCADE, related_name="objections"
    )
    candidate = models.ForeignKey(
        Candidate, null=True, blank=True, on_delete=models.SET_NULL, related_name="objections"
    )
    received_on = models.DateField(_("收到时间"))
    summary = models.TextField(_("反映的问题"))
    status = models.CharField(
        _("核查结果"), max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    resolved_on = models.DateField(_("核查完成时间"), null=True, blank=True)
    resolution = models.TextField(_("核查情况"), blank=True)

    class Meta:
        verbose_name = _("公示反映问题")
        verbose_name_plural = _("公示反映问题")
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"{self.process_id} {self.received_on}"


class BenchEntry(models.Model):
    """A cadre on the succession bench (后备) of a mid-level post, while `removed_on` is empty."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", editable=False)
    post = models.ForeignKey(
        Post, verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="bench"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="bench_entries"
    )
    readiness = models.CharField(_("成熟度"), max_length=16, choices=BenchReadiness.choices)
    added_on = models.DateField(_("列入时间"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    removed_on = models.DateField(_("移出时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后备人选")
        verbose_name_plural = _("后备人选")
        ordering = ["post_id", "readiness", "added_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "post", "cadre"],
                condition=Q(removed_on__isnull=True),
                name="pipeline_bench_once_per_post",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre} → {self.post}"


class Departure(models.Model):
    """A cadre leaving their unit (离岗); a secondment (借调) has a planned return."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, verbose_name=_("原单位"), on_delete=models.PROTECT, related_name="+"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="departures"
    )
    kind = models.CharField(_("离岗方式"), max_length=24, choices=DepartureKind.choices)
    destination_level = models.CharField(
        _("去向层级"), max_length=16, choices=DestinationLevel.choices
    )
    destination = models.CharField(_("去向单位"), max_length=100, blank=True)
    departed_on = models.DateField(_("离岗时间"))
    planned_return_on = models.DateField(_("计划返回时间"), null=True, blank=True)
    returned_on = models.DateField(_("实际返回时间"), null=True, blank=True)
    # A secondment that ended in a departure for good (借调 turned into 遴选 or 调任).
    followed_by = models.OneToOneField(
        "self",
        verbose_name=_("后续离岗"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follows",
    )
    # What the cadre held on leaving, kept so that the figures do not change when history is
    # corrected later: the highest tier and whether that post was a leadership post (实职).
    tier = models.CharField(_("离岗时层级"), max_length=16, choices=Tier.choices)
    held_leadership = models.BooleanField(_("离岗时担任领导职务"), default=False)
    note = models.TextField(_("情况说明"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("离岗")
        verbose_name_plural = _("离岗")
        ordering = ["-departed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=DepartureKind.SECONDMENT) | Q(planned_return_on__isnull=False),
                name="pipeline_secondment_has_return",
            ),
            models.UniqueConstraint(
                fields=["county", "followed_by"], name="pipeline_departure_followed_once"
            ),
        ]
        indexes = [models.Index(fields=["county", "departed_on"])]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_kind_display()} {self.departed_on}"

    def get_absolute_url(self) -> str:
        return id_url("pipeline:departure_detail", self.pk)

    @property
    def is_away(self) -> bool:
        """A secondment that has neither returned nor turned into a departure for good."""
        return (
            self.kind == DepartureKind.SECONDMENT
            and self.returned_on is None
            and self.followed_by_id is None
        )

    def is_overdue(self, today: datetime.date) -> bool:
        """A secondment still away after its planned return date (逾期未归)."""
        return (
            self.is_away and self.planned_return_on is not None and self.planned_return_on < today
        )


class ExitInterview(models.Model):
    """The structured exit interview (离岗谈话) the organization department holds with a leaver."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    departure = models.OneToOneField(
        Departure, on_delete=models.CASCADE, related_name="exit_interview"
    )
    interviewed_on = models.DateField(_("谈话时间"))
    # ExitReason values; several may apply.
    reasons = models.JSONField(_("离岗原因"), default=list)
    details = models.TextField(_("本人陈述"), blank=True)
    would_return_if = models.TextField(_("什么条件下愿意回来"), blank=True)
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("离岗谈话")
        verbose_name_plural = _("离岗谈话")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "departure"], name="pipeline_exit_interview_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.departure} {self.interviewed_on}"


class DocumentTemplate(models.Model):
    """A version of a document template uploaded by the organization department; the newest
    version of a kind is used, the shipped default until there is one."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("文书类型"), max_length=32, choices=DocumentKind.choices)
    version = models.PositiveIntegerField(_("版本"))
    content = models.BinaryField(_("文件内容"))
    filename = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "kind", "version"], name="pipeline_template_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class EligibilityRule(models.Model):
    """A threshold of the eligibility hints, with the date it takes effect and its source."""

    # Empty: the national rule (全国), read-only for county users; set: that county's override.
    county = models.ForeignKey(
        "org.County",
        verbose_name=_("适用县"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("留空为全国规则；填写则只对该县生效，并覆盖同类的全国规则。"),
    )
    key = models.CharField(_("规则"), max_length=40, choices=EligibilityKey.choices)
    value = models.PositiveSmallIntegerField(_("数值"))
    effective_from = models.DateField(_("生效日期"))
    legal_basis = models.CharField(_("依据"), max_length=200)

    class Meta:
        verbose_name = _("任职资格提示规则")
        verbose_name_plural = _("任职资格提示规则")
        ordering = ["key", "-effective_from"]

    def __str__(self) -> str:
        return f"{self.get_key_display()} = {self.value}"
