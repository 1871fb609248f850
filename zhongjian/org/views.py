"""Registry pages: unit, post and cadre lists and details and the data check, each scoped to the
signed-in user."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongjian.accounts.roles import REGISTRY_ROLES, Role
from zhongjian.core.audit import audit_read
from zhongjian.core.models import AuditObject
from zhongjian.core.permissions import require_roles
from zhongjian.org.data_check import data_check as run_data_check
from zhongjian.org.lists import CADRE_LIST, current_posts, roster_rows, tier_rank
from zhongjian.org.models import Appointment, Cadre, RankGrant
from zhongjian.org.rules import statutory_retirement_date
from zhongjian.org.selectors import (
    cadre_get,
    cadre_history,
    cadre_list,
    correction_request_open_count,
    post_current_holders,
    post_get,
    post_history,
    post_list,
    unit_get,
    unit_list,
    years_between,
)
from zhongjian.org.validation import Rule


@require_roles(*REGISTRY_ROLES)
def unit_list_view(request: HttpRequest) -> HttpResponse:
    units = unit_list(user=request.user)
    return render(request, "org/unit_list.html", {"units": units})


@require_roles(*REGISTRY_ROLES)
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = unit_get(user=request.user, pk=pk)
    posts = post_list(user=request.user, unit=unit).order_by(tier_rank("tier"), "title")
    cadre_count = cadre_list(user=request.user, unit_id=unit.pk).count()
    return render(
        request,
        "org/unit_detail.html",
        {"unit": unit, "posts": posts, "cadre_count": cadre_count},
    )


@require_roles(*REGISTRY_ROLES)
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = post_get(user=request.user, pk=pk)
    return render(
        request,
        "org/post_detail.html",
        {
            "post": post,
            "holders": post_current_holders(post=post),
            "history": post_history(post=post)[:50],
        },
    )


def unit_id_param(params: Mapping[str, str]) -> int | None:
    """The `unit` query parameter as a unit id, or None when absent or not a number."""
    unit_id = params.get("unit", "")
    return int(unit_id) if unit_id.isdigit() and len(unit_id) < 19 else None


@require_roles(*REGISTRY_ROLES)
def cadre_list_view(request: HttpRequest) -> HttpResponse:
    cadres = roster_rows(cadre_list(user=request.user, status=None))
    today = timezone.localdate()
    listing = CADRE_LIST.page(request, cadres, today=today)
    rows = list(listing.page)
    for cadre in rows:
        cadre.age = cadre.age_on(today)
        cadre.posts = current_posts(cadre)
    return render(request, "org/cadre_list.html", {"listing": listing, "rows": rows})


@require_roles(*REGISTRY_ROLES, Role.CADRE)
def cadre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_cadre(request, pk=pk)


def render_cadre(request: HttpRequest, *, pk: object) -> HttpResponse:
    """The cadre record page; `cadre_get` refuses records outside the user's scope with 404."""
    cadre = cadre_get(user=request.user, pk=pk)
    audit_read(
        actor=request.user,
        object_type=AuditObject.CADRE,
        object_id=cadre.pk,
        county_id=cadre.county_id,
        unit_id=cadre.unit_id,
        summary="detail",
    )
    today = timezone.localdate()
    appointments = list(cadre.appointments.all())
    current = [a for a in appointments if a.end_date is None]
    retirement = statutory_retirement_date(
        gender=cadre.gender,
        birth_date=cadre.birth_date,
        is_worker=cadre.is_worker,
        county_id=cadre.county_id,
    )
    return render(
        request,
        "org/cadre_detail.html",
        {
            "cadre": cadre,
            "age": cadre.age_on(today),
            "current": current,
            "appointments": appointments,
            "rank_grants": list(cadre.rank_grants.all()),
            "retirement_date": retirement,
            "years_to_retirement": years_between(today, retirement),
            "is_own_record": request.user.cadre_id == cadre.pk,  # type: ignore[union-attr]
            "history": _history_rows(cadre_history(user=request.user, cadre=cadre)),
        },
    )


_OBJECT_LABELS = {"cadre": _("档案"), "appointment": _("任职"), "rank_grant": _("职级晋升")}
_FIELD_MODELS = {"cadre": Cadre, "appointment": Appointment, "rank_grant": RankGrant}


def _history_rows(rows: list[Any]) -> list[dict[str, Any]]:
    """Audit rows for the record page: field names in Chinese (the summary holds only names)."""
    out = []
    for row in rows:
        model = _FIELD_MODELS.get(row.object_type)
        fields = row.summary
        if row.action == "update" and model is not None:
            names = row.summary.split("（", 1)[0].split(",")
            labels = []
            for name in names:
                try:
                    labels.append(str(model._meta.get_field(name.strip()).verbose_name))
                except FieldDoesNotExist:
                    labels.append(str(_("身份证号")) if name == "id_number" else name)
            fields = "、".join(labels)
        out.append(
            {
                "at": row.at,
                "actor": row.actor_username,
                "action": row.get_action_display(),
                "object": _OBJECT_LABELS.get(row.object_type, row.object_type),
                "fields": fields or "—",
            }
        )
    return out


@require_roles(Role.ORG_DEPARTMENT)
def data_check(request: HttpRequest) -> HttpResponse:
    """三龄两历 data check: every record breaking a rule, grouped by rule, with a link to fix."""
    findings = run_data_check(user=request.user, today=timezone.localdate())
    return render(
        request,
        "org/data_check.html",
        {
            "groups": [(rule, found) for rule, found in findings.items()],
            "total": sum(len(found) for found in findings.values()),
            "rules": Rule,
            "open_corrections": correction_request_open_count(user=request.user),
        },
    )


@require_roles(Role.ORG_DEPARTMENT)
def data_check_count(request: HttpRequest) -> HttpResponse:
    """The overview's 数据核查 figure, loaded after the page (the check reads every record)."""
    findings = run_data_check(user=request.user, today=timezone.localdate())
    return render(
        request,
        "org/_data_check_count.html",
        {"total": sum(len(found) for found in findings.values())},
    )
