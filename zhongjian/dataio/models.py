"""Import jobs (导入任务): an uploaded file, its check and its import, run in the background."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongjian.core.crypto import decrypt_bytes, encrypt_bytes
from zhongjian.dataio.columns import ImportKind

IMPORT_FILE_PURPOSE = "import-file"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    CHECKING = "checking", _("检查中")
    READY = "ready", _("待确认")
    INVALID = "invalid", _("有错误")
    IMPORTING = "importing", _("导入中")
    DONE = "done", _("已导入")
    FAILED = "failed", _("失败")
    CANCELLED = "cancelled", _("已取消")


# States a job never leaves; its file is deleted when it reaches one.
FINAL_STATUSES = (
    ImportStatus.INVALID,
    ImportStatus.DONE,
    ImportStatus.FAILED,
    ImportStatus.CANCELLED,
)
RUNNING_STATUSES = (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.IMPORTING)


class ImportJob(models.Model):
    """One uploaded file: checked first, then imported (at once, or after the clerk confirms).

    The file is kept in the database, so that any worker of a multi-host deployment can read it,
    Fernet-encrypted (it holds ID numbers; `ImportJob.file_bytes`), and deleted as soon as the job
    is over, or when its worker died (`dataio.services.import_jobs_recover`).
    """

    county = models.ForeignKey("org.County", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    kind = models.CharField(_("数据类型"), max_length=16, choices=ImportKind.choices)
    filename = models.CharField(_("文件名"), max_length=255)
    sheet = models.CharField(_("工作表"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    # The uploaded file, encrypted (core.crypto.encrypt_bytes, purpose IMPORT_FILE_PURPOSE).
    data = models.BinaryField(_("文件内容（加密）"), blank=True, editable=False)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    # Import as soon as the check passes (CLI and API); the web page asks the clerk first.
    commit = models.BooleanField(_("检查通过后直接导入"), default=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    file_format = models.CharField(_("文件格式"), max_length=8, blank=True)
    encoding = models.CharField(_("编码"), max_length=16, blank=True)
    rows = models.PositiveIntegerField(_("数据行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变"), default=0)
    error_count = models.PositiveIntegerField(_("问题数"), default=0)
    # [{"row": 5, "column": "出生日期", "message": "…", "text": "第 5 行「出生日期」：…"}, …]
    errors = models.JSONField(_("问题"), default=list, blank=True)
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    changes = models.JSONField(_("变更预览"), default=list, blank=True)
    message = models.CharField(_("说明"), max_length=255, blank=True)
    # The submitter's address, for the audit rows the job writes later in a worker.
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["county", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("dataio:job_detail", args=[self.pk])

    def set_file(self, content: bytes) -> None:
        self.data = encrypt_bytes(content, purpose=IMPORT_FILE_PURPOSE)

    def file_bytes(self) -> bytes:
        return decrypt_bytes(bytes(self.data), purpose=IMPORT_FILE_PURPOSE)

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class FormBatchStatus(models.TextChoices):
    PREVIEW = "preview", _("待确认")
    DONE = "done", _("已导入")
    CANCELLED = "cancelled", _("已取消")


class FormBatch(models.Model):
    """A batch of 干部任免审批表 files (.lrmx/.lrm) between upload and the clerk's confirmation.

    The parsed records and the clerk's choices are kept encrypted (they hold ID numbers and
    résumés) and deleted when the batch is imported, cancelled or left for a day.
    """

    county = models.ForeignKey("org.County", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=FormBatchStatus.choices,
        default=FormBatchStatus.PREVIEW,
    )
    file_count = models.PositiveIntegerField(_("文件数"), default=0)
    person_count = models.PositiveIntegerField(_("人数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    appointment_count = models.PositiveIntegerField(_("新建任职记录"), default=0)
    payload_cipher = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("任免审批表导入")
        verbose_name_plural = _("任免审批表导入")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["county", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.file_count} 个任免审批表文件"

    def get_absolute_url(self) -> str:
        return reverse("dataio:form_batch", args=[self.pk])
