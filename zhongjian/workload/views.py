"""Workload pages: county dashboard, unit drill-down, alerts, the demand form, rules."""

import contextlib
import datetime
import functools
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongjian.accounts.roles import Role
from zhongjian.core.errors import DomainError
from zhongjian.core.permissions import require_roles, scope_for
from zhongjian.org.rules import add_months
from zhongjian.workload import services
from zhongjian.workload.choices import DemandKind, RuleKey
from zhongjian.workload.forms import CompleteForm, DemandForm, FilterForm, OvertimeForm, RuleForm
from zhongjian.workload.models import OvertimeWeek, WorkloadRule
from zhongjian.workload.selectors import (
    WORKLOAD_ROLES,
    cached_workload_dashboard,
    cached_workload_indicators,
    demand_for,
    month_start,
    organ_list,
    parse_month,
    receipt_for,
    receipt_list,
    receipt_rows,
    unit_for,
    workload_alerts,
)

DEFAULT_MONTHS = 24


def month_range(request: HttpRequest) -> tuple[datetime.date, datetime.date]:
    """?from=YYYY-MM&to=YYYY-MM, by default the last 24 months; bad values fall back."""
    last = month_start(timezone.localdate())
    with contextlib.suppress(KeyError, ValueError):
        last = parse_month(request.GET["to"])
    first = add_months(last, 1 - DEFAULT_MONTHS)
    with contextlib.suppress(KeyError, ValueError):
        first = min(parse_month(request.GET["from"]), last)
    return max(first, add_months(last, -119)), last


def _range_context(first: datetime.date, last: datetime.date) -> dict[str, str]:
    return {"month_from": f"{first:%Y-%m}", "month_to": f"{last:%Y-%m}"}


@require_roles(*WORKLOAD_ROLES)
def index(request: HttpRequest) -> HttpResponse:
    """The county dashboard for the 组织部; a unit head lands on their own unit."""
    if not scope_for(request.user).is_county_wide:
        return redirect("workload:unit_detail", pk=request.user.unit_id)  # type: ignore[union-attr]
    first, last = month_range(request)
    data = cached_workload_dashboard(request.user, month_from=first, month_to=last)
    return render(
        request,
        "workload/dashboard.html",
        {
            "data": data,
            "heat": {key: data[key] for key in ("units", "unit_ids", "months", "heatmap")},
            "alerts": data["alerts"],
            "alert_count": data["alert_count"],
            **_range_context(first, last),
        },
    )


@require_roles(*WORKLOAD_ROLES)
def alerts(request: HttpRequest) -> HttpResponse:
    first, last = month_range(request)
    found = workload_alerts(request.user, month_from=first, month_to=last)
    kind = request.GET.get("kind", "")
    if kind:
        found = [alert for alert in found if alert.kind == kind]
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "workload/alerts.html",
        {"page": page, "kind": kind, **_range_context(first, last)},
    )


