"""Who may do what in the pipeline: the organization department runs it, unit heads read."""

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zhongjian.accounts.roles import Role
from zhongjian.core.errors import PermissionDenied, ValidationError

# Pages and endpoints that show pipeline records: unit heads see their own unit's, read-only.
READ_ROLES = (Role.ORG_DEPARTMENT, Role.UNIT_HEAD)
# Running selections, recording declines and departures, documents and templates.
WRITE_ROLES = (Role.ORG_DEPARTMENT,)


def require_org_department(actor: Any, *, county_id: int) -> None:
    """Refuse a write unless `actor` is the organization department of the record's county.

    `actor` None is a system job (the demo generator, a management command).
    """
    if actor is None:
        return
    if getattr(actor, "role", None) != Role.ORG_DEPARTMENT or actor.county_id != county_id:
        raise PermissionDenied(_("只有本县组织部可以办理此项工作。"))


def require_not_future(day: datetime.date, *, label: str, field: str | None = None) -> None:
    """Refuse a date after today: the pipeline records what happened, not plans. FIELD names
    the form field of the date, for the page to show the refusal beside it."""
    if day > timezone.localdate():
        raise ValidationError(_("%(label)s不能晚于今天。") % {"label": label}, field=field)


def can_write(user: Any) -> bool:
    return getattr(user, "role", None) in WRITE_ROLES
