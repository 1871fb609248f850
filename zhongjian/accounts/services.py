"""Writes of accounts: passwords, role grants (三员分立), API tokens and the token check."""

import datetime
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongjian.accounts.models import ApiToken, GrantStatus, RoleGrant, User
from zhongjian.accounts.roles import PRIVILEGED_ROLES, RESETTABLE_BY_ORG, Role
from zhongjian.core.audit import audit_record
from zhongjian.core.errors import PermissionDenied, ValidationError
from zhongjian.core.models import AuditAction, AuditObject

TOKEN_PREFIX = "zj_"  # noqa: S105 (the marker tokens start with, not a secret)
MAX_ACTIVE_TOKENS = 10
# How stale `last_used_at` may get before a request writes it again.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def token_create(*, user: Any, name: str) -> tuple[ApiToken, str]:
    """Make a token for USER; returns the row and the token itself, which is never stored."""
    name = name.strip()
    if not name:
        raise ValidationError(str(_("请填写令牌名称，如“数据同步脚本”。")))
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            str(_("有效令牌已达 %(n)d 个；请先吊销不再使用的令牌。")) % {"n": MAX_ACTIVE_TOKENS}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:64],
        prefix=raw[:11],
        key_hash=token_hash(raw),
        expires_at=timezone.now() + datetime.timedelta(days=settings.API_TOKEN_DAYS),
    )
    audit_record(
        actor=user, action=AuditAction.CREATE, object_type=AuditObject.API_TOKEN, object_id=token.pk
    )
    return token, raw


@transaction.atomic
def token_revoke(*, user: Any, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            object_type=AuditObject.API_TOKEN,
            object_id=token.pk,
            summary="revoked",
        )
    return token


def token_authenticate(*, raw: str) -> User | None:
    """The active user whose unrevoked token RAW is, or None."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(
            key_hash=token_hash(raw),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def tokens_revoke_all(*, user: Any) -> int:
    """Revoke every active token of USER (a password change or reset ends API access too)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def _validate_password(password: str, user: Any) -> None:
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationError(" ".join(exc.messages), errors=list(exc.messages)) from exc


@transaction.atomic
def password_change(*, user: Any, old_password: str, new_password: str) -> None:
    """The user's own password change (我的账号): the old password, then the validators."""
    if not user.check_password(old_password):
        raise ValidationError(str(_("原密码不正确。")))
    if old_password == new_password:
        raise ValidationError(str(_("新密码不能与原密码相同。")))
    _validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    revoked = tokens_revoke_all(user=user)
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        object_type=AuditObject.USER,
        object_id=user.pk,
        summary=f"password_change,tokens_revoked={revoked}",
    )


def one_time_password() -> str:
    """A random password that passes the validators: four classes, 14 characters."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    body = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{secrets.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{body}-{secrets.randbelow(90) + 10}"


def can_reset_password(*, actor: Any, target: Any) -> bool:
    """The 组织部 resets passwords of unit heads and cadres of its own county, nobody else's."""
    return bool(
        getattr(actor, "role", None) == Role.ORG_DEPARTMENT
        and actor.county_id is not None
        and target.pk != actor.pk
        and target.role in RESETTABLE_BY_ORG
        and target.county_id == actor.county_id
    )


@transaction.atomic
def password_reset(*, actor: Any, target: User) -> str:
    """Give TARGET a one-time password, returned to be shown once; it must be changed at the next
    sign-in, and every API token of TARGET is revoked."""
    if not can_reset_password(actor=actor, target=target):
        raise PermissionDenied(str(_("您无权重置该账号的密码。")))
    password = one_time_password()
    target.set_password(password)
    target.must_change_password = True
    target.password_changed_at = timezone.now()
    target.save(update_fields=["password", "must_change_password", "password_changed_at"])
    revoked = tokens_revoke_all(user=target)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=AuditObject.USER,
        object_id=target.pk,
        county_id=target.county_id,
        unit_id=target.unit_id,
        summary=f"password_reset,tokens_revoked={revoked}",
    )
    return password


