"""The eligibility thresholds, editable by the organization department; pipeline records are
written through the pipeline pages only, so that every rule and audit row applies."""

from django.contrib import admin

from zhongjian.accounts.roles import Role
from zhongjian.core.admin import RoleAdmin
from zhongjian.pipeline.models import EligibilityRule


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(RoleAdmin):
    roles = (Role.ORG_DEPARTMENT,)
    county_field = None
    audit_object_type = "eligibility_rule"
    list_display = ("key", "value", "effective_from", "legal_basis")
    list_filter = ("key",)
