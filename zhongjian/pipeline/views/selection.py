"""Selection pages: the list, one process with its candidates, and every action on them."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongjian.core.errors import ValidationError
from zhongjian.core.forms import form_submit
from zhongjian.core.holidays import work_calendar
from zhongjian.core.permissions import require_roles
from zhongjian.org.selectors import post_get
from zhongjian.pipeline.access import READ_ROLES, WRITE_ROLES, can_write
from zhongjian.pipeline.choices import CandidateOutcome
from zhongjian.pipeline.choices import SelectionStage as Stage
from zhongjian.pipeline.forms import (
    CandidateAddForm,
    ChooseForm,
    DeclineForm,
    ObjectionForm,
    ObjectionResolveForm,
    ProcessStartForm,
    ProcessUpdateForm,
    RecommendationForm,
    TransitionForm,
    VettingForm,
    WithdrawForm,
)
from zhongjian.pipeline.lists import PROCESS_LIST
from zhongjian.pipeline.models import Candidate, SelectionProcess
from zhongjian.pipeline.selectors.selection import (
    candidate_get,
    objection_get,
    process_get,
    process_list,
)
from zhongjian.pipeline.services import selection as services
from zhongjian.pipeline.workflow import FINAL_STAGES, allowed_targets

CANDIDATE_FORMS = {"recommendation": RecommendationForm, "vetting": VettingForm}


@require_roles(*READ_ROLES)
def process_list_view(request: HttpRequest) -> HttpResponse:
    listing = PROCESS_LIST.page(
        request, process_list(user=request.user), today=timezone.localdate()
    )
    return render(
        request,
        "pipeline/process_list.html",
        {"listing": listing, "can_write": can_write(request.user)},
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


def _row_form(candidate: Candidate, stage: str, bound: forms.Form | None) -> forms.Form | None:
    """The inline form of a candidate's row in this stage (votes, 考察 results), if any."""
    action = {Stage.RECOMMENDATION: "recommendation", Stage.VETTING: "vetting"}.get(stage)
    if action is None or (action == "vetting" and not candidate.is_vetting_target):
        return None
    if bound is not None:
        return bound
    names = CANDIDATE_FORMS[action].base_fields
    initial = {
        name: getattr(candidate, name) for name in names if getattr(candidate, name) is not None
    }
    return CANDIDATE_FORMS[action](initial=initial, auto_id=f"id_%s_{candidate.pk}")


def process_context(
    request: HttpRequest,
    process: SelectionProcess,
    *,
    refused: dict[str, forms.Form] | None = None,
    candidate_id: int | None = None,
    target: str = "",
) -> dict[str, Any]:
    """The process page; REFUSED names the forms the user sent that were refused, shown bound
    (input kept, errors beside the fields) for CANDIDATE_ID's row or the TARGET stage."""
    refused = refused or {}
    writer = can_write(request.user) and not process.is_final
    candidates = list(process.candidates.all())
    for c in candidates:
        mine = c.pk == candidate_id
        auto_id = f"id_%s_{c.pk}"
        c.row_form = _row_form(c, process.stage, refused.get("row") if mine else None)
        c.decline_form = (mine and refused.get("decline")) or DeclineForm(auto_id=auto_id)
        c.withdraw_form = (mine and refused.get("withdraw")) or WithdrawForm(auto_id=auto_id)
        c.open_form = next(
            (name for name in ("decline", "withdraw") if mine and name in refused), ""
        )
    targets = allowed_targets(current=Stage(process.stage)) if writer else []
    return {
        "process": process,
        "candidates": candidates,
        "stage": Stage(process.stage),
        "can_write": writer,
        "is_org": can_write(request.user),
        "transitions": [
            (
                t.value,
                t.label,
                refused["transition"]
                if t.value == target and "transition" in refused
                else TransitionForm(auto_id=f"id_%s_{t.value}"),
            )
            for t in targets
        ],
        "page_errors": _page_errors(refused, candidates, candidate_id, writer=writer),
        "notice": _notice(process),
        "today": timezone.localdate(),
        "update_form": refused.get("update")
        or ProcessUpdateForm(
            initial={
                "reason": process.reason,
                "recommendation_voters": process.recommendation_voters,
            }
        ),
        "add_form": refused.get("add") or CandidateAddForm(),
        "objection_form": refused.get("objection") or ObjectionForm(),
        "resolve_form": refused.get("resolve") or ObjectionResolveForm(),
        "resolve_blank": ObjectionResolveForm(),
        "resolve_id": candidate_id if "resolve" in refused else None,
    }


