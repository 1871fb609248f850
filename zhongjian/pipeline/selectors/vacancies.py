"""Reads of vacancy episodes: the vacancy board (空缺岗位) per scope."""

import datetime
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from zhongjian.core.permissions import scoped
from zhongjian.org.rules import add_months
from zhongjian.org.selectors import holder_count, vacant_seats
from zhongjian.pipeline.models import SelectionProcess, Vacancy
from zhongjian.pipeline.workflow import FINAL_STAGES

LONG_VACANCY_MONTHS = 6


def long_vacancy_cutoff(today: datetime.date) -> datetime.date:
    """Episodes opened on or before this day have been open longer than six months."""
    return add_months(today, -LONG_VACANCY_MONTHS)


def vacancy_list(
    *,
    user: Any,
    today: datetime.date,
    unit_kind: str = "",
    tier: str = "",
    over_six_months: bool = False,
) -> QuerySet[Vacancy]:
    """Open vacancy episodes of active posts the user may see, longest open first.

    Each carries `holder_count`, `vacant_seats` (职数 − current holders, as everywhere), `running`
    (selections under way for the post) and `covered` (every vacant seat has a running
    selection); each post carries `open_processes`, those selections.
    """
    running_count = (
        SelectionProcess.objects.filter(
            county_id=OuterRef("county_id"), post_id=OuterRef("post_id")
        )
        .exclude(stage__in=FINAL_STAGES)
        .values("post_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    vacancies = (
        scoped(Vacancy.objects.filter(closed_on__isnull=True, post__is_active=True), user)
        .select_related("post", "unit")
        .annotate(
            holder_count=holder_count("post_id"), running=Coalesce(Subquery(running_count), 0)
        )
        .annotate(vacant_seats=vacant_seats("post__headcount"))
        .annotate(
            covered=Case(
                When(running__gte=F("vacant_seats"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    if unit_kind:
        vacancies = vacancies.filter(unit__kind=unit_kind)
    if tier:
        vacancies = vacancies.filter(post__tier=tier)
    if over_six_months:
        vacancies = vacancies.filter(opened_on__lte=long_vacancy_cutoff(today))
    running = SelectionProcess.objects.exclude(stage__in=FINAL_STAGES)
    return vacancies.prefetch_related(
        Prefetch("post__selections", queryset=running, to_attr="open_processes")
    ).order_by("opened_on", "id")
