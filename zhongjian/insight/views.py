"""Insight pages: the dashboard at / (研判总览), catalogue, records, alerts, comparison, time in
post, group risk and the structural flags."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zhongjian.accounts.roles import Role
from zhongjian.core.errors import DomainError
from zhongjian.core.navigation import LANDING_BY_ROLE, MODULE_LABELS
from zhongjian.core.permissions import require_roles, scope_for, scoped
from zhongjian.insight import dashboard, flags, records, risk, survival
from zhongjian.insight.registry import (
    DIRECTION_LABELS,
    IndicatorScope,
    Period,
    catalogue,
    indicator_get,
    indicator_values,
)
from zhongjian.insight.selectors import overview_figures
from zhongjian.insight.services import threshold_delete, threshold_set
from zhongjian.org.choices import UnitKind
from zhongjian.org.models import Unit
from zhongjian.org.views import render_cadre
from zhongjian.workload.selectors import data_stamp

READ_ROLES = (Role.ORG_DEPARTMENT, Role.UNIT_HEAD)
FLAGS_PAGE_SIZE = 50


def _scope_and_period(request: HttpRequest) -> tuple[IndicatorScope, Period]:
    today = timezone.localdate()
    scope = dashboard.resolve_scope(
        request.user,
        unit_kind=request.GET.get("unit_kind", ""),
        unit_id=request.GET.get("unit") or None,
    )
    return scope, dashboard.parse_period(year=request.GET.get("year"), today=today)


def _units(user: Any) -> list[tuple[int, str, str]]:
    return list(
        scoped(Unit.objects.filter(is_active=True), user, unit_field="id")
        .order_by("kind", "code")
        .values_list("pk", "name", "kind")
    )


def _tiles(user: Any, scope: IndicatorScope, period: Period) -> list[dict[str, Any]]:
    """Indicator tiles grouped by module, each with its threshold state."""
    values = indicator_values(user, scope=scope, period=period)
    limits = dashboard.thresholds_for(user)
    groups: dict[str, list[Any]] = {}
    for indicator in catalogue():
        value = values.get(indicator.code)
        if value is None:
            continue
        limit = limits.get(indicator.code)
        groups.setdefault(indicator.module, []).append(
            {
                "indicator": indicator,
                "value": value,
                "threshold": limit.value if limit else None,
                "alert": bool(limit) and dashboard.breached(indicator, value.value, limit.value),
            }
        )
    return [
        {"module": module, "label": MODULE_LABELS.get(module, module), "tiles": tiles}
        for module, tiles in groups.items()
    ]


# Bump when the cached overview's shape changes, so that old entries are not read.
OVERVIEW_CACHE_FORMAT = 1
OVERVIEW_CACHE_SECONDS = 24 * 3600


def overview_data(user: Any, scope: IndicatorScope, period: Period) -> dict[str, Any]:
    """The overview's figures, charts and tiles, cached under the county's data stamp.

    Database triggers replace the stamp in every transaction that writes a table these read
    (docs/insight.md; migration workload/0006), whoever writes, so an unchanged county is
    read from the cache and any change shows on the next load. The key carries everything the
    figures depend on besides the data: the user's role and units, the scope asked, the period
    (its end is the day of every stock figure) and the language of the labels.
    """
    own = scope_for(user)
    key = ":".join(
        (
            f"zj:insight:overview:{OVERVIEW_CACHE_FORMAT}",
            f"county{own.county_id}",
            str(user.role),
            "all" if own.unit_ids is None else ",".join(map(str, sorted(own.unit_ids))),
            scope.unit_kind or "-",
            str(scope.unit_id or "-"),
            period.start.isoformat(),
            period.end.isoformat(),
            get_language() or "",
            data_stamp(own.county_id),  # type: ignore[arg-type]
        )
    )
    data = cache.get(key)
    if data is None:
        data = overview_compute(user, scope, period)
        cache.set(key, data, OVERVIEW_CACHE_SECONDS)
    return data


def overview_compute(user: Any, scope: IndicatorScope, period: Period) -> dict[str, Any]:
    day = period.end
    figures = overview_figures(user=user, today=day, scope=scope)
    pyramid = dashboard.age_pyramid(user, scope=scope, day=day)
    trends = dashboard.trends(user, scope=scope, day=day)
    tiles = _tiles(user, scope, period)
    charts = {
        "pyramid": {
            "bands": pyramid.bands,
            "sides": pyramid.sides,
            "retiring": pyramid.retiring,
            "retiring_label": _("其中5年内到龄退休"),
        },
        "refusal": {
            "labels": [str(y) for y in trends.years],
            "axes": [_("人次"), "%"],
            "series": [
                {"name": _("列入人选"), "type": "bar", "data": trends.offers},
                {"name": _("不接受提拔"), "type": "bar", "data": trends.declines},
                {
                    "name": _("拒绝率（%）"),
                    "type": "line",
                    "axis": 1,
                    "data": trends.refusal_percent,
                },
            ],
        },
        "exits": {
            "labels": [str(y) for y in trends.years],
            "series": [
                {"name": label, "type": "bar", "stack": "exits", "data": counts}
                for label, counts in trends.exits_by_kind
            ],
        },
        "vacancy_ages": dashboard.vacancy_ages(user, scope=scope, day=day),
    }
    by_code = {t["indicator"].code: t for group in tiles for t in group["tiles"]}
    for code, key in (("org.young_35", "young_35"), ("org.young_40", "young_40")):
        if code in by_code:
            charts[key] = [(p.label, p.value or 0) for p in by_code[code]["value"].parts]
    return {
        "figures": figures,
        "tiles": tiles,
        "charts": charts,
        "alert_count": sum(t["alert"] for group in tiles for t in group["tiles"]),
    }


@require_roles(*Role.values)
def overview(request: HttpRequest) -> HttpResponse:
    """The home page: the dashboard for the 组织部 and unit heads, a cadre's own record, other
    roles' landing pages."""
    role = request.user.role  # type: ignore[union-attr]
    if role == Role.CADRE:
        return render_cadre(request, pk=request.user.cadre_id)  # type: ignore[union-attr]
    if role in LANDING_BY_ROLE:
        return redirect(LANDING_BY_ROLE[role])
    if role not in READ_ROLES:
        return render(request, "insight/role_home.html")
    scope, period = _scope_and_period(request)
    user = request.user
    data = overview_data(user, scope, period)
    return render(
        request,
        "insight/overview.html",
        {
            **data,
            "scope": scope,
            "scope_name": dashboard.scope_label(user, scope),
            "period": period,
            "year": request.GET.get("year", ""),
            "today": period.end,
            "units": _units(user) if role == Role.ORG_DEPARTMENT else [],
            "unit_kinds": UnitKind.choices,
            "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
        },
    )