@require_roles(*WORKLOAD_ROLES)
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's demands with filters, its monthly trend, its overtime weeks."""
    unit = unit_for(request.user, pk=pk)
    first, last = month_range(request)
    months = cached_workload_indicators(request.user, unit=unit, month_from=first, month_to=last)
    organs = organ_list(request.user)
    filters = FilterForm(request.GET or None, organs=organs)
    month = None
    kind = organ_id = ""
    open_only = False
    if filters.is_valid():
        kind = filters.cleaned_data["kind"]
        organ = filters.cleaned_data["organ"]
        organ_id = organ.pk if organ else ""
        open_only = filters.cleaned_data["open_only"]
        try:
            month = parse_month(filters.cleaned_data["month"] or "")
        except ValueError:
            month = None
    receipts = receipt_list(
        request.user,
        unit_id=unit.pk,
        kind=kind,
        organ_id=organ_id or None,
        month=month,
        open_only=open_only,
    )
    page = Paginator(receipt_rows(receipts), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    # The heading figures show the latest month with demands: the current month is often empty.
    current = next((m for m in reversed(months) if m.demands), months[-1])
    trend = {
        "labels": [f"{m.month:%Y-%m}" for m in months],
        "series": [
            {"name": _("上级任务（件）"), "data": [m.demands for m in months], "type": "bar"},
            {
                "name": _("每百名干部（件）"),
                "data": [
                    None if m.per_cadre is None else round(100 * m.per_cadre, 1) for m in months
                ],
                "type": "line",
                "axis": 1,
            },
        ],
        "axes": [_("件"), _("件/百人")],
    }
    return render(
        request,
        "workload/unit_detail.html",
        {
            "unit": unit,
            "month_rows": _month_rows(reversed(months)),
            "current": current.as_json(),
            "trend": trend,
            "filters": filters,
            "filter_values": {
                name: filters[name].value() or ""
                for name in ("kind", "organ", "month", "open_only")
            },
            "filter_choices": {
                "kind": DemandKind.choices,
                "organ": [(str(organ.pk), str(organ)) for organ in organs],
            },
            "page": page,
            "query": query.urlencode(),
            "overtime": OvertimeWeek.objects.filter(county_id=unit.county_id, unit=unit)[:12],
            "overtime_controls": _overtime_controls(
                _monday(timezone.localdate() - datetime.timedelta(days=7)), get_language()
            ),
            "today": timezone.localdate().isoformat(),
            **_range_context(first, last),
        },
    )


def _fixed(value: float | None, places: int) -> str:
    """VALUE with PLACES decimals as `floatformat` writes it (half up, on the decimal value the
    float prints as), or "—" for none."""
    if value is None:
        return "—"
    return str(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _percent(value: float | None, *, rising: bool = False) -> str:
    """A share or change as a whole percentage, as `widthratio value 1 100` writes it."""
    if value is None:
        return "—"
    return f"{round(value * 100)}%" + (" ↑" if rising else "")


def _month_rows(months: Iterable[Any]) -> list[dict[str, Any]]:
    """The cells of the month-by-month table, formatted once here: the table has 25 rows of 11
    cells, and resolving and localizing each cell in the template was a third of the page."""
    rows = []
    for m in months:
        onsite = localize(m.onsite_inspections) + (" ⚠" if m.inspections_over_cap else "")
        lead = m.median_lead_days
        rows.append(
            {
                "month": f"{m.month:%Y-%m}",
                "cells": (
                    localize(m.demands),
                    _fixed(m.per_cadre, 2),
                    localize(m.issuing_organs),
                    "—" if lead is None else localize(lead),
                    localize(m.meeting_hours),
                    localize(m.accompany_meetings),
                    onsite,
                    localize(m.long_documents),
                    _percent(m.yoy_change, rising=bool(m.yoy_increase)),
                    _fixed(m.overtime_hours_per_cadre, 1),
                ),
            }
        )
    return rows


@functools.lru_cache(maxsize=16)
def _overtime_controls(week_start: datetime.date, language: str | None) -> SafeString:
    """The blank weekly overtime form's labelled inputs (the page always shows it blank, last
    week's Monday filled in): rendered from `OvertimeForm` once per week and language, since
    rendering its four widgets on every load was a tenth of the unit page."""
    form = OvertimeForm(initial={"week_start": week_start})
    return format_html_join("", "<label>{} {}</label>", ((f.label, f) for f in form))


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


@require_roles(*WORKLOAD_ROLES)
def demand_new(request: HttpRequest) -> HttpResponse:
    """The one-minute form: register a demand and fan it out to its receiving units."""
    status = 200
    form = DemandForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            with transaction.atomic():
                organ = data.pop("organ") or services.organ_create(
                    actor=request.user, name=data["organ_name"], level=data["organ_level"]
                )
                units = list(data.pop("units"))
                demand, added = services.demand_register(
                    actor=request.user, organ=organ, units=units, values=data
                )
        except DomainError as error:
            form.add_error(None, error.message)
            for line in error.errors:
                form.add_error(None, line)
            status = error.status_code
        else:
            messages.success(
                request,
                _("已登记「%(title)s」，下达至 %(n)d 个单位。")
                % {"title": demand.title, "n": added},
            )
            if "again" in request.POST:
                return redirect("workload:demand_new")
            return redirect(demand)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "workload/demand_form.html",
        {"form": form, "organs": organ_list(request.user), "kinds": DemandKind.choices},
        status=status,
    )


@require_roles(*WORKLOAD_ROLES)
def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    demand = demand_for(request.user, pk=pk)
    receipts = receipt_list(request.user).filter(demand=demand)
    return render(
        request,
        "workload/demand_detail.html",
        {"demand": demand, "receipts": receipts, "today": timezone.localdate()},
    )


@require_roles(*WORKLOAD_ROLES)
def demand_edit(request: HttpRequest, pk: int) -> HttpResponse:
    demand = demand_for(request.user, pk=pk)
    status = 200
    initial: dict[str, Any] = {name: getattr(demand, name) for name in services.DEMAND_FIELDS}
    initial["organ_name"] = demand.organ.name
    initial["units"] = list(demand.receipts.values_list("unit_id", flat=True))
    form = DemandForm(request.POST or None, user=request.user, initial=initial)
    form.fields["units"].required = False
    form.fields["units"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("units", None)
        try:
            with transaction.atomic():
                organ = data.pop("organ") or services.organ_create(
                    actor=request.user, name=data["organ_name"], level=data["organ_level"]
                )
                services.demand_update(actor=request.user, demand=demand, values=data, organ=organ)
        except DomainError as error:
            form.add_error(None, error.message)
            status = error.status_code
        else:
            messages.success(request, _("已保存。"))
            return redirect(demand)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "workload/demand_form.html",
        {
            "form": form,
            "organs": organ_list(request.user),
            "demand": demand,
            "kinds": DemandKind.choices,
        },
        status=status,
    )


@require_POST
@require_roles(*WORKLOAD_ROLES)
def demand_complete(request: HttpRequest, pk: int) -> HttpResponse:
    demand = demand_for(request.user, pk=pk)
    form = CompleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("完成日期不正确。"))
        return redirect(demand)
    receipt = receipt_for(request.user, demand=demand, unit_id=form.cleaned_data["unit"])
    try:
        services.demand_complete(
            actor=request.user, receipt=receipt, completed_on=form.cleaned_data["completed_on"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已记录办结情况。"))
    return redirect(request.POST.get("next") or demand.get_absolute_url())


@require_POST
@require_roles(*WORKLOAD_ROLES)
def overtime_save(request: HttpRequest, pk: int) -> HttpResponse:
    unit = unit_for(request.user, pk=pk)
    form = OvertimeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            services.overtime_record(actor=request.user, unit=unit, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已保存本周加班情况。"))
    return redirect(reverse("workload:unit_detail", args=[unit.pk]) + "#overtime")


@require_roles(*WORKLOAD_ROLES)
def rules(request: HttpRequest) -> HttpResponse:
    """The caps and thresholds in force, national and the county's own; the 组织部 edits."""
    can_edit = request.user.role == Role.ORG_DEPARTMENT  # type: ignore[union-attr]
    status = 200
    form = RuleForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            status = 403
            form.add_error(None, _("只有组织部可以修改减负规则。"))
        elif form.is_valid():
            try:
                services.rule_save(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, error.message)
                status = error.status_code
            else:
                messages.success(request, _("已保存规则。"))
                return redirect("workload:rules")
        else:
            status = 400
    county_id = request.user.county_id  # type: ignore[union-attr]
    rows = WorkloadRule.objects.filter(county_id=county_id) | WorkloadRule.objects.filter(
        county__isnull=True
    )
    return render(
        request,
        "workload/rules.html",
        {
            "rules": rows.order_by("key", "-effective_from", "county_id"),
            "form": form,
            "can_edit": can_edit,
            "keys": RuleKey.choices,
        },
        status=status,
    )
