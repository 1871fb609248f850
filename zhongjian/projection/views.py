"""Web pages of the projection (队伍预测): scenarios, saved comparisons, exports, the optimiser."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhongjian.accounts.roles import Role
from zhongjian.core.errors import ValidationError
from zhongjian.core.permissions import require_roles
from zhongjian.projection import reports
from zhongjian.projection.csvfiles import matrix_csv, vector_csv
from zhongjian.projection.engine import ModelError
from zhongjian.projection.estimation import rate_rows
from zhongjian.projection.forms import LeverForm, OptimiserForm, SaveScenarioForm
from zhongjian.projection.models import Scenario
from zhongjian.projection.scenarios import Levers, build_chain
from zhongjian.projection.selectors import projection_estimate, scenario_get, scenario_list
from zhongjian.projection.services import scenario_delete, scenario_save

org_only = require_roles(Role.ORG_DEPARTMENT)
PAGE_RUNS = 200


def _render_projection(
    request: HttpRequest,
    *,
    form: LeverForm,
    levers: dict | None,
    scenario: Scenario | None = None,
    save_form: SaveScenarioForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    estimate = projection_estimate(user=request.user, today=today)
    named = [(reports.TREND_NAME, Levers())]
    error = None
    if levers is not None:
        try:
            chosen = Levers.from_dict(levers)
        except ModelError as exc:
            error, chosen = exc.message, None
        if chosen is not None and not chosen.is_trend:
            named.append((scenario.name if scenario else _("调整后方案"), chosen))
    results = reports.run_many(estimate.baseline, named, start_year=today.year, runs=PAGE_RUNS)
    return render(
        request,
        "projection/index.html",
        {
            "form": form,
            "save_form": save_form or SaveScenarioForm(),
            "levers": levers or {},
            "lever_text": reports.describe_levers(levers or {}),
            "has_scenario": len(named) > 1,
            "names": [name for name, _ in named],
            "summary": reports.summary_rows(results),
            "charts": reports.chart_payload(results),
            "baseline": reports.baseline_summary(estimate.baseline),
            "scenarios": scenario_list(user=request.user),
            "scenario": scenario,
            "error": error,
            "today": today,
            "window": estimate.window,
        },
        status=status,
    )


@org_only
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Today's trend, and beside it the levers the user set in the form (GET, so bookmarkable)."""
    form = LeverForm(request.GET or None)
    levers = form.levers() if form.is_bound and form.is_valid() else None
    return _render_projection(
        request, form=form, levers=levers, status=200 if not form.errors else 400
    )


@org_only
@require_POST
def scenario_create(request: HttpRequest) -> HttpResponse:
    form = LeverForm(request.POST)
    save_form = SaveScenarioForm(request.POST)
    if form.is_valid() and save_form.is_valid():
        try:
            scenario = scenario_save(
                actor=request.user,
                name=save_form.cleaned_data["name"],
                note=save_form.cleaned_data["note"],
                levers=form.levers(),
            )
        except ValidationError as exc:
            save_form.add_error("name", exc.message)
        else:
            messages.success(request, _("方案“%(name)s”已保存。") % {"name": scenario.name})
            return redirect(scenario)
    levers = form.levers() if form.is_valid() else None
    return _render_projection(request, form=form, levers=levers, save_form=save_form, status=400)


@org_only
@require_GET
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = scenario_get(user=request.user, pk=pk)
    form = LeverForm(initial=LeverForm.initial_for(scenario.levers))
    return _render_projection(request, form=form, levers=scenario.levers, scenario=scenario)


