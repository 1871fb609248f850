"""Registry pages of the Django admin for the 组织部 (organization department), by county.

One write path (issue #13): units, posts, cadres, appointments and rank grants are shown read-only
here; they are written through the app's pages and services, where every rule and audit row
applies. The rules tables stay editable here (per county, see `zhongjian/core/admin.py`).
"""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from zhongjian.accounts.roles import Role
from zhongjian.core.admin import CountyRuleAdmin, RoleAdmin
from zhongjian.core.models import AuditObject
from zhongjian.org.models import (
    Appointment,
    Cadre,
    Post,
    RankGrant,
    RankStepRule,
    RetirementRule,
    Unit,
)


class OrgDepartmentAdmin(RoleAdmin):
    roles = (Role.ORG_DEPARTMENT,)
    exclude = ("county",)


class RegistryAdmin(OrgDepartmentAdmin):
    """A registry model: view only, whatever the role; opening a row is an audited read."""

    audit_reads = True

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(RegistryAdmin):
    audit_object_type = AuditObject.UNIT
    list_display = ("code", "name", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(Post)
class PostAdmin(RegistryAdmin):
    audit_object_type = AuditObject.POST
    list_display = ("title", "unit", "tier", "is_leadership", "required_establishment", "headcount")
    list_filter = ("tier", "is_leadership", "required_establishment", "unit__kind")
    search_fields = ("title", "unit__name")
    raw_id_fields = ("unit",)


@admin.register(Cadre)
class CadreAdmin(RegistryAdmin):
    audit_object_type = AuditObject.CADRE
    list_display = (
        "staff_no",
        "name",
        "gender",
        "birth_date",
        "unit",
        "establishment",
        "rank",
        "status",
    )
    list_filter = ("status", "establishment", "gender", "unit__kind")
    search_fields = ("staff_no", "name")
    raw_id_fields = ("unit",)
    readonly_fields = ("id_number_masked",)


@admin.register(Appointment)
class AppointmentAdmin(RegistryAdmin):
    audit_object_type = AuditObject.APPOINTMENT
    list_display = ("cadre", "post", "start_date", "end_date", "end_reason")
    list_filter = ("end_reason",)
    search_fields = ("cadre__name", "post__title")
    raw_id_fields = ("cadre", "post")


@admin.register(RankGrant)
class RankGrantAdmin(RegistryAdmin):
    audit_object_type = AuditObject.RANK_GRANT
    list_display = ("cadre", "rank", "granted_on")
    raw_id_fields = ("cadre",)


@admin.register(RetirementRule)
class RetirementRuleAdmin(CountyRuleAdmin):
    audit_object_type = AuditObject.RETIREMENT_RULE
    list_display = (
        "track",
        "base_age_months",
        "first_birth_month",
        "max_delay_months",
        "effective_from",
    )


@admin.register(RankStepRule)
class RankStepRuleAdmin(CountyRuleAdmin):
    audit_object_type = AuditObject.RANK_STEP_RULE
    list_display = ("from_rank", "to_rank", "min_years", "effective_from")
