"""The eligibility thresholds, editable by the organization department; pipeline records are
written through the pipeline pages only, so that every rule and audit row applies."""

from django.contrib import admin

from zhongjian.core.admin import CountyRuleAdmin
from zhongjian.core.models import AuditObject
from zhongjian.pipeline.models import EligibilityRule


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(CountyRuleAdmin):
    audit_object_type = AuditObject.ELIGIBILITY_RULE
    list_display = ("key", "value", "effective_from", "legal_basis")
    list_filter = ("key",)
