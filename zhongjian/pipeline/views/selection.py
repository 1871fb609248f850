"""Selection pages: the list, one process with its candidates, and every action on them."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongjian.core.errors import ValidationError
from zhongjian.core.holidays import work_calendar
from zhongjian.core.permissions import require_roles
from zhongjian.pipeline.access import READ_ROLES, WRITE_ROLES, can_write
from zhongjian.pipeline.choices import SelectionStage as Stage
from zhongjian.pipeline.forms import (
    CandidateAddForm,
    DeclineForm,
    ObjectionForm,
    ObjectionResolveForm,
    ProcessUpdateForm,
    RecommendationForm,
    TransitionForm,
    VettingForm,
    WithdrawForm,
    valid_data,
)
from zhongjian.pipeline.models import SelectionProcess
from zhongjian.pipeline.selectors.selection import (
    candidate_get,
    objection_get,
    process_get,
    process_list,
)
from zhongjian.pipeline.services import selection as services
from zhongjian.pipeline.workflow import allowed_targets

CANDIDATE_FORMS = {"recommendation": RecommendationForm, "vetting": VettingForm}


@require_roles(*READ_ROLES)
def process_list_view(request: HttpRequest) -> HttpResponse:
    stage = request.GET.get("stage", "")
    stage = stage if stage in Stage.values else ""
    running = request.GET.get("running") == "1"
    processes = process_list(user=request.user, stage=stage, running_only=running)
    page = Paginator(processes, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "pipeline/process_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "stage": stage,
            "running": running,
            "stages": Stage.choices,
            "can_write": can_write(request.user),
        },
    )


def _notice(process: SelectionProcess) -> dict[str, Any]:
    """The notice's last day under the holiday table, with its warnings."""
    if process.notice_started_on is None:
        return {}
    calendar = work_calendar(county_id=process.county_id)
    ends_on = calendar.end_of_public_notice(
        start=process.notice_started_on, days=process.notice_working_days
    )
    return {"ends_on": ends_on, "warnings": calendar.warnings}


def process_context(request: HttpRequest, process: SelectionProcess) -> dict[str, Any]:
    writer = can_write(request.user) and not process.is_final
    candidates = list(process.candidates.all())
    return {
        "process": process,
        "candidates": candidates,
        "stage": Stage(process.stage),
        "can_write": writer,
        "is_org": can_write(request.user),
        "targets": [(t.value, t.label) for t in allowed_targets(current=Stage(process.stage))]
        if writer
        else [],
        "notice": _notice(process),
        "today": timezone.localdate(),
        "transition_form": TransitionForm(),
        "update_form": ProcessUpdateForm(
            initial={
                "reason": process.reason,
                "recommendation_voters": process.recommendation_voters,
            }
        ),
        "add_form": CandidateAddForm(),
        "decline_form": DeclineForm(),
        "withdraw_form": WithdrawForm(),
        "objection_form": ObjectionForm(),
        "resolve_form": ObjectionResolveForm(),
    }


@require_roles(*READ_ROLES)
def process_detail(request: HttpRequest, pk: int) -> HttpResponse:
    process = process_get(user=request.user, pk=pk)
    return render(request, "pipeline/process_detail.html", process_context(request, process))


def _done(request: HttpRequest, process: SelectionProcess, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(process.get_absolute_url())


@require_roles(*WRITE_ROLES)
@require_POST
def process_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    process = process_get(user=request.user, pk=pk)
    data = valid_data(ProcessUpdateForm(request.POST))
    services.process_update(actor=request.user, process=process, **data)
    return _done(request, process, _("已保存。"))


@require_roles(*WRITE_ROLES)
@require_POST
def process_transition_view(request: HttpRequest, pk: int, target: str) -> HttpResponse:
    process = process_get(user=request.user, pk=pk)
    data = valid_data(TransitionForm(request.POST))
    process = services.process_transition(
        actor=request.user, process=process, target=target, **data
    )
    return _done(request, process, _("已转到“%(stage)s”。") % {"stage": Stage(process.stage).label})


@require_roles(*WRITE_ROLES)
@require_POST
def candidate_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    process = process_get(user=request.user, pk=pk)
    form = CandidateAddForm(request.POST, county_id=request.user.county_id)  # type: ignore[union-attr]
    data = valid_data(form)
    candidate = services.candidate_add(
        actor=request.user, process=process, cadre=data["cadre"], added_on=data["added_on"]
    )
    return _done(request, process, _("已将 %(name)s 列为人选。") % {"name": candidate.cadre.name})


@require_roles(*WRITE_ROLES)
@require_POST
def candidate_update_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Votes, 考察 results or the choice of one candidate; htmx gets the candidate table back."""
    candidate = candidate_get(user=request.user, pk=pk)
    if action == "choose":
        fields: dict[str, Any] = {"is_chosen": True}
    elif action in CANDIDATE_FORMS:
        fields = valid_data(CANDIDATE_FORMS[action](request.POST))
    else:
        raise ValidationError(_("没有这项操作。"))
    services.candidate_update(actor=request.user, candidate=candidate, **fields)
    process = process_get(user=request.user, pk=candidate.process_id)
    if request.headers.get("HX-Request"):
        return render(request, "pipeline/_candidates.html", process_context(request, process))
    return _done(request, process, _("已保存 %(name)s 的情况。") % {"name": candidate.cadre.name})


@require_roles(*WRITE_ROLES)
@require_POST
def candidate_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = candidate_get(user=request.user, pk=pk)
    data = valid_data(DeclineForm(request.POST))
    services.candidate_decline(actor=request.user, candidate=candidate, **data)
    return _done(
        request,
        candidate.process,
        _("已记录 %(name)s 不接受提拔。") % {"name": candidate.cadre.name},
    )


@require_roles(*WRITE_ROLES)
@require_POST
def candidate_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = candidate_get(user=request.user, pk=pk)
    data = valid_data(WithdrawForm(request.POST))
    services.candidate_withdraw(actor=request.user, candidate=candidate, **data)
    return _done(
        request, candidate.process, _("%(name)s 已退出人选。") % {"name": candidate.cadre.name}
    )


@require_roles(*WRITE_ROLES)
@require_POST
def objection_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    process = process_get(user=request.user, pk=pk)
    data = valid_data(ObjectionForm(request.POST))
    services.objection_add(actor=request.user, process=process, **data)
    return _done(request, process, _("已登记反映的问题。"))


@require_roles(*WRITE_ROLES)
@require_POST
def objection_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    objection = objection_get(user=request.user, pk=pk)
    data = valid_data(ObjectionResolveForm(request.POST))
    services.objection_resolve(actor=request.user, objection=objection, **data)
    return _done(request, objection.process, _("已记录核查结果。"))