def needs_confirmation(*, role: str) -> bool:
    return role in PRIVILEGED_ROLES


@transaction.atomic
def grant_request(
    *, actor: Any, user: User, role: str, county_id: int | None, unit_id: int | None
) -> RoleGrant:
    """Record the system admin's request to give USER a privileged role; it waits for a second
    person (`grant_confirm`)."""
    if user.pk == actor.pk:
        raise PermissionDenied(str(_("不能给自己授予角色。")))
    RoleGrant.objects.filter(user=user, status=GrantStatus.PENDING).update(
        status=GrantStatus.REJECTED, decided_at=timezone.now()
    )
    grant = RoleGrant(
        user=user, role=role, county_id=county_id, unit_id=unit_id, requested_by=actor
    )
    grant.full_clean()
    grant.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type=AuditObject.ROLE_GRANT,
        object_id=grant.pk,
        county_id=county_id,
        summary=f"user={user.pk},role={role}",
    )
    return grant


def can_decide_grant(*, actor: Any, grant: RoleGrant) -> bool:
    """Who confirms: a 组织部 user of the county for business roles, an auditor of the county (or a
    county-less auditor) for the auditor role; never the requester or the grantee."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.pk in (grant.requested_by_id, grant.user_id) or grant.status != GrantStatus.PENDING:
        return False
    if grant.role == Role.AUDITOR:
        return actor.role == Role.AUDITOR and actor.county_id in (None, grant.county_id)
    return actor.role == Role.ORG_DEPARTMENT and actor.county_id == grant.county_id


@transaction.atomic
def grant_decide(*, actor: Any, grant: RoleGrant, confirm: bool) -> RoleGrant:
    """Confirm (apply the role, activate the account) or reject a pending grant."""
    grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
    if not can_decide_grant(actor=actor, grant=grant):
        raise PermissionDenied(str(_("您无权确认这项授权。")))
    grant.status = GrantStatus.CONFIRMED if confirm else GrantStatus.REJECTED
    grant.decided_by = actor
    grant.decided_at = timezone.now()
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    if confirm:
        _apply_grant(grant)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=AuditObject.ROLE_GRANT,
        object_id=grant.pk,
        county_id=grant.county_id,
        summary=f"user={grant.user_id},role={grant.role},{grant.status}",
    )
    return grant


def _apply_grant(grant: RoleGrant) -> None:
    user = grant.user
    user.role = grant.role
    user.county_id = grant.county_id
    user.unit_id = grant.unit_id
    user.is_active = True
    user.is_staff = user.role in (Role.SYSTEM_ADMIN, Role.ORG_DEPARTMENT)
    user.full_clean()
    user.save(update_fields=["role", "county", "unit", "is_active", "is_staff"])
    audit_record(
        actor=grant.decided_by,
        action=AuditAction.UPDATE,
        object_type=AuditObject.USER,
        object_id=user.pk,
        county_id=grant.county_id,
        summary=f"role={grant.role}",
    )


@transaction.atomic
def grant_console(*, user: User, role: str, county_id: int | None, unit_id: int | None) -> None:
    """Bootstrap from the server console (`zhongjian grant_role`): the first 组织部 user or
    auditor of a county has nobody to confirm them. Whoever runs it holds the server itself."""
    grant = RoleGrant(user=user, role=role, county_id=county_id, unit_id=unit_id)
    grant.requested_by = user
    grant.status = GrantStatus.CONFIRMED
    grant.decided_at = timezone.now()
    grant.save()
    _apply_grant(grant)
    audit_record(
        actor=None,
        action=AuditAction.CREATE,
        object_type=AuditObject.ROLE_GRANT,
        object_id=grant.pk,
        county_id=county_id,
        summary=f"console,user={user.pk},role={role}",
    )
