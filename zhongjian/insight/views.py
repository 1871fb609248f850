"""The overview page (队伍概览): what a signed-in user lands on, by role."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from zhongjian.accounts.roles import Role
from zhongjian.core.permissions import require_roles
from zhongjian.insight.selectors import overview_figures
from zhongjian.org.views import render_cadre

LANDING_BY_ROLE = {
    Role.AUDITOR: "audit_log",
    Role.SYSTEM_ADMIN: "admin:accounts_user_changelist",
    Role.COUNSELOR: "care:home",
}


@require_roles(*Role.values)
def overview(request: HttpRequest) -> HttpResponse:
    """The overview for the user's scope; a cadre sees their own record, other roles their page."""
    role = request.user.role  # type: ignore[union-attr]
    if role == Role.CADRE:
        return render_cadre(request, pk=request.user.cadre_id)  # type: ignore[union-attr]
    if role in LANDING_BY_ROLE:
        return redirect(LANDING_BY_ROLE[role])
    if role not in (Role.ORG_DEPARTMENT, Role.UNIT_HEAD):
        return render(request, "insight/role_home.html")
    today = timezone.localdate()
    figures = overview_figures(user=request.user, today=today)
    scope_name = (
        request.user.unit.name  # type: ignore[union-attr]
        if role == Role.UNIT_HEAD
        else request.user.county.name  # type: ignore[union-attr]
    )
    return render(
        request,
        "insight/overview.html",
        {"figures": figures, "scope_name": scope_name, "today": today},
    )
