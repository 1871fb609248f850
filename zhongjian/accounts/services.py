"""Writes of accounts: personal API tokens (create, revoke) and the token check of the API."""

import datetime
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongjian.accounts.models import ApiToken, User
from zhongjian.core.audit import audit_record
from zhongjian.core.errors import ValidationError
from zhongjian.core.models import AuditAction

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
        user=user, name=name[:64], prefix=raw[:11], key_hash=token_hash(raw)
    )
    audit_record(actor=user, action=AuditAction.CREATE, object_type="api_token", object_id=token.pk)
    return token, raw


@transaction.atomic
def token_revoke(*, user: Any, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            object_type="api_token",
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
        .filter(key_hash=token_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
