"""Reads of the registry, always narrowed to what the acting user may see."""

import datetime
from typing import Any

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from zhongjian.accounts.roles import Role
from zhongjian.core.models import AuditLog
from zhongjian.core.permissions import get_scoped_or_404, scoped
from zhongjian.org.choices import CadreStatus
from zhongjian.org.models import (
    Appointment,
    Cadre,
    CorrectionRequest,
    CorrectionStatus,
    Post,
    RankGrant,
    Unit,
)


def unit_list(*, user: Any) -> QuerySet[Unit]:
    return scoped(Unit.objects.all(), user, unit_field="id").order_by("kind", "code")


def unit_get(*, user: Any, pk: object) -> Unit:
    return get_scoped_or_404(Unit.objects.all(), user, pk, unit_field="id")


def holder_count(post: str = "pk") -> Coalesce:
    """The number of current holders (在任人数) of the post whose id is the outer field POST."""
    # By post alone: with the county in the condition SQLite picks the (county, end_date) index
    # and scans the county's appointments once per post (seconds per page).
    holders = (
        Appointment.objects.filter(post_id=OuterRef(post), end_date__isnull=True)
        .values("post_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(holders), 0)


def vacant_seats(headcount: str = "headcount", holders: str = "holder_count") -> Greatest:
    """空缺职数, the one definition every page uses: 职数 − current holders, never below 0."""
    return Greatest(F(headcount) - F(holders), Value(0))


def with_seats(posts: QuerySet[Post]) -> QuerySet[Post]:
    """POSTS with `holder_count` and `vacant_seats`."""
    return posts.annotate(holder_count=holder_count()).annotate(vacant_seats=vacant_seats())


def post_list(*, user: Any, unit: Unit | None = None) -> QuerySet[Post]:
    posts = scoped(Post.objects.filter(is_active=True), user).select_related("unit")
    if unit is not None:
        posts = posts.filter(unit=unit)
    return with_seats(posts)


def post_get(*, user: Any, pk: object) -> Post:
    return get_scoped_or_404(with_seats(Post.objects.select_related("unit")), user, pk)


def post_current_holders(*, post: Post) -> QuerySet[Appointment]:
    return post.appointments.filter(end_date__isnull=True).select_related("cadre")


def post_history(*, post: Post) -> QuerySet[Appointment]:
    return post.appointments.select_related("cadre").order_by("-start_date")


def cadre_list(
    *,
    user: Any,
    query: str = "",
    unit_id: int | None = None,
    status: str | None = CadreStatus.ACTIVE,
) -> QuerySet[Cadre]:
    cadres = scoped(Cadre.objects.all(), user, cadre_field="id").select_related("unit")
    if status:
        cadres = cadres.filter(status=status)
    if unit_id is not None:
        cadres = cadres.filter(unit_id=unit_id)
    query = query.strip()
    if query:
        cadres = cadres.filter(Q(name__contains=query) | Q(staff_no__icontains=query))
    return cadres.order_by("unit__code", "staff_no")


def cadre_get(*, user: Any, pk: object) -> Cadre:
    """A cadre record: the organization department county-wide, a unit head in their unit, a cadre
    only their own record."""
    return get_scoped_or_404(
        Cadre.objects.select_related("unit").prefetch_related(
            Prefetch(
                "appointments",
                queryset=Appointment.objects.select_related("post", "unit").order_by("-start_date"),
            ),
            Prefetch("rank_grants", queryset=RankGrant.objects.order_by("-granted_on")),
        ),
        user,
        pk,
        cadre_field="id",
    )


def appointment_list(
    *,
    user: Any,
    unit_id: int | None = None,
    cadre_id: int | None = None,
    post_id: int | None = None,
    current: bool | None = None,
) -> QuerySet[Appointment]:
    """Appointments the user may see: county-wide, of their unit, or (a cadre) their own."""
    appointments = scoped(Appointment.objects.all(), user, cadre_field="cadre_id")
    if unit_id is not None:
        appointments = appointments.filter(unit_id=unit_id)
    if cadre_id is not None:
        appointments = appointments.filter(cadre_id=cadre_id)
    if post_id is not None:
        appointments = appointments.filter(post_id=post_id)
    if current is not None:
        appointments = appointments.filter(end_date__isnull=current)
    return appointments.select_related("cadre", "post", "unit").order_by("-start_date", "-id")


def appointment_get(*, user: Any, pk: object) -> Appointment:
    return get_scoped_or_404(
        Appointment.objects.select_related("cadre", "post", "unit"),
        user,
        pk,
        cadre_field="cadre_id",
    )


def years_between(start: datetime.date, end: datetime.date) -> float:
    return round((end - start).days / 365.25, 1)


def correction_request_list(*, user: Any, open_only: bool = True) -> QuerySet[CorrectionRequest]:
    """Correction requests the user may see: the county's (organization department) or their
    unit's (unit head), open ones only unless OPEN_ONLY is false."""
    requests = scoped(CorrectionRequest.objects.all(), user)
    if open_only:
        requests = requests.filter(status=CorrectionStatus.OPEN)
    else:
        requests = requests.exclude(status=CorrectionStatus.OPEN)
    return requests.select_related("cadre", "post", "post__unit", "unit", "requested_by")


def correction_request_get(*, user: Any, pk: object) -> CorrectionRequest:
    return get_scoped_or_404(
        CorrectionRequest.objects.select_related("cadre", "post", "post__unit"), user, pk
    )


def correction_request_open_count(*, user: Any) -> int:
    return correction_request_list(user=user).count()


def cadre_history(*, user: Any, cadre: Cadre, limit: int = 50) -> list[AuditLog]:
    """The audit rows of CADRE's record, appointments and rank grants, newest first.

    For the organization department, who keeps the record: the changed field names, who and
    when (the audit row never holds the values). Other roles get nothing.
    """
    if getattr(user, "role", None) != Role.ORG_DEPARTMENT or user.county_id != cadre.county_id:
        return []
    appointments = [str(pk) for pk in cadre.appointments.values_list("pk", flat=True)]
    grants = [str(pk) for pk in cadre.rank_grants.values_list("pk", flat=True)]
    rows = AuditLog.objects.filter(county_id=cadre.county_id).filter(
        Q(object_type="cadre", object_id=str(cadre.pk))
        | Q(object_type="appointment", object_id__in=appointments)
        | Q(object_type="rank_grant", object_id__in=grants)
    )
    return list(rows.order_by("-at", "-id")[:limit])
