"""Reads of the audit log for the auditor (审计员): filters, labels and the rows of the page and
its Excel export (issue #14.6)."""

import datetime
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from zhongjian.accounts.roles import Role
from zhongjian.core.models import AuditAction, AuditLog, AuditObject

FILTER_KEYS = ("actor", "role", "action", "object_type", "object_id", "unit", "since", "until")


def _parse_day(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def audit_filters(params: Mapping[str, str]) -> dict[str, str]:
    """The page's filters from its query string, each cut to its field's size."""
    return {
        "actor": params.get("actor", "").strip()[:150],
        "role": params.get("role", ""),
        "action": params.get("action", ""),
        "object_type": params.get("object_type", "").strip()[:64],
        "object_id": params.get("object_id", "").strip()[:64],
        "unit": params.get("unit", "").strip()[:20],
        "since": params.get("since", ""),
        "until": params.get("until", ""),
    }


def audit_rows(user: Any, params: Mapping[str, str]) -> QuerySet[AuditLog]:
    """The audit rows an auditor may read (their county's and those of no county), filtered."""
    rows = AuditLog.objects.all()
    if user.county_id is not None:
        rows = rows.filter(Q(county_id=user.county_id) | Q(county_id__isnull=True))
    filters = audit_filters(params)
    if filters["actor"]:
        rows = rows.filter(actor_username=filters["actor"])
    if filters["role"] in Role.values:
        rows = rows.filter(actor_role=filters["role"])
    if filters["action"] in AuditAction.values:
        rows = rows.filter(action=filters["action"])
    if filters["object_type"] in AuditObject.values:
        rows = rows.filter(object_type=filters["object_type"])
        if filters["object_id"]:
            rows = rows.filter(object_id=filters["object_id"])
    if filters["unit"].isdigit():
        rows = rows.filter(unit_id=int(filters["unit"]))
    if since := _parse_day(filters["since"]):
        rows = rows.filter(at__date__gte=since)
    if until := _parse_day(filters["until"]):
        rows = rows.filter(at__date__lte=until)
    return rows


@dataclass(frozen=True, slots=True)
class AuditLine:
    """One audit row as the auditor reads it: Chinese labels and the unit's name."""

    row: AuditLog
    role_label: str
    object_label: str
    unit_name: str

    @property
    def object_filter(self) -> str:
        """The query string of this object's whole history, or "" when it names none."""
        if not self.row.object_id or self.row.object_type not in AuditObject.values:
            return ""
        return f"object_type={self.row.object_type}&object_id={self.row.object_id}"


def _label(choices: type, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def audit_lines(rows: Iterable[AuditLog]) -> Iterator[AuditLine]:
    """ROWS with labels; unit names are read once per batch of rows."""
    from zhongjian.org.models import Unit

    rows = list(rows)
    unit_ids = {row.unit_id for row in rows if row.unit_id is not None}
    names = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    for row in rows:
        yield AuditLine(
            row=row,
            role_label=_label(Role, row.actor_role) if row.actor_role else "",
            object_label=_label(AuditObject, row.object_type) if row.object_type else "",
            unit_name=names.get(row.unit_id, "") if row.unit_id is not None else "",
        )


def audit_units(user: Any) -> list[tuple[int, str]]:
    """The units of the auditor's county, for the unit filter."""
    from zhongjian.org.models import Unit

    units = Unit.objects.order_by("kind", "code")
    if user.county_id is not None:
        units = units.filter(county_id=user.county_id)
    return list(units.values_list("pk", "name")[:2000])
