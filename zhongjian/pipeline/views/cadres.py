"""One cadre's pipeline record: selections, declines, bench places and departures."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhongjian.core.permissions import require_roles, scoped
from zhongjian.org.selectors import cadre_get
from zhongjian.pipeline.access import READ_ROLES, can_write
from zhongjian.pipeline.models import BenchEntry, Candidate, Departure


@require_roles(*READ_ROLES)
def cadre_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The cadre must be in the user's scope (404 otherwise). A unit head sees only the
    selections, bench places and departures of their own unit, without decline reasons, exit
    interviews or documents."""
    cadre = cadre_get(user=request.user, pk=pk)
    return render(
        request,
        "pipeline/cadre_record.html",
        {
            "cadre": cadre,
            "candidacies": scoped(
                Candidate.objects.all(), request.user, unit_field="process__unit_id"
            )
            .filter(cadre=cadre)
            .select_related("process__post__unit", "decline")
            .order_by("-added_on"),
            "bench": scoped(BenchEntry.objects.all(), request.user)
            .filter(cadre=cadre)
            .select_related("post__unit")
            .order_by("-added_on"),
            "departures": scoped(Departure.objects.all(), request.user)
            .filter(cadre=cadre)
            .order_by("-departed_on"),
            "is_org": can_write(request.user),
        },
    )