@require_roles(*READ_ROLES)
def indicator_catalogue(request: HttpRequest) -> HttpResponse:
    rows = [
        {
            "indicator": i,
            "module": MODULE_LABELS.get(i.module, i.module),
            "direction": DIRECTION_LABELS[i.direction],
        }
        for i in catalogue()
    ]
    return render(request, "insight/catalogue.html", {"rows": rows})


@require_roles(*READ_ROLES)
def indicator_records(request: HttpRequest, code: str) -> HttpResponse:
    """The records behind one figure of the dashboard, in the asked scope."""
    indicator = indicator_get(code)
    if indicator is None or indicator.records_url not in records.RECORDS:
        raise Http404
    scope, period = _scope_and_period(request)
    found = records.RECORDS[indicator.records_url](request.user, scope, period)
    return render(
        request,
        "insight/records.html",
        {
            "indicator": indicator,
            "records": found,
            "scope_name": dashboard.scope_label(request.user, scope),
            "period": period,
        },
    )


@require_roles(*READ_ROLES)
def alert_list(request: HttpRequest) -> HttpResponse:
    """Breached thresholds with their evidence; the 组织部 sets the thresholds here."""
    user = request.user
    if request.method == "POST":
        if user.role != Role.ORG_DEPARTMENT:  # type: ignore[union-attr]
            raise Http404
        code = request.POST.get("code", "")
        try:
            if request.POST.get("delete"):
                threshold_delete(actor=user, code=code)
                messages.success(request, _("已删除预警阈值。"))
            else:
                try:
                    value = Decimal(request.POST.get("value", "").strip())
                except InvalidOperation:
                    value = None
                threshold_set(actor=user, code=code, value=value, note=request.POST.get("note", ""))
                messages.success(request, _("已保存预警阈值。"))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("insight:alerts")
    _scope, period = _scope_and_period(request)
    limits = dashboard.thresholds_for(user)
    return render(
        request,
        "insight/alerts.html",
        {
            "alerts": dashboard.alerts(user, period=period),
            "limits": [
                (indicator_get(code), t) for code, t in limits.items() if indicator_get(code)
            ],
            "indicators": catalogue(),
            "period": period,
            "can_edit": user.role == Role.ORG_DEPARTMENT,  # type: ignore[union-attr]
        },
    )


