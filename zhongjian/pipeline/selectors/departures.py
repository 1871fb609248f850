"""Reads of departures (离岗) and secondments, scoped to the user."""

import datetime
from typing import Any

from django.db.models import Q, QuerySet

from zhongjian.core.permissions import get_scoped_or_404, scoped
from zhongjian.pipeline.choices import DepartureKind
from zhongjian.pipeline.models import Departure

AWAY = Q(kind=DepartureKind.SECONDMENT, returned_on__isnull=True, followed_by__isnull=True)


def departure_list(
    *,
    user: Any,
    today: datetime.date,
    kind: str = "",
    year: int | None = None,
    overdue_only: bool = False,
) -> QuerySet[Departure]:
    """Departures from the units the user may see, newest first."""
    departures = scoped(Departure.objects.all(), user).select_related("cadre", "unit")
    if kind:
        departures = departures.filter(kind=kind)
    if year is not None:
        departures = departures.filter(departed_on__year=year)
    if overdue_only:
        departures = departures.filter(AWAY, planned_return_on__lt=today)
    return departures.order_by("-departed_on", "-id")


def departure_get(*, user: Any, pk: object) -> Departure:
    return get_scoped_or_404(
        Departure.objects.select_related(
            "cadre__county", "cadre__unit", "unit", "exit_interview", "followed_by"
        ),
        user,
        pk,
    )


def secondments_away(*, user: Any) -> QuerySet[Departure]:
    """Seconded cadres who are away now: their posts look filled but nobody is there."""
    return (
        scoped(Departure.objects.filter(AWAY), user)
        .select_related("cadre", "unit")
        .order_by("planned_return_on", "id")
    )
