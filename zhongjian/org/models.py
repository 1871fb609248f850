"""Registry models. Every table carries a county key so that a province can be partitioned."""

import datetime

from django.db import models
from django.db.models import Model, Q
from django.utils.translation import gettext_lazy as _

from zhongjian.core.urls_fast import id_url
from zhongjian.org.choices import (
    MID_LEVEL_TIERS,
    CadreStatus,
    Education,
    EndReason,
    Establishment,
    Gender,
    PartyStatus,
    Rank,
    ReviewRating,
    Tier,
    UnitKind,
)


class County(models.Model):
    """A county-level unit (县/区/县级市) whose organization department uses Zhongjian."""

    code = models.CharField(_("行政区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    # 健康状况 and family members on imported 任免审批表 are sensitive personal information (PIPL
    # 第28条): kept only where the county decides it needs them, encrypted, every read audited.
    keeps_sensitive_form_data = models.BooleanField(
        _("保存任免审批表中的健康状况和家庭成员"), default=False
    )

    class Meta:
        verbose_name = _("县（市、区）")
        verbose_name_plural = _("县（市、区）")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="units")
    code = models.CharField(_("单位代码"), max_length=32)
    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("单位类型"), max_length=32, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["county_id", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["county", "code"], name="org_unit_code_per_county")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return id_url("org:unit_detail", self.pk)


class Post(models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="posts"
    )
    title = models.CharField(_("岗位名称"), max_length=100)
    tier = models.CharField(_("层级"), max_length=16, choices=Tier.choices)
    is_leadership = models.BooleanField(_("领导职务"), default=False)
    required_establishment = models.CharField(
        _("编制要求"), max_length=32, choices=Establishment.choices
    )
    headcount = models.PositiveSmallIntegerField(_("职数"), default=1)
    # 兼任: a holder of this leadership post may hold another current leadership post at once
    # (a township party secretary who also chairs the people's congress presidium, …).
    allows_concurrent = models.BooleanField(
        _("可兼任"), default=False, help_text=_("在任者可同时担任其他领导职务。")
    )
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["unit_id", "tier", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "unit", "title"], name="org_post_title_per_unit"
            ),
            models.CheckConstraint(
                condition=Q(headcount__gte=1), name="org_post_headcount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.title}"

    def get_absolute_url(self) -> str:
        return id_url("org:post_detail", self.pk)

    @property
    def is_mid_level(self) -> bool:
        return self.tier in MID_LEVEL_TIERS


class Cadre(models.Model):
    """A cadre (干部) on the county's roster."""

    # No index of its own: the indexes below all lead with the county.
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", db_index=False)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="cadres"
    )
    staff_no = models.CharField(_("人员编号"), max_length=32)
    name = models.CharField(_("姓名"), max_length=32)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=16, default="汉族")
    education = models.CharField(_("学历"), max_length=32, choices=Education.choices)
    party_status = models.CharField(_("政治面貌"), max_length=16, choices=PartyStatus.choices)
    party_join_date = models.DateField(_("入党时间"), null=True, blank=True)
    establishment = models.CharField(_("编制类型"), max_length=32, choices=Establishment.choices)
    work_start_date = models.DateField(_("参加工作时间"))
    grassroots_start_date = models.DateField(_("到基层工作时间"), null=True, blank=True)
    rank = models.CharField(_("职级"), max_length=32, choices=Rank.choices, blank=True)
    is_worker = models.BooleanField(
        _("工勤人员"), default=False, help_text=_("影响女职工的法定退休年龄。")
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=CadreStatus.choices, default=CadreStatus.ACTIVE
    )
    # 身份证号: encrypted at rest, matched through a keyed hash, shown masked.
    id_number_cipher = models.TextField(_("身份证号（加密）"), blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=18, blank=True, editable=False)

    class Meta:
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        ordering = ["unit_id", "staff_no"]
        constraints = [
            models.UniqueConstraint(fields=["county", "staff_no"], name="org_cadre_staff_no"),
            models.UniqueConstraint(
                fields=["county", "id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="org_cadre_id_number",
            ),
        ]
        indexes = [
            models.Index(fields=["county", "status", "birth_date"]),
            # Active cadres with every column the overview counts (insight.selectors): a county's
            # or the province's rows read from the index alone (PostgreSQL INCLUDE; SQLite
            # keeps the key columns).
            models.Index(
                fields=["county", "unit"],
                include=["id", "establishment", "birth_date", "gender", "is_worker"],
                condition=Q(status="active"),
                name="org_cadre_active_overview",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return id_url("org:cadre_detail", self.pk)

    def age_on(self, day: datetime.date) -> int:
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


class Appointment(models.Model):
    """An appointment (任职) of a cadre to a post, open while `end_date` is empty."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="appointments"
    )
    post = models.ForeignKey(
        Post, verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="appointments"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", editable=False)
    start_date = models.DateField(_("任职时间"))
    end_date = models.DateField(_("免职时间"), null=True, blank=True)
    end_reason = models.CharField(
        _("免职原因"), max_length=16, choices=EndReason.choices, blank=True
    )
    document_no = models.CharField(_("任免文号"), max_length=64, blank=True)
    end_document_no = models.CharField(_("免职文号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="org_appointment_dates_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["post", "end_date"]),
            models.Index(fields=["cadre", "end_date"]),
            models.Index(fields=["county", "end_date"]),
            # Current appointments only (insight's overview and indicators): a county's holders
            # per post and per cadre without touching the history rows.
            models.Index(
                fields=["county", "post", "cadre"],
                condition=Q(end_date__isnull=True),
                name="org_appointment_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} → {self.post}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None


class RankGrant(models.Model):
    """A grant of a rank (职级晋升) on a date."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="rank_grants"
    )
    rank = models.CharField(_("职级"), max_length=32, choices=Rank.choices)
    granted_on = models.DateField(_("晋升时间"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("职级晋升")
        verbose_name_plural = _("职级晋升")
        ordering = ["-granted_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "cadre", "rank"], name="org_rankgrant_once_per_rank"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_rank_display()} {self.granted_on}"


class AnnualReview(models.Model):
    """A year's 年度考核 result of a cadre; each 优秀 shortens a rank step by six months."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="annual_reviews"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    rating = models.CharField(_("考核等次"), max_length=24, choices=ReviewRating.choices)

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        ordering = ["cadre_id", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "cadre", "year"], name="org_annualreview_once_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.year} {self.get_rating_display()}"


class CadreProfile(models.Model):
    """What a 干部任免审批表 holds beyond the roster: 籍贯, schools, 简历 as written, photo …

    Filled from imported .lrmx/.lrm files and written back into exported ones. 健康状况 and the
    family members are kept only when the county allows it, encrypted in `sensitive_cipher`.
    """

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    cadre = models.OneToOneField(Cadre, on_delete=models.CASCADE, related_name="profile")
    native_place = models.CharField(_("籍贯"), max_length=64, blank=True)
    birthplace = models.CharField(_("出生地"), max_length=64, blank=True)
    party_join_text = models.CharField(_("入党时间"), max_length=64, blank=True)
    professional_title = models.CharField(_("专业技术职务"), max_length=100, blank=True)
    specialty = models.CharField(_("熟悉专业有何专长"), max_length=200, blank=True)
    # 全日制教育 and 在职教育: [学历, 学位, 院校系及专业（学历）, 院校系及专业（学位）].
    full_time_education = models.JSONField(_("全日制教育"), default=list, blank=True)
    in_service_education = models.JSONField(_("在职教育"), default=list, blank=True)
    resume_text = models.TextField(_("简历"), blank=True)
    rewards = models.TextField(_("奖惩情况"), blank=True)
    reviews_text = models.TextField(_("年度考核结果"), blank=True)
    photo = models.BinaryField(_("照片"), blank=True, editable=False)
    sensitive_cipher = models.TextField(blank=True, editable=False)
    # Elements of the source file that Zhongjian does not interpret, written back on export.
    extra_elements = models.JSONField(default=list, blank=True, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("任免审批表信息")
        verbose_name_plural = _("任免审批表信息")
        constraints = [
            models.UniqueConstraint(fields=["county", "cadre"], name="org_cadreprofile_per_cadre")
        ]

    def __str__(self) -> str:
        return str(self.cadre)


class CorrectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    CLOSED = "closed", _("已处理")


class CorrectionRequest(models.Model):
    """A unit head's request (申请更正) that the organization department correct a record.

    Unit heads correct nothing themselves: the registry has one write path, the organization
    department's, and this is how a unit reports what is wrong.
    """

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(
        Cadre,
        verbose_name=_("干部"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction_requests",
    )
    post = models.ForeignKey(
        Post,
        verbose_name=_("岗位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction_requests",
    )
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    field = models.CharField(_("需更正的项目"), max_length=64)
    text = models.TextField(_("更正内容"), max_length=1000)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=CorrectionStatus.choices,
        default=CorrectionStatus.OPEN,
    )
    closed_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("处理人"),
    )
    closed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolution = models.CharField(_("处理说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("更正申请")
        verbose_name_plural = _("更正申请")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["county", "status"])]

    def __str__(self) -> str:
        return f"{self.field}（{self.get_status_display()}）"

    @property
    def subject(self) -> Model | None:
        return self.cadre or self.post


class RetirementTrack(models.TextChoices):
    MALE = "male", _("男职工")
    FEMALE_CADRE = "female_cadre", _("女干部")
    FEMALE_WORKER = "female_worker", _("女职工（工人）")


class RetirementRule(models.Model):
    """A statutory retirement age rule with the phased raise of the 2025 reform.

    全国人大常委会《关于实施渐进式延迟法定退休年龄的决定》(2024-09-13), 附件1《国务院关于渐进式
    延迟法定退休年龄的办法》: from 2025-01-01, men 60 → 63 and female cadres 55 → 58 by one month
    per four birth-months, female workers 50 → 55 by one month per two birth-months.
    """

    # Empty: the national rule (全国), read-only for county users; set: that county's override.
    county = models.ForeignKey(
        County,
        verbose_name=_("适用县"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("留空为全国规则；填写则只对该县生效，并覆盖同类的全国规则。"),
    )
    track = models.CharField(_("类别"), max_length=16, choices=RetirementTrack.choices)
    base_age_months = models.PositiveSmallIntegerField(_("原退休年龄（月）"))
    first_birth_month = models.DateField(
        _("首个延迟的出生月"), help_text=_("从该月出生的人开始延迟，取该月1日。")
    )
    birth_months_per_step = models.PositiveSmallIntegerField(_("每延迟1个月对应的出生月数"))
    max_delay_months = models.PositiveSmallIntegerField(_("最多延迟（月）"))
    effective_from = models.DateField(_("生效日期"))
    legal_basis = models.CharField(_("依据"), max_length=200)

    class Meta:
        verbose_name = _("退休年龄规则")
        verbose_name_plural = _("退休年龄规则")
        ordering = ["track", "-effective_from"]

    def __str__(self) -> str:
        return f"{self.get_track_display()} {self.effective_from}"


class RankStepRule(models.Model):
    """Minimum years in a rank before the next (《公务员职务与职级并行规定》2019 第十八条)."""

    # Empty: the national rule (全国), read-only for county users; set: that county's override.
    county = models.ForeignKey(
        County,
        verbose_name=_("适用县"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("留空为全国规则；填写则只对该县生效，并覆盖同类的全国规则。"),
    )
    from_rank = models.CharField(_("现职级"), max_length=32, choices=Rank.choices)
    to_rank = models.CharField(_("晋升职级"), max_length=32, choices=Rank.choices)
    min_years = models.PositiveSmallIntegerField(_("最低任职年限"))
    excellent_rating_credit_months = models.PositiveSmallIntegerField(
        _("每个优秀等次缩短（月）"), default=6
    )
    effective_from = models.DateField(_("生效日期"))
    legal_basis = models.CharField(_("依据"), max_length=200)

    class Meta:
        verbose_name = _("职级晋升年限规则")
        verbose_name_plural = _("职级晋升年限规则")
        ordering = ["from_rank", "-effective_from"]

    def __str__(self) -> str:
        return f"{self.get_from_rank_display()} → {self.get_to_rank_display()}"
