"""The succession bench (后备) board: depth per mid-level post, with eligibility hints."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongjian.core.permissions import get_scoped_or_404, require_roles
from zhongjian.org.selectors import post_get
from zhongjian.pipeline.access import READ_ROLES, WRITE_ROLES, can_write
from zhongjian.pipeline.forms import (
    BenchAddForm,
    BenchFilterForm,
    BenchReadinessForm,
    DateForm,
    valid_data,
)
from zhongjian.pipeline.models import BenchEntry
from zhongjian.pipeline.selectors.bench import bench_for_posts, bench_posts, bench_summary
from zhongjian.pipeline.services import bench as services


@require_roles(*READ_ROLES)
def bench_board(request: HttpRequest) -> HttpResponse:
    filters = BenchFilterForm(request.GET)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    posts = bench_posts(
        user=request.user,
        tier=cleaned.get("tier", ""),
        unit_kind=cleaned.get("unit_kind", ""),
        empty_only=cleaned.get("empty_only", False),
    )
    page = Paginator(posts, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "pipeline/bench_board.html",
        {
            "filters": filters,
            "page": page,
            "rows": bench_for_posts(posts=list(page), today=timezone.localdate()),
            "summary": bench_summary(user=request.user),
            "query": query.urlencode(),
            "can_write": can_write(request.user),
            "add_form": BenchAddForm(),
            "readiness_form": BenchReadinessForm(),
        },
    )


def _back(request: HttpRequest, message: str) -> HttpResponse:
    messages.success(request, message)
    # Back to the filtered page of the board the clerk was on; re-encoded, so nothing but a
    # query string can come through.
    query = QueryDict(request.POST.get("next_query", "")).urlencode()
    url = reverse("pipeline:bench")
    return redirect(f"{url}?{query}" if query else url)


@require_roles(*WRITE_ROLES)
@require_POST
def bench_add_view(request: HttpRequest, post_pk: int) -> HttpResponse:
    post = post_get(user=request.user, pk=post_pk)
    form = BenchAddForm(request.POST, county_id=request.user.county_id)  # type: ignore[union-attr]
    data = valid_data(form)
    entry = services.bench_add(actor=request.user, post=post, **data)
    return _back(request, _("已将 %(name)s 列为后备人选。") % {"name": entry.cadre.name})


def _entry(request: HttpRequest, pk: int) -> BenchEntry:
    return get_scoped_or_404(BenchEntry.objects.select_related("cadre"), request.user, pk)


@require_roles(*WRITE_ROLES)
@require_POST
def bench_readiness_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    data = valid_data(BenchReadinessForm(request.POST))
    services.bench_set_readiness(actor=request.user, entry=entry, readiness=data["readiness"])
    return _back(request, _("已更新 %(name)s 的成熟度。") % {"name": entry.cadre.name})


@require_roles(*WRITE_ROLES)
@require_POST
def bench_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    data = valid_data(DateForm(request.POST))
    services.bench_remove(actor=request.user, entry=entry, removed_on=data["on"])
    return _back(request, _("已将 %(name)s 移出后备。") % {"name": entry.cadre.name})
