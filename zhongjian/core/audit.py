"""Writing audit rows; called inside the same transaction as the change it records."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from zhongjian.core.bulk import insert_rows
from zhongjian.core.context import client_ip
from zhongjian.core.models import AuditAction, AuditLog


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audit row of a batch written by `audit_record_many`; the actor is the batch's."""

    action: AuditAction | str
    object_type: str = ""
    object_id: object = ""
    unit_id: int | None = None
    summary: str = ""


def _actor_values(actor: Any, county_id: int | None, ip: str | None) -> dict[str, Any]:
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return {
        "actor_id": actor.pk if authenticated else None,
        "actor_username": actor.get_username() if authenticated else "",
        "actor_role": getattr(actor, "role", "") if authenticated else "",
        "county_id": county_id if county_id is not None else getattr(actor, "county_id", None),
        "ip": ip,
    }


_ENTRY_NAMES = ("action", "object_type", "object_id", "unit_id", "summary")


def _entry_values(entry: AuditEntry) -> dict[str, Any]:
    return {
        "action": str(entry.action),
        "object_type": entry.object_type,
        "object_id": str(entry.object_id) if entry.object_id is not None else "",
        "unit_id": entry.unit_id,
        "summary": entry.summary[:255],
    }


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
    entry = AuditEntry(
        action=action,
        object_type=object_type,
        object_id=object_id,
        unit_id=unit_id,
        summary=summary,
    )
    row = AuditLog(**_actor_values(actor, county_id, client_ip.get()), **_entry_values(entry))
    row.save()
    return row


def audit_record_many(
    *, actor: Any, entries: Iterable[AuditEntry], county_id: int | None = None
) -> int:
    """Append one audit row per entry with batched inserts (imports); returns the rows written."""
    common = _actor_values(actor, county_id, client_ip.get())
    # What every row of the batch shares, then each entry's own values (as _entry_values gives
    # them), as plain tuples: an import writes one row per object it creates or changes.
    head = (timezone.now(), *common.values())
    rows = (
        (
            *head,
            str(entry.action),
            entry.object_type,
            str(entry.object_id) if entry.object_id is not None else "",
            entry.unit_id,
            entry.summary[:255],
        )
        for entry in entries
    )
    return insert_rows(AuditLog, ("at", *common, *_ENTRY_NAMES), rows)


def audit_read(
    *,
    actor: Any,
    object_type: str,
    object_id: object = "",
    county_id: int | None = None,
    unit_id: int | None = None,
    summary: str = "",
) -> AuditLog:
    """Record a read of personal data (查阅敏感信息, issue #8.11): who opened which record or
    list. SUMMARY names the kind of read ("detail", "list", "admin") and never any content of the
    record; the object is named by its id."""
    return audit_record(
        actor=actor,
        action=AuditAction.READ,
        object_type=object_type,
        object_id=object_id,
        county_id=county_id,
        unit_id=unit_id,
        summary=summary,
    )