def _page_errors(
    refused: dict[str, forms.Form],
    candidates: list[Candidate],
    candidate_id: int | None,
    *,
    writer: bool,
) -> list[str]:
    """Refusals not about one field, shown at the top of the page (a section may be hidden in
    the current stage), except those a pending candidate's row shows beside its own form."""
    row = next((c for c in candidates if c.pk == candidate_id), None)
    pending = writer and row is not None and row.outcome == CandidateOutcome.PENDING
    shown = {"decline", "withdraw"} if pending else set()
    if pending and row.row_form is not None:  # type: ignore[union-attr]
        shown.add("row")
    return [
        str(error)
        for name, form in refused.items()
        if name not in shown
        for error in form.non_field_errors()
    ]


@require_roles(*READ_ROLES)
def process_detail(request: HttpRequest, pk: int) -> HttpResponse:
    process = process_get(user=request.user, pk=pk)
    return render(request, "pipeline/process_detail.html", process_context(request, process))


def _done(request: HttpRequest, process: SelectionProcess, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(process.get_absolute_url())


def _refused(request: HttpRequest, process: SelectionProcess, **kwargs: Any) -> HttpResponse:
    """The process page again with the refused form: nothing the user typed is lost."""
    process = process_get(user=request.user, pk=process.pk)
    context = process_context(request, process, **kwargs)
    return render(request, "pipeline/process_detail.html", context, status=400)


@require_roles(*WRITE_ROLES)
def process_start_view(request: HttpRequest, post_pk: int) -> HttpResponse:
    """Start a selection for a vacant post: GET shows the form with the post's seats and the
    selections already running; a post whose vacant seats are all covered asks for a reason."""
    post = post_get(user=request.user, pk=post_pk)
    running = list(
        process_list(user=request.user).filter(post=post).exclude(stage__in=FINAL_STAGES)
    )
    covered = len(running) >= post.vacant_seats
    form = ProcessStartForm(request.POST or None, covered=covered)
    if request.method == "POST":
        process = form_submit(
            form,
            lambda data: services.process_start(actor=request.user, post=post, **data),
        )
        if process is not None:
            messages.success(request, _("已启动“%(post)s”的选任流程。") % {"post": post})
            return redirect(process)
    return render(
        request,
        "pipeline/process_start.html",
        {"post": post, "running": running, "covered": covered, "form": form},
        status=400 if form.errors else 200,
    )


@require_roles(*WRITE_ROLES)
@require_POST
def process_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    process = process_get(user=request.user, pk=pk)
    form = ProcessUpdateForm(request.POST)
    if form_submit(
        form, lambda data: services.process_update(actor=request.user, process=process, **data)
    ):
        return _done(request, process, _("已保存。"))
    return _refused(request, process, refused={"update": form})


@require_roles(*WRITE_ROLES)
@require_POST
def process_transition_view(request: HttpRequest, pk: int, target: str) -> HttpResponse:
    process = process_get(user=request.user, pk=pk)
    form = TransitionForm(request.POST, auto_id=f"id_%s_{target}")
    moved = form_submit(
        form,
        lambda data: services.process_transition(
            actor=request.user, process=process, target=target, **data
        ),
    )
    if moved is not None:
        label = Stage(moved.stage).label
        return _done(request, moved, _("已转到“%(stage)s”。") % {"stage": label})
    return _refused(request, process, refused={"transition": form}, target=target)


@require_roles(*WRITE_ROLES)
@require_POST
def candidate_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    process = process_get(user=request.user, pk=pk)
    form = CandidateAddForm(request.POST, county_id=request.user.county_id)  # type: ignore[union-attr]
    candidate = form_submit(
        form, lambda data: services.candidate_add(actor=request.user, process=process, **data)
    )
    if candidate is not None:
        name = candidate.cadre.name
        return _done(request, process, _("已将 %(name)s 列为人选。") % {"name": name})
    return _refused(request, process, refused={"add": form})


@require_roles(*WRITE_ROLES)
@require_POST
def candidate_update_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Votes, 考察 results or the choice of one candidate; htmx gets the candidate table back,
    with the refused row's input kept and its error beside the field (status 422)."""
    candidate = candidate_get(user=request.user, pk=pk)
    if action == "choose":
        form: forms.Form = ChooseForm(request.POST)
    elif action in CANDIDATE_FORMS:
        form = CANDIDATE_FORMS[action](request.POST, auto_id=f"id_%s_{candidate.pk}")
    else:
        raise ValidationError(_("没有这项操作。"))
    saved = form_submit(
        form,
        lambda data: services.candidate_update(actor=request.user, candidate=candidate, **data),
    )
    process = process_get(user=request.user, pk=candidate.process_id)
    refused = {} if saved else {"row": form}
    if request.headers.get("HX-Request"):
        context = process_context(request, process, refused=refused, candidate_id=candidate.pk)
        context["partial"] = True
        status = 200 if saved else 422
        return render(request, "pipeline/_candidates.html", context, status=status)
    if saved is None:
        return _refused(request, process, refused=refused, candidate_id=candidate.pk)
    return _done(request, process, _("已保存 %(name)s 的情况。") % {"name": candidate.cadre.name})


def _candidate_action(
    request: HttpRequest, pk: int, name: str, form_class: type[forms.Form], perform: Any, done: str
) -> HttpResponse:
    candidate = candidate_get(user=request.user, pk=pk)
    form = form_class(request.POST, auto_id=f"id_%s_{candidate.pk}")
    if form_submit(form, lambda data: perform(actor=request.user, candidate=candidate, **data)):
        return _done(request, candidate.process, done % {"name": candidate.cadre.name})
    return _refused(request, candidate.process, refused={name: form}, candidate_id=candidate.pk)


@require_roles(*WRITE_ROLES)
@require_POST
def candidate_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _candidate_action(
        request,
        pk,
        "decline",
        DeclineForm,
        services.candidate_decline,
        _("已记录 %(name)s 不接受提拔。"),
    )


@require_roles(*WRITE_ROLES)
@require_POST
def candidate_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _candidate_action(
        request,
        pk,
        "withdraw",
        WithdrawForm,
        services.candidate_withdraw,
        _("%(name)s 已退出人选。"),
    )


@require_roles(*WRITE_ROLES)
@require_POST
def objection_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    process = process_get(user=request.user, pk=pk)
    form = ObjectionForm(request.POST)
    if form_submit(
        form, lambda data: services.objection_add(actor=request.user, process=process, **data)
    ):
        return _done(request, process, _("已登记反映的问题。"))
    return _refused(request, process, refused={"objection": form})


@require_roles(*WRITE_ROLES)
@require_POST
def objection_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    objection = objection_get(user=request.user, pk=pk)
    form = ObjectionResolveForm(request.POST)
    if form_submit(
        form,
        lambda data: services.objection_resolve(actor=request.user, objection=objection, **data),
    ):
        return _done(request, objection.process, _("已记录核查结果。"))
    return _refused(
        request, objection.process, refused={"resolve": form}, candidate_id=objection.pk
    )
