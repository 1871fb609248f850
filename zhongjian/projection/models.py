"""Saved projection scenarios (预测方案): a name and the policy levers, per county."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongjian.org.models import County


class Scenario(models.Model):
    """A named set of policy levers the organization department keeps to compare.

    Only the levers are stored: a saved scenario is projected again from the county's current
    data each time it is opened, so that comparisons always rest on the same baseline.
    """

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("方案名称"), max_length=60)
    levers = models.JSONField(_("政策杠杆"), default=dict)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("预测方案")
        verbose_name_plural = _("预测方案")
        ordering = ["county_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="projection_scenario_name")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projection:scenario_detail", args=[self.pk])
