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
