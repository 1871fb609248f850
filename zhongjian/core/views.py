"""The audit log page for auditors (审计员), read-only with filters."""

import datetime
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhongjian.accounts.roles import Role
from zhongjian.core.models import AuditAction, AuditLog
from zhongjian.core.permissions import require_roles


def _parse_day(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


@require_roles(Role.AUDITOR)
def audit_log(request: HttpRequest) -> HttpResponse:
    rows = AuditLog.objects.all()
    if request.user.county_id is not None:  # type: ignore[union-attr]
        rows = rows.filter(county_id__in=[request.user.county_id, None])  # type: ignore[union-attr]
    filters = {
        "actor": request.GET.get("actor", "").strip()[:150],
        "action": request.GET.get("action", ""),
        "object_type": request.GET.get("object_type", "").strip()[:64],
        "since": request.GET.get("since", ""),
        "until": request.GET.get("until", ""),
    }
    if filters["actor"]:
        rows = rows.filter(actor_username=filters["actor"])
    if filters["action"] in AuditAction.values:
        rows = rows.filter(action=filters["action"])
    if filters["object_type"]:
        rows = rows.filter(object_type=filters["object_type"])
    if since := _parse_day(filters["since"]):
        rows = rows.filter(at__date__gte=since)
    if until := _parse_day(filters["until"]):
        rows = rows.filter(at__date__lte=until)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    query = urlencode({key: value for key, value in filters.items() if value})
    return render(
        request,
        "core/audit_log.html",
        {"page": page, "filters": filters, "actions": AuditAction.choices, "query": query},
    )
