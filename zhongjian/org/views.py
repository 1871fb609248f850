"""Registry pages: unit, post and cadre lists and details, each scoped to the signed-in user."""

from collections.abc import Mapping

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from zhongjian.accounts.roles import REGISTRY_ROLES, Role
from zhongjian.core.permissions import require_roles
from zhongjian.org.lists import CADRE_LIST, current_posts, roster_rows, tier_rank
from zhongjian.org.rules import statutory_retirement_date
from zhongjian.org.selectors import (
    cadre_get,
    cadre_list,
    post_current_holders,
    post_get,
    post_history,
    post_list,
    unit_get,
    unit_list,
    years_between,
)


@require_roles(*REGISTRY_ROLES)
def unit_list_view(request: HttpRequest) -> HttpResponse:
    units = unit_list(user=request.user)
    return render(request, "org/unit_list.html", {"units": units})


@require_roles(*REGISTRY_ROLES)
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = unit_get(user=request.user, pk=pk)
    posts = post_list(user=request.user, unit=unit).order_by(tier_rank("tier"), "title")
    cadre_count = cadre_list(user=request.user, unit_id=unit.pk).count()
    return render(
        request,
        "org/unit_detail.html",
        {"unit": unit, "posts": posts, "cadre_count": cadre_count},
    )


@require_roles(*REGISTRY_ROLES)
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = post_get(user=request.user, pk=pk)
    return render(
        request,
        "org/post_detail.html",
        {
            "post": post,
            "holders": post_current_holders(post=post),
            "history": post_history(post=post)[:50],
        },
    )


def unit_id_param(params: Mapping[str, str]) -> int | None:
    """The `unit` query parameter as a unit id, or None when absent or not a number."""
    unit_id = params.get("unit", "")
    return int(unit_id) if unit_id.isdigit() and len(unit_id) < 19 else None


@require_roles(*REGISTRY_ROLES)
def cadre_list_view(request: HttpRequest) -> HttpResponse:
    cadres = roster_rows(cadre_list(user=request.user, status=None))
    today = timezone.localdate()
    listing = CADRE_LIST.page(request, cadres, today=today)
    rows = list(listing.page)
    for cadre in rows:
        cadre.age = cadre.age_on(today)
        cadre.posts = current_posts(cadre)
    return render(request, "org/cadre_list.html", {"listing": listing, "rows": rows})


@require_roles(*REGISTRY_ROLES, Role.CADRE)
def cadre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_cadre(request, pk=pk)


def render_cadre(request: HttpRequest, *, pk: object) -> HttpResponse:
    """The cadre record page; `cadre_get` refuses records outside the user's scope with 404."""
    cadre = cadre_get(user=request.user, pk=pk)
    today = timezone.localdate()
    appointments = list(cadre.appointments.all())
    current = [a for a in appointments if a.end_date is None]
    retirement = statutory_retirement_date(
        gender=cadre.gender, birth_date=cadre.birth_date, is_worker=cadre.is_worker
    )
    return render(
        request,
        "org/cadre_detail.html",
        {
            "cadre": cadre,
            "age": cadre.age_on(today),
            "current": current,
            "appointments": appointments,
            "rank_grants": list(cadre.rank_grants.all()),
            "retirement_date": retirement,
            "years_to_retirement": years_between(today, retirement),
            "is_own_record": request.user.cadre_id == cadre.pk,  # type: ignore[union-attr]
        },
    )
