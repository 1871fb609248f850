"""Departures (离岗): the list, recording one, the exit interview and returns from secondment."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongjian.core.audit import audit_read
from zhongjian.core.forms import form_submit
from zhongjian.core.models import AuditObject
from zhongjian.core.permissions import require_roles
from zhongjian.org.models import Cadre
from zhongjian.pipeline.access import READ_ROLES, WRITE_ROLES, can_write
from zhongjian.pipeline.choices import DepartureKind, DestinationLevel, ExitReason
from zhongjian.pipeline.forms import DepartureForm, ExitInterviewForm, ReturnForm
from zhongjian.pipeline.lists import DEPARTURE_LIST
from zhongjian.pipeline.models import Departure
from zhongjian.pipeline.selectors.departures import (
    departure_get,
    departure_list,
    secondments_away,
)
from zhongjian.pipeline.services import departures as services

# 2024《整治形式主义为基层减负若干规定》: upper organs in principle do not second cadres from
# county level and below; shown beside such secondments, not enforced.
UPPER_LEVELS = (DestinationLevel.CITY, DestinationLevel.PROVINCE, DestinationLevel.CENTRAL)


@require_roles(*READ_ROLES)
def departure_list_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    listing = DEPARTURE_LIST.page(
        request, departure_list(user=request.user, today=today), today=today
    )
    return render(
        request,
        "pipeline/departure_list.html",
        {
            "listing": listing,
            "today": today,
            "away": secondments_away(user=request.user)[:200],
            "can_write": can_write(request.user),
        },
    )


@require_roles(*WRITE_ROLES)
def departure_record_view(request: HttpRequest) -> HttpResponse:
    """Record a departure; GET ?cadre=ID fills in the cadre from their record page."""
    county_id = request.user.county_id  # type: ignore[union-attr]
    status = 200
    if request.method == "POST":
        form = DepartureForm(request.POST, county_id=county_id)
        departure = form_submit(
            form, lambda data: services.departure_record(actor=request.user, **data)
        )
        if departure is not None:
            messages.success(request, _("已登记 %(name)s 离岗。") % {"name": departure.cadre})
            return redirect(departure)
        status = 400
    else:
        initial: dict[str, Any] = {}
        cadre_id = request.GET.get("cadre", "")
        if cadre_id.isdigit():
            cadre = Cadre.objects.filter(pk=int(cadre_id), county_id=county_id).first()
            initial["cadre"] = cadre.staff_no if cadre else ""
        form = DepartureForm(initial=initial, county_id=county_id)
    return render(request, "pipeline/departure_form.html", {"form": form}, status=status)


def departure_context(request: HttpRequest, departure: Departure) -> dict[str, Any]:
    interview = getattr(departure, "exit_interview", None)
    if interview is not None:
        # An exit interview is a person's reasons for leaving: its reads are audited.
        audit_read(
            actor=request.user,
            object_type=AuditObject.EXIT_INTERVIEW,
            object_id=interview.pk,
            county_id=departure.county_id,
            unit_id=departure.cadre.unit_id,
            summary="detail",
        )
    initial = (
        {
            "interviewed_on": interview.interviewed_on,
            "reasons": interview.reasons,
            "details": interview.details,
            "would_return_if": interview.would_return_if,
        }
        if interview
        else {}
    )
    return {
        "departure": departure,
        "interview": interview,
        "interview_labels": [ExitReason(r).label for r in interview.reasons] if interview else [],
        "is_org": can_write(request.user),
        "today": timezone.localdate(),
        "upper_secondment": departure.kind == DepartureKind.SECONDMENT
        and departure.destination_level in UPPER_LEVELS,
        "interview_form": ExitInterviewForm(initial=initial),
        "return_form": ReturnForm(),
    }


@require_roles(*READ_ROLES)
def departure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    departure = departure_get(user=request.user, pk=pk)
    return render(request, "pipeline/departure_detail.html", departure_context(request, departure))


@require_roles(*WRITE_ROLES)
@require_POST
def exit_interview_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    departure = departure_get(user=request.user, pk=pk)
    form = ExitInterviewForm(request.POST)
    if form_submit(
        form,
        lambda data: services.exit_interview_record(
            actor=request.user, departure=departure, **data
        ),
    ):
        messages.success(request, _("已保存离岗谈话。"))
        return redirect(departure)
    context = departure_context(request, departure) | {"interview_form": form}
    return render(request, "pipeline/departure_detail.html", context, status=400)


@require_roles(*WRITE_ROLES)
@require_POST
def secondment_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    departure = departure_get(user=request.user, pk=pk)
    form = ReturnForm(request.POST)
    if form_submit(
        form,
        lambda data: services.secondment_return(actor=request.user, departure=departure, **data),
    ):
        messages.success(request, _("已登记借调返回。"))
        return redirect(departure)
    context = departure_context(request, departure) | {"return_form": form}
    return render(request, "pipeline/departure_detail.html", context, status=400)