def _parse_side(user: Any, text: str) -> IndicatorScope:
    kind, _sep, value = text.partition(":")
    if kind == "unit":
        return dashboard.resolve_scope(user, unit_id=value)
    if kind == "kind":
        return dashboard.resolve_scope(user, unit_kind=value)
    return dashboard.resolve_scope(user)


@require_roles(Role.ORG_DEPARTMENT)
def compare(request: HttpRequest) -> HttpResponse:
    """Two units or unit types side by side, every indicator of the catalogue."""
    user = request.user
    _scope, period = _scope_and_period(request)
    sides = [request.GET.get("a", "kind:township"), request.GET.get("b", "kind:county_department")]
    scopes = [_parse_side(user, side) for side in sides]
    values = [indicator_values(user, scope=scope, period=period) for scope in scopes]
    rows = [
        {
            "indicator": i,
            "a": values[0].get(i.code),
            "b": values[1].get(i.code),
            "direction": DIRECTION_LABELS[i.direction],
        }
        for i in catalogue()
        if i.code in values[0]
    ]
    options = [(f"kind:{value}", label) for value, label in UnitKind.choices] + [
        (f"unit:{pk}", name) for pk, name, _kind in _units(user)
    ]
    return render(
        request,
        "insight/compare.html",
        {
            "rows": rows,
            "names": [dashboard.scope_label(user, scope) for scope in scopes],
            "sides": sides,
            "options": options,
            "period": period,
        },
    )


@require_roles(*READ_ROLES)
def time_in_post(request: HttpRequest) -> HttpResponse:
    scope, period = _scope_and_period(request)
    kind = request.GET.get("kind", "any")
    by = request.GET.get("by", "tier")
    if kind not in dict(survival.EXIT_KINDS) or by not in dict(survival.GROUPINGS):
        raise Http404
    curves = survival.time_in_post(request.user, scope=scope, day=period.end, kind=kind, by=by)
    return render(
        request,
        "insight/survival.html",
        {
            "curves": curves,
            "chart": {
                "curves": [
                    {
                        "label": c.label,
                        "times": c.times,
                        "survival": c.survival,
                        "lower": c.lower,
                        "upper": c.upper,
                    }
                    for c in curves
                ],
                "x": _("任职年数"),
                "y": _("仍在岗比例"),
            },
            "kind": kind,
            "by": by,
            "kinds": survival.EXIT_KINDS,
            "groupings": survival.GROUPINGS,
            "at_risk_years": survival.AT_RISK_YEARS,
            "scope_name": dashboard.scope_label(request.user, scope),
            "period": period,
        },
    )


@require_roles(Role.ORG_DEPARTMENT)
def risk_model(request: HttpRequest) -> HttpResponse:
    """The model page: metrics on the held-out year beside the baseline, the features, and the
    group risks (unit × tier, groups of at least k)."""
    today = timezone.localdate()
    county = request.user.county_id
    digest = risk.registry_digest(county)  # three aggregates: once per request
    stored = risk.stored_report(county_id=county, today=today, digest=digest)
    if not stored.fresh:
        risk.request_refresh(county_id=county, today=today, digest=digest)
        # With an immediate queue (tests, or a deployment without a consumer) it is done now.
        stored = risk.stored_report(county_id=county, today=today, digest=digest)
    return render(request, "insight/risk.html", {"report": stored.report, "stored": stored})


@require_roles(Role.ORG_DEPARTMENT)
def structural_flags(request: HttpRequest) -> HttpResponse:
    found = flags.structural_flags(user=request.user, day=timezone.localdate())
    # Hundreds of rows in a county: a page at a time (the whole list was one 24,000 px page).
    page = Paginator(found, FLAGS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "insight/flags.html", {"page": page})
