"""The audit log page for auditors (审计员), read-only with filters and an Excel export."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhongjian.accounts.roles import Role
from zhongjian.core.audit_log import audit_filters, audit_lines, audit_rows, audit_units
from zhongjian.core.models import AuditAction, AuditObject
from zhongjian.core.permissions import require_roles


@require_roles(Role.AUDITOR)
def audit_log(request: HttpRequest) -> HttpResponse:
    filters = audit_filters(request.GET)
    page = Paginator(audit_rows(request.user, request.GET), 100).get_page(request.GET.get("page"))
    query = urlencode({key: value for key, value in filters.items() if value})
    response = render(
        request,
        "core/audit_log.html",
        {
            "page": page,
            "lines": list(audit_lines(page.object_list)),
            "filters": filters,
            "actions": AuditAction.choices,
            "object_types": sorted(set(AuditObject.choices), key=lambda c: str(c[1])),
            "roles": Role.choices,
            "units": audit_units(request.user),
            "query": query,
        },
    )
    response["Cache-Control"] = "no-store"
    return response
