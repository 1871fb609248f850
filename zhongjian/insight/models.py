"""Alert thresholds (预警阈值) the organization department sets on indicators."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhongjian.org.models import County


class Threshold(models.Model):
    """An alert fires when the indicator's value in any unit or unit type of the county moves
    past `value` in the bad direction (above for lower-is-better, below for higher-is-better)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("指标"), max_length=64)
    value = models.DecimalField(_("阈值"), max_digits=10, decimal_places=2)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("预警阈值")
        verbose_name_plural = _("预警阈值")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["county", "code"], name="insight_threshold_per_county")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.value}"


class RiskReport(models.Model):
    """The county's latest fitted group-risk model (群体离岗风险), computed in the background.

    Fitting takes seconds to a minute, so no page waits for it: the page shows the stored report
    and asks the job queue for a new one when the registry has changed since (`digest`) or the
    day has turned. `data` holds the report as JSON (groups of at least k only, never a person);
    null means the history was too short to fit a model.
    """

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("计算基准日"))
    digest = models.CharField(max_length=16)
    data = models.JSONField(null=True)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("群体离岗风险模型")
        verbose_name_plural = _("群体离岗风险模型")
        constraints = [
            models.UniqueConstraint(fields=["county"], name="insight_riskreport_per_county")
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.day}"
