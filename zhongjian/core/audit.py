"""Writing audit rows; called inside the same transaction as the change it records."""

from typing import Any

from zhongjian.core.context import client_ip
from zhongjian.core.models import AuditAction, AuditLog


def audit_record(
    *,
    actor: Any,
    action: AuditAction | str,
    object_type: str = "",
    object_id: object = "",
    county_id: int | None = None,
    unit_id: int | None = None,
    summary: str = "",
) -> AuditLog:
    """Append one audit row. `actor` is a user or None (a system job, an anonymous visitor)."""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditLog.objects.create(
        actor_id=actor.pk if authenticated else None,
        actor_username=actor.get_username() if authenticated else "",
        actor_role=getattr(actor, "role", "") if authenticated else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else "",
        county_id=county_id if county_id is not None else getattr(actor, "county_id", None),
        unit_id=unit_id,
        ip=client_ip.get(),
        summary=summary[:255],
    )
