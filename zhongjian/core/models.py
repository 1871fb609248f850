"""The append-only audit log (审计日志) and the holiday table behind working-day counts."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhongjian.core.workdays import DayKind


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    READ = "read", _("查阅敏感信息")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")


class AuditObject(models.TextChoices):
    """The fixed vocabulary of audited object types (对象类型), with Chinese labels."""

    USER = "user", _("用户")
    ROLE_GRANT = "role_grant", _("授权申请")
    API_TOKEN = "api_token", _("API 令牌")
    UNIT = "unit", _("单位")
    POST = "post", _("岗位")
    CADRE = "cadre", _("干部")
    APPOINTMENT = "appointment", _("任职")
    RANK_GRANT = "rank_grant", _("职级")
    RETIREMENT_RULE = "retirement_rule", _("退休年龄规则")
    RANK_STEP_RULE = "rank_step_rule", _("职级晋升年限规则")
    ELIGIBILITY_RULE = "eligibility_rule", _("任职资格提示规则")
    HOLIDAY = "holiday", _("节假日安排")
    IMPORT_JOB = "import_job", _("导入任务")
    EXPORT = "export", _("导出文件")
    AUDIT_LOG = "audit_log", _("审计日志")
    VACANCY = "vacancy", _("空缺岗位")
    SELECTION_PROCESS = "selectionprocess", _("选任流程")
    STAGE_CHANGE = "stagechange", _("流程环节")
    CANDIDATE = "candidate", _("考察对象")
    DECLINE = "decline", _("不接受提拔")
    OBJECTION = "objection", _("公示异议")
    BENCH_ENTRY = "bench_entry", _("后备干部")
    DEPARTURE = "departure", _("离岗")
    EXIT_INTERVIEW = "exitinterview", _("离岗谈话")
    DOCUMENT_TEMPLATE = "document_template", _("文书模板")
    VOICE_WAVE = "voice_wave", _("测评")
    VOICE_INSTRUMENT = "voice_instrument", _("测评量表")
    VOICE_BOARD_POST = "voice_board_post", _("心声帖子")
    VOICE_BOARD_COMMENT = "voice_board_comment", _("心声评论")
    VOICE_BOARD_REPLY = "voice_board_reply", _("心声回复")


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise TypeError("The audit log is append-only.")

    def delete(self):  # type: ignore[no-untyped-def]
        raise TypeError("The audit log is append-only.")


class AuditLog(models.Model):
    """One row per change of personal data or read of sensitive data.

    Rows are never updated or deleted by the application; on PostgreSQL database triggers refuse
    UPDATE and DELETE as well, and on SQLite UPDATE (migration 0002).
    """

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    # No foreign key: a user row may go, its audit rows must stay as they were written.
    actor_id = models.BigIntegerField(_("操作人ID"), null=True, blank=True)
    actor_username = models.CharField(_("操作人"), max_length=150, blank=True)
    actor_role = models.CharField(_("角色"), max_length=32, blank=True)
    action = models.CharField(_("操作"), max_length=16, choices=AuditAction.choices)
    object_type = models.CharField(
        _("对象类型"), max_length=64, blank=True, choices=AuditObject.choices
    )
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True)
    county_id = models.BigIntegerField(_("县"), null=True, blank=True)
    unit_id = models.BigIntegerField(_("单位ID"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    summary = models.CharField(_("摘要"), max_length=255, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        default_permissions = ("view",)
        # What the reads ask: a county's rows newest first (the auditor's page), and one
        # object's history (a cadre's record, the auditor's object filter). Every index is
        # paid on every audited write, an import's thousands of rows included: no index on
        # the actor, the action or the object type alone, which no read filters by alone.
        indexes = [
            models.Index(fields=["county_id", "at"], name="core_audit_county_at"),
            models.Index(fields=["object_type", "object_id"], name="core_audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None and not self._state.adding:
            raise TypeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise TypeError("The audit log is append-only.")


class Holiday(models.Model):
    """One day of a State Council holiday notice (放假通知): a day off or a 调休 working day.

    The table is national, seeded from the chinesecalendar package for the years it knows, and
    extended by the organization department when a new notice is published. A year counts as
    entered as soon as it has one row.
    """

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
    day = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("节日"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["day"],
                condition=models.Q(county__isnull=True),
                name="core_holiday_national",
            ),
            models.UniqueConstraint(
                fields=["county", "day"],
                condition=models.Q(county__isnull=False),
                name="core_holiday_per_county",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()} {self.name}"
