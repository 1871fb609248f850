"""Registry administration for the organization department (组织部), scoped to its county."""

from django.contrib import admin

from zhongjian.accounts.roles import Role
from zhongjian.core.admin import RoleAdmin
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


@admin.register(Unit)
class UnitAdmin(OrgDepartmentAdmin):
    list_display = ("code", "name", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(Post)
class PostAdmin(OrgDepartmentAdmin):
    list_display = ("title", "unit", "tier", "is_leadership", "required_establishment", "headcount")
    list_filter = ("tier", "is_leadership", "required_establishment", "unit__kind")
    search_fields = ("title", "unit__name")
    raw_id_fields = ("unit",)


@admin.register(Cadre)
class CadreAdmin(OrgDepartmentAdmin):
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
class AppointmentAdmin(OrgDepartmentAdmin):
    list_display = ("cadre", "post", "start_date", "end_date", "end_reason")
    list_filter = ("end_reason",)
    search_fields = ("cadre__name", "post__title")
    raw_id_fields = ("cadre", "post")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj.unit_id = obj.post.unit_id
        super().save_model(request, obj, form, change)


@admin.register(RankGrant)
class RankGrantAdmin(OrgDepartmentAdmin):
    list_display = ("cadre", "rank", "granted_on")
    raw_id_fields = ("cadre",)


@admin.register(RetirementRule)
class RetirementRuleAdmin(OrgDepartmentAdmin):
    county_field = None
    exclude = ()
    list_display = (
        "track",
        "base_age_months",
        "first_birth_month",
        "max_delay_months",
        "effective_from",
    )


@admin.register(RankStepRule)
class RankStepRuleAdmin(OrgDepartmentAdmin):
    county_field = None
    exclude = ()
    list_display = ("from_rank", "to_rank", "min_years", "effective_from")
