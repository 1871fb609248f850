"""User administration for the system admin (系统管理员), who sees accounts, not personal data."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest

from zhongjian.accounts.models import User
from zhongjian.accounts.roles import Role
from zhongjian.core.admin import RoleAdmin

admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(RoleAdmin, DjangoUserAdmin):
    roles = (Role.SYSTEM_ADMIN,)
    county_field = None
    list_display = ("username", "display_name", "role", "county", "unit", "is_active", "last_login")
    list_filter = ("role", "is_active", "county")
    search_fields = ("username", "display_name")
    raw_id_fields = ("unit", "cadre")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("身份与范围", {"fields": ("display_name", "role", "county", "unit", "cadre")}),
        ("状态", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2")}),
        ("身份与范围", {"fields": ("display_name", "role", "county", "unit", "cadre")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # An admin cannot change their own role or scope: granting oneself a business role would
        # defeat the separation of duties (三员分立).
        if obj is not None and obj.pk == request.user.pk:
            return (*self.readonly_fields, "role", "county", "unit", "cadre")
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Staff access to the admin follows the role: the system admin manages users, the
        # organization department maintains the registry; nobody else enters the admin.
        obj.is_staff = obj.role in (Role.SYSTEM_ADMIN, Role.ORG_DEPARTMENT)
        obj.is_superuser = False
        super().save_model(request, obj, form, change)
