"""The vacancy board (空缺岗位) and starting a selection for a vacant post."""

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongjian.core.holidays import calendar_warnings
from zhongjian.core.permissions import require_roles
from zhongjian.org.selectors import post_get
from zhongjian.pipeline.access import READ_ROLES, WRITE_ROLES, can_write
from zhongjian.pipeline.forms import ProcessStartForm, VacancyFilterForm, valid_data
from zhongjian.pipeline.models import Vacancy
from zhongjian.pipeline.selectors.vacancies import long_vacancy_cutoff, vacancy_list
from zhongjian.pipeline.services.selection import process_start


def vacancy_board_rows(user: Any, params: Mapping[str, str]) -> QuerySet[Vacancy]:
    """The board's vacancies for its query parameters; the Excel export reads the same."""
    filters = VacancyFilterForm(params)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    return vacancy_list(
        user=user,
        today=timezone.localdate(),
        unit_kind=cleaned.get("unit_kind", ""),
        tier=cleaned.get("tier", ""),
        over_six_months=cleaned.get("over_six_months", False),
    )


@require_roles(*READ_ROLES)
def vacancy_board(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filters = VacancyFilterForm(request.GET)
    vacancies = vacancy_board_rows(request.user, request.GET)
    page = Paginator(vacancies, 50).get_page(request.GET.get("page"))
    cutoff = long_vacancy_cutoff(today)
    writer = can_write(request.user)
    for vacancy in page:
        vacancy.days = vacancy.days_open(today)
        vacancy.is_long = vacancy.opened_on <= cutoff
        # One selection per seat: a post with seats left may start another.
        vacancy.can_start = writer and len(vacancy.post.open_processes) < vacancy.post.headcount
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "pipeline/vacancy_board.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "today": today,
            "start_form": ProcessStartForm(),
            "warnings": calendar_warnings(years=[today.year], county_id=request.user.county_id),
        },
    )


@require_roles(*WRITE_ROLES)
@require_POST
def process_start_view(request: HttpRequest, post_pk: int) -> HttpResponse:
    post = post_get(user=request.user, pk=post_pk)
    data = valid_data(ProcessStartForm(request.POST))
    process = process_start(
        actor=request.user, post=post, started_on=data["started_on"], reason=data["reason"]
    )
    messages.success(request, _("已启动“%(post)s”的选任流程。") % {"post": post})
    return redirect(process)
