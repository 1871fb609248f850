"""The succession bench (后备) board: depth per mid-level post, with eligibility hints.

The board has no per-row forms (they cost half its rendering time); adding a candidate to a post
and adjusting one open their own small pages, which also re-render a refused form in place.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongjian.core.forms import form_submit
from zhongjian.core.permissions import get_scoped_or_404, require_roles
from zhongjian.org.selectors import post_get
from zhongjian.pipeline.access import READ_ROLES, WRITE_ROLES, can_write
from zhongjian.pipeline.forms import BenchAddForm, BenchReadinessForm, BenchRemoveForm
from zhongjian.pipeline.lists import BENCH_LIST
from zhongjian.pipeline.models import BenchEntry
from zhongjian.pipeline.selectors.bench import bench_for_posts, bench_posts, bench_summary
from zhongjian.pipeline.services import bench as services


@require_roles(*READ_ROLES)
def bench_board(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    listing = BENCH_LIST.page(request, bench_posts(user=request.user), today=today)
    return render(
        request,
        "pipeline/bench_board.html",
        {
            "listing": listing,
            "rows": bench_for_posts(posts=list(listing.page), today=today),
            "summary": bench_summary(user=request.user),
            "can_write": can_write(request.user),
            "next_query": request.GET.urlencode(),
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
def bench_add_view(request: HttpRequest, post_pk: int) -> HttpResponse:
    post = post_get(user=request.user, pk=post_pk)
    county_id = request.user.county_id  # type: ignore[union-attr]
    form = BenchAddForm(request.POST or None, county_id=county_id)
    if request.method == "POST":
        entry = form_submit(
            form, lambda data: services.bench_add(actor=request.user, post=post, **data)
        )
        if entry is not None:
            return _back(request, _("已将 %(name)s 列为后备人选。") % {"name": entry.cadre.name})
    return render(
        request,
        "pipeline/bench_add.html",
        {"post": post, "form": form, "next_query": request.GET.get("next", "")},
        status=400 if form.errors else 200,
    )


def _entry(request: HttpRequest, pk: int) -> BenchEntry:
    return get_scoped_or_404(
        BenchEntry.objects.select_related("cadre__unit", "post__unit"), request.user, pk
    )


def _entry_page(
    request: HttpRequest,
    entry: BenchEntry,
    *,
    readiness_form: BenchReadinessForm | None = None,
    remove_form: BenchRemoveForm | None = None,
) -> HttpResponse:
    refused = readiness_form is not None or remove_form is not None
    return render(
        request,
        "pipeline/bench_entry.html",
        {
            "entry": entry,
            "readiness_form": readiness_form
            or BenchReadinessForm(initial={"readiness": entry.readiness}),
            "remove_form": remove_form or BenchRemoveForm(),
            "next_query": request.POST.get("next_query", request.GET.get("next", "")),
        },
        status=400 if refused else 200,
    )


@require_roles(*WRITE_ROLES)
def bench_entry_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One bench candidate: change the readiness or take them off the bench."""
    return _entry_page(request, _entry(request, pk))


@require_roles(*WRITE_ROLES)
@require_POST
def bench_set_readiness_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    form = BenchReadinessForm(request.POST)
    if form_submit(
        form, lambda data: services.bench_set_readiness(actor=request.user, entry=entry, **data)
    ):
        return _back(request, _("已更新 %(name)s 的成熟度。") % {"name": entry.cadre.name})
    return _entry_page(request, entry, readiness_form=form)


@require_roles(*WRITE_ROLES)
@require_POST
def bench_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    form = BenchRemoveForm(request.POST)
    if form_submit(
        form, lambda data: services.bench_remove(actor=request.user, entry=entry, **data)
    ):
        return _back(request, _("已将 %(name)s 移出后备。") % {"name": entry.cadre.name})
    return _entry_page(request, entry, remove_form=form)
