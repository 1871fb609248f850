"""Audit rows for sign-in, failed sign-in and sign-out."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from zhongjian.core.audit import audit_record
from zhongjian.core.models import AuditAction, AuditObject


@receiver(user_logged_in)
def _on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action=AuditAction.LOGIN, object_type="user", object_id=user.pk)


@receiver(user_logged_out)
def _on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action=AuditAction.LOGOUT, object_type="user", object_id=user.pk)


@receiver(user_login_failed)
def _on_login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # The typed username is never written: anyone could put any text into the audit log
    # through the login form. A known account is named by its id, an unknown one not at all.
    from django.contrib.auth import get_user_model

    username = str(credentials.get("username", ""))[:150]
    user = get_user_model().objects.filter(username=username).only("pk", "county_id").first()
    audit_record(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        object_type=AuditObject.USER,
        object_id=user.pk if user else "",
        county_id=user.county_id if user else None,
        summary="" if user else "unknown_username",
    )