@org_only
@require_POST
def scenario_remove(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = scenario_get(user=request.user, pk=pk)
    scenario_delete(actor=request.user, scenario=scenario)
    messages.success(request, _("方案“%(name)s”已删除。") % {"name": scenario.name})
    return redirect("projection:index")


def _chosen(request: HttpRequest) -> list[Scenario]:
    ids = [value for value in request.GET.getlist("ids") if value.isdigit()]
    return [scenario_get(user=request.user, pk=pk) for pk in dict.fromkeys(ids)]


@org_only
@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    """Saved scenarios side by side with today's trend."""
    chosen = _chosen(request)
    today = timezone.localdate()
    estimate = projection_estimate(user=request.user, today=today)
    named = [(reports.TREND_NAME, Levers())] + [
        (s.name, Levers.from_dict(s.levers)) for s in chosen
    ]
    results = reports.run_many(estimate.baseline, named, start_year=today.year, runs=PAGE_RUNS)
    return render(
        request,
        "projection/compare.html",
        {
            "chosen": chosen,
            "names": [name for name, _ in named],
            "described": list(
                zip(
                    [name for name, _ in named],
                    [reports.TREND_NAME] + [reports.describe_levers(s.levers) for s in chosen],
                    strict=True,
                )
            ),
            "summary": reports.summary_rows(results),
            "charts": reports.chart_payload(results),
            "scenarios": scenario_list(user=request.user),
            "ids": [s.pk for s in chosen],
            "today": today,
        },
    )


@org_only
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    """The compared scenarios (today's trend first) as an Excel workbook."""
    chosen = _chosen(request)
    today = timezone.localdate()
    estimate = projection_estimate(user=request.user, today=today)
    named = [(reports.TREND_NAME, Levers())] + [
        (s.name, Levers.from_dict(s.levers)) for s in chosen
    ]
    results = reports.run_many(estimate.baseline, named, start_year=today.year, runs=PAGE_RUNS)
    content = reports.workbook(results, [{}] + [s.levers for s in chosen])
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="projection-{today.isoformat()}.xlsx"'
    return response


@org_only
@require_GET
def estimate_csv(request: HttpRequest, name: str) -> HttpResponse:
    """The estimated model as the CSV files `zhongjian project` reads, and the rates with CIs."""
    today = timezone.localdate()
    estimate = projection_estimate(user=request.user, today=today)
    baseline = estimate.baseline
    form = LeverForm(request.GET or None)
    levers = Levers.from_dict(form.levers()) if form.is_bound and form.is_valid() else Levers()
    chain, recruits = build_chain(baseline, levers)
    if name == "transitions":
        text = matrix_csv(chain.states, chain.matrix)
    elif name == "stocks":
        text = vector_csv(chain.states, baseline.stocks)
    elif name == "recruits":
        text = vector_csv(chain.states, recruits)
    elif name == "rates":
        text = _rates_csv(rate_rows(estimate))
    else:
        raise Http404
    # A byte-order mark so that Excel on a Chinese PC opens the UTF-8 file with the right encoding.
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _rates_csv(rows: list[dict[str, Any]]) -> str:
    header = ["from", "to", "count", "exposure", "rate", "ci_low", "ci_high"]
    lines = [",".join(header)]
    lines += [",".join(str(row[key]) for key in header) for row in rows]
    return "\n".join(lines) + "\n"


@org_only
@require_GET
def optimiser(request: HttpRequest) -> HttpResponse:
    """The smallest yearly intake by entry tier that keeps vacancies under a target."""
    form = OptimiserForm(request.GET or None)
    lever_form = LeverForm(request.GET or None)
    plan = None
    today = timezone.localdate()
    if form.is_bound and form.is_valid() and lever_form.is_valid():
        estimate = projection_estimate(user=request.user, today=today)
        try:
            plan = reports.plan_for(
                estimate.baseline,
                Levers.from_dict(lever_form.levers()),
                years=form.cleaned_data["years"],
                target=form.cleaned_data["target"],
                caps=form.caps(),
            )
        except ModelError as exc:
            form.add_error(None, exc.message)
    tier_names = reports.TIER_NAMES
    return render(
        request,
        "projection/optimiser.html",
        {
            "form": form,
            "lever_form": lever_form,
            "plan": plan,
            "intake": [(tier_names[t], n) for t, n in plan.intake.items()] if plan else [],
            "rates": [(tier_names[t], r) for t, r in plan.vacancy_rates.items()] if plan else [],
            "years": list(
                range(today.year + 1, today.year + 1 + (form.cleaned_data.get("years") or 0))
            )
            if plan
            else [],
            "today": today,
        },
        status=400 if form.errors else 200,
    )
