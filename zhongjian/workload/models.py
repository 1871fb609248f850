"""Workload models: issuing organs, demands from above and their receiving units, overtime, rules.

Every table that holds county data carries `county`; a demand sent to several units is one
`Demand` with one `DemandReceipt` per receiving unit (the fan-out). The receipt repeats the
demand's kind and issue date so that the county's monthly aggregates read one table.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhongjian.core.urls_fast import id_url
from zhongjian.workload.choices import DemandKind, DocumentCategory, OrganLevel, RuleKey


class Organ(models.Model):
    """An issuing organ (下达机关) above the units: 省委办公厅, 市应急管理局, 县委 …"""

    county = models.ForeignKey("org.County", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("机关名称"), max_length=100)
    level = models.CharField(_("机关层级"), max_length=16, choices=OrganLevel.choices)
    department = models.CharField(
        _("具体部门"), max_length=100, blank=True, help_text=_("如“办公室”“督查室”；没有则留空")
    )
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("下达机关")
        verbose_name_plural = _("下达机关")
        ordering = ["county_id", "level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="workload_organ_name")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_level_display()}）"


class Demand(models.Model):
    """A demand from above (上级任务与要求): one document, meeting, inspection, request …"""

    county = models.ForeignKey("org.County", on_delete=models.PROTECT, related_name="+")
    organ = models.ForeignKey(
        Organ, verbose_name=_("下达机关"), on_delete=models.PROTECT, related_name="demands"
    )
    title = models.CharField(_("事项名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=DemandKind.choices)
    issued_on = models.DateField(_("下达日期"))
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    document_no = models.CharField(_("文号"), max_length=64, blank=True)
    # 文件 document
    doc_category = models.CharField(
        _("文件类别"), max_length=16, choices=DocumentCategory.choices, blank=True
    )
    char_count = models.PositiveIntegerField(_("字数"), null=True, blank=True)
    # 会议 meeting
    meeting_hours = models.DecimalField(
        _("会议时长（小时）"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    accompany_required = models.BooleanField(_("要求陪会"), default=False)
    attendees = models.PositiveSmallIntegerField(_("参会人数"), null=True, blank=True)
    # 督查检查考核 inspection
    onsite = models.BooleanField(_("实地督查检查"), default=False)
    inspection_days = models.PositiveSmallIntegerField(_("督查天数"), null=True, blank=True)
    # 填表报数 data request
    table_count = models.PositiveSmallIntegerField(_("表格数"), null=True, blank=True)
    # 留痕: any demand may ask for traces; the 留痕 kind is a demand that is nothing else.
    trace_required = models.BooleanField(_("要求留痕"), default=False)
    trace_photos = models.BooleanField(_("拍照留痕"), default=False)
    trace_group_checkin = models.BooleanField(_("工作群打卡"), default=False)
    trace_ledger = models.BooleanField(_("台账资料"), default=False)
    note = models.CharField(_("备注"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("上级任务")
        verbose_name_plural = _("上级任务")
        ordering = ["-issued_on", "-id"]
        constraints = [
            # The identity of a demand: registering or importing it again finds the same row.
            models.UniqueConstraint(
                fields=["county", "organ", "issued_on", "title", "document_no"],
                name="workload_demand_identity",
            ),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gte=F("issued_on")),
                name="workload_demand_deadline_after_issue",
            ),
        ]
        indexes = [models.Index(fields=["county", "issued_on"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return id_url("workload:demand_detail", self.pk)

    @property
    def lead_days(self) -> int | None:
        """Calendar days from issue to deadline, None without a deadline."""
        return None if self.deadline is None else (self.deadline - self.issued_on).days

    @property
    def asks_for_traces(self) -> bool:
        return self.kind == DemandKind.TRACE or self.trace_required


class DemandReceipt(models.Model):
    """One receiving unit (承办单位) of a demand, and when that unit completed it."""

    county = models.ForeignKey("org.County", on_delete=models.PROTECT, related_name="+")
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="receipts")
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="+"
    )
    # Copies of the demand's values (lead_days: deadline − issue date), kept equal by the
    # services and the import, for one-table aggregates (the organ: the dashboard's top organs).
    organ = models.ForeignKey(
        Organ, verbose_name=_("下达机关"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=DemandKind.choices)
    issued_on = models.DateField(_("下达日期"))
    lead_days = models.PositiveIntegerField(_("时限天数"), null=True, blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "demand", "unit"], name="workload_receipt_once_per_unit"
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=F("issued_on")),
                name="workload_receipt_completed_after_issue",
            ),
        ]
        indexes = [
            models.Index(fields=["county", "issued_on"]),
            models.Index(fields=["county", "unit", "issued_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.demand} → {self.unit}"


class OvertimeWeek(models.Model):
    """A unit's overtime in one week, as aggregates only (never per person: 国办函〔2026〕12号)."""

    county = models.ForeignKey("org.County", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    week_start = models.DateField(_("周一日期"))
    overtime_headcount = models.PositiveSmallIntegerField(_("加班人数"))
    overtime_hours = models.DecimalField(_("加班总时长（小时）"), max_digits=7, decimal_places=1)
    weekend_days = models.PositiveSmallIntegerField(_("周末加班人天数"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("填报时间"), auto_now=True)

    class Meta:
        verbose_name = _("周加班情况")
        verbose_name_plural = _("周加班情况")
        ordering = ["-week_start", "unit_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "unit", "week_start"], name="workload_overtime_week"
            ),
            models.CheckConstraint(
                condition=Q(overtime_hours__gte=0), name="workload_overtime_hours_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.week_start}"


class WorkloadRule(models.Model):
    """A cap or threshold with the day it takes effect and its source.

    Rows without a county are the national rules seeded from the 2024 规定; a county's 组织部
    adds its own rows, which win over a national row of the same or an earlier date.
    """

    county = models.ForeignKey(
        "org.County", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    key = models.CharField(_("规则"), max_length=32, choices=RuleKey.choices)
    value = models.DecimalField(_("数值"), max_digits=10, decimal_places=2)
    effective_from = models.DateField(_("生效日期"))
    source = models.CharField(_("依据"), max_length=255)

    class Meta:
        verbose_name = _("减负规则")
        verbose_name_plural = _("减负规则")
        ordering = ["key", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "key", "effective_from"], name="workload_rule_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()} {self.value}（{self.effective_from} 起）"


class DataStamp(models.Model):
    """A token that changes whenever an input of a county's cached figures changes.

    Database triggers (migrations 0004–0006 and care/0002, SQL in `stamp_sql.py`) replace a
    county's token in every transaction that adds, removes or changes a row of a table those
    figures read (receipts, demands, organs, overtime, rules, units, cadres, appointments, posts,
    the pipeline's and care's tables, survey waves …), whoever writes (a page, an import, the
    admin, a shell, another process); county 0 is the national rules. The workload dashboard
    (`selectors.cached_workload_dashboard`) and the home page's overview
    (`insight.views.overview_data`) cache their figures under the tokens they read. Tokens are
    random, not counters, so that a restored backup or a rolled-back transaction never brings
    back a token that once stood for other figures.
    """

    # No database constraint: the national rules' stamp is county 0, and a county's rows may be
    # deleted with it while its stamp is written at commit. The column is the distribution key.
    county = models.ForeignKey(
        "org.County",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("减负数据版本")
        verbose_name_plural = _("减负数据版本")
        constraints = [
            models.UniqueConstraint(fields=["county"], name="workload_datastamp_once_per_county")
        ]

    def __str__(self) -> str:
        return f"{self.county_id}:{self.token}"
