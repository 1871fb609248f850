"""Admin helpers: role-gated model admins whose every write leaves an audit row."""

from typing import Any

from django.contrib import admin
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhongjian.accounts.roles import Role
from zhongjian.core.audit import audit_read, audit_record
from zhongjian.core.models import AuditAction, AuditObject, Holiday


class RoleAdmin(admin.ModelAdmin):
    """A model admin open to the roles in `roles` only, scoped to the user's county."""

    roles: tuple[str, ...] = ()
    county_field: str | None = "county_id"
    audit_object_type = ""
    # Whether opening a row's change form is a read of personal data, audited (issue #8.11).
    audit_reads = False

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)
        if self.audit_reads and request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, object_id)
            if obj is not None:
                audit_read(
                    actor=request.user,
                    object_type=self.audit_object_type or obj._meta.model_name,
                    object_id=obj.pk,
                    county_id=getattr(obj, "county_id", None),
                    unit_id=getattr(obj, "unit_id", None),
                    summary="admin",
                )
        return response

    def _allowed(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and getattr(user, "role", None) in self.roles)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if self.county_field is None:
            return queryset
        return queryset.filter(**{self.county_field: getattr(request.user, "county_id", None)})

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Choices of related registry rows stay inside the user's county too.
        related = db_field.related_model
        if any(field.name == "county" for field in related._meta.get_fields()):
            kwargs["queryset"] = related._default_manager.filter(
                county_id=getattr(request.user, "county_id", None)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if self.county_field == "county_id" and not change and not obj.county_id:
            obj.county_id = request.user.county_id  # type: ignore[union-attr]
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            object_type=self.audit_object_type or obj._meta.model_name,
            object_id=obj.pk,
            county_id=getattr(obj, "county_id", None),
            unit_id=getattr(obj, "unit_id", None),
            summary=",".join(form.changed_data)[:255] if change else "admin",
        )


class CountyRuleAdmin(RoleAdmin):
    """A rules table per county (issue #8.7): the national rows (county empty) are read-only for
    county users; a county adds its own rows, which override the national rows of the same kind
    for that county only (`zhongjian/core/county_rules.py`). Writes are audited in the county."""

    roles = (Role.ORG_DEPARTMENT,)
    county_field = None
    exclude = ("county",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        county_id = getattr(request.user, "county_id", None)
        return super().get_queryset(request).filter(Q(county__isnull=True) | Q(county_id=county_id))

    def get_list_display(self, request: HttpRequest) -> Any:
        return (*super().get_list_display(request), "scope_label")

    @admin.display(description=_("适用范围"))
    def scope_label(self, obj: Any) -> str:
        return str(_("全国")) if obj.county_id is None else str(_("本县"))

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if obj is not None and obj.county_id is None:
            return False  # national rules change with a release, never from one county
        return self._allowed(request)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.county_id = request.user.county_id  # type: ignore[union-attr]
        super().save_model(request, obj, form, change)


@admin.register(Holiday)
class HolidayAdmin(CountyRuleAdmin):
    """The organization department enters each year's holiday notice when it is published; a
    county's own row for a day replaces the national one there (a local 调休)."""

    audit_object_type = AuditObject.HOLIDAY
    list_display = ("day", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "day"
    search_fields = ("name",)
