"""User administration for the system admin (系统管理员), who sees accounts, not personal data.

三员分立 (docs/privacy.md): the system admin creates accounts and assigns roles, but a grant of the
组织部, counselor or auditor role (or a change of such a user's county or unit) only takes effect
when a second person confirms it (`accounts.services.grant_decide`). Until then a new account stays
inactive and an existing one keeps its old role. The system admin cannot set the password of a
user who holds a business or audit role: the 组织部 resets unit heads' and cadres' passwords in
the app. Every save is audited.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongjian.accounts.models import GrantStatus, RoleGrant, User
from zhongjian.accounts.roles import Role
from zhongjian.accounts.services import grant_request, needs_confirmation, tokens_revoke_all
from zhongjian.core.admin import RoleAdmin
from zhongjian.core.audit import audit_record
from zhongjian.core.models import AuditAction, AuditObject

admin.site.unregister(Group)

SCOPE_FIELDS = ("role", "county", "unit")


@admin.register(User)
class UserAdmin(RoleAdmin, DjangoUserAdmin):
    roles = (Role.SYSTEM_ADMIN,)
    county_field = None
    audit_object_type = AuditObject.USER
    list_display = ("username", "display_name", "role", "county", "unit", "is_active", "last_login")
    list_filter = ("role", "is_active", "county")
    search_fields = ("username", "display_name")
    raw_id_fields = ("unit", "cadre")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("身份与范围", {"fields": ("display_name", "role", "county", "unit", "cadre")}),
        ("状态", {"fields": ("is_active", "must_change_password", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2")}),
        ("身份与范围", {"fields": ("display_name", "role", "county", "unit", "cadre")}),
    )
    readonly_fields = ("last_login", "date_joined", "must_change_password")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # An admin cannot change their own role or scope: granting oneself a business role would
        # defeat the separation of duties (三员分立). A user waiting for a grant stays inactive
        # until the grant is confirmed.
        fields = self.readonly_fields
        if obj is not None and obj.pk == request.user.pk:
            fields = (*fields, *SCOPE_FIELDS, "cadre", "is_active")
        elif (
            obj is not None
            and RoleGrant.objects.filter(user=obj, status=GrantStatus.PENDING).exists()
        ):
            fields = (*fields, "is_active")
        return fields

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Staff access to the admin follows the role; nobody is a superuser.
        old = User.objects.get(pk=obj.pk) if change else None
        requested = {"role": obj.role, "county_id": obj.county_id, "unit_id": obj.unit_id}
        scope_changed = old is None or any(
            getattr(old, key) != value for key, value in requested.items()
        )
        pending = needs_confirmation(role=obj.role) and scope_changed
        if pending:
            if old is None:
                obj.is_active = False  # inactive until the second person confirms
            else:
                obj.role, obj.county_id, obj.unit_id = old.role, old.county_id, old.unit_id
        obj.is_staff = obj.role in (Role.SYSTEM_ADMIN, Role.ORG_DEPARTMENT)
        obj.is_superuser = False
        super().save_model(request, obj, form, change)
        if pending:
            grant_request(actor=request.user, user=obj, **requested)
            messages.warning(
                request,
                _(
                    "该角色须由第二人确认后生效（组织部角色和心理疏导员由本县组织部确认，审计员由审计员确认）。"
                ),
            )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        # The system admin may set the passwords of system admin accounts only: resetting a
        # business or audit user's password would let the admin sign in as them.
        target = self.get_object(request, id)
        if target is None or target.role != Role.SYSTEM_ADMIN or target.pk == request.user.pk:
            raise PermissionDenied
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            target.refresh_from_db()
            target.password_changed_at = timezone.now()
            target.save(update_fields=["password_changed_at"])
            revoked = tokens_revoke_all(user=target)
            audit_record(
                actor=request.user,
                action=AuditAction.UPDATE,
                object_type=AuditObject.USER,
                object_id=target.pk,
                summary=f"password_reset,tokens_revoked={revoked}",
            )
        return response


@admin.register(RoleGrant)
class RoleGrantAdmin(RoleAdmin):
    """The system admin sees the grants it asked for and whether they were confirmed."""

    roles = (Role.SYSTEM_ADMIN,)
    county_field = None
    list_display = (
        "user",
        "role",
        "county",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
    )
    list_filter = ("status", "role")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
