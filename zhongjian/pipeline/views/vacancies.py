"""The vacancy board (空缺岗位): open vacancy episodes with their vacant seats and selections."""

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from zhongjian.core.holidays import calendar_warnings
from zhongjian.core.permissions import require_roles
from zhongjian.pipeline.access import READ_ROLES, can_write
from zhongjian.pipeline.lists import VACANCY_LIST
from zhongjian.pipeline.models import Vacancy
from zhongjian.pipeline.selectors.vacancies import long_vacancy_cutoff, vacancy_list


def vacancy_board_rows(user: Any, params: Mapping[str, str]) -> QuerySet[Vacancy]:
    """The board's vacancies for its query parameters; the Excel export reads the same."""
    today = timezone.localdate()
    return VACANCY_LIST.rows(vacancy_list(user=user, today=today), params, user=user, today=today)


@require_roles(*READ_ROLES)
def vacancy_board(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    listing = VACANCY_LIST.page(request, vacancy_list(user=request.user, today=today), today=today)
    cutoff = long_vacancy_cutoff(today)
    writer = can_write(request.user)
    rows = list(listing.page)
    for vacancy in rows:
        vacancy.days = vacancy.days_open(today)
        vacancy.is_long = vacancy.opened_on <= cutoff
        # Past the headcount no selection may start; past the vacant seats, only with a reason.
        vacancy.can_start = writer and vacancy.running < vacancy.post.headcount
    return render(
        request,
        "pipeline/vacancy_board.html",
        {
            "listing": listing,
            "rows": rows,
            "today": today,
            "warnings": calendar_warnings(years=[today.year], county_id=request.user.county_id),
        },
    )
