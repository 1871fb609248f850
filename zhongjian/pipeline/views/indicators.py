"""The 提拔·流动 page: refusal, vacancy, exit and secondment figures with charts."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongjian.core.holidays import calendar_warnings
from zhongjian.core.permissions import require_roles
from zhongjian.pipeline.access import READ_ROLES
from zhongjian.pipeline.selectors.indicators import PipelineIndicators, pipeline_indicators


def charts_for(figures: PipelineIndicators) -> dict[str, Any]:
    """Chart data for charts.js: [label, value] pairs, or {labels, series, axes} for several
    series."""
    by_year = figures.refusal_by_year
    charts: dict[str, Any] = {
        "refusal_by_year": {
            "labels": [rate.label for rate in by_year],
            "axes": [_("人次"), "%"],
            "series": [
                {"name": _("提拔动议"), "type": "bar", "data": [r.offers for r in by_year]},
                {"name": _("不接受提拔"), "type": "bar", "data": [r.declines for r in by_year]},
                {
                    "name": _("拒绝率（%）"),
                    "type": "line",
                    "axis": 1,
                    "data": [r.percent for r in by_year],
                },
            ],
        },
        "refusal_by_tier": [(r.label, r.percent or 0) for r in figures.refusal_by_tier],
        "refusal_by_unit_kind": [(r.label, r.percent or 0) for r in figures.refusal_by_unit_kind],
        "fill_times": [(row.label, row.median_days or 0) for row in figures.fill_times[:-1]],
        "exits_by_kind": {
            "labels": [str(year) for year in figures.exit_years],
            "series": [
                {"name": label, "type": "bar", "stack": "exits", "data": counts}
                for label, counts in figures.exits_by_kind
            ],
        },
        "secondment_days": figures.secondment_days_by_year,
    }
    if figures.decline_reasons is not None:
        charts["decline_reasons"] = [row for row in figures.decline_reasons if row[1]]
    if figures.exit_reasons is not None:
        charts["exit_reasons"] = figures.exit_reasons
    return charts


@require_roles(*READ_ROLES)
def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    figures = pipeline_indicators(user=request.user, today=today)
    return render(
        request,
        "pipeline/index.html",
        {
            "figures": figures,
            "charts": charts_for(figures),
            "today": today,
            "warnings": calendar_warnings(years=[today.year], county_id=request.user.county_id),
        },
    )


@require_roles(*READ_ROLES)
def indicators_help(request: HttpRequest) -> HttpResponse:
    """The definitions of the indicators (指标口径), in the words of the page."""
    return render(request, "pipeline/help.html")
