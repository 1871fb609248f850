"""Reads of selection processes, candidates, declines and objections, scoped to the user."""

from typing import Any

from django.db.models import Prefetch, QuerySet

from zhongjian.core.permissions import get_scoped_or_404, scoped
from zhongjian.pipeline.models import Candidate, Decline, Objection, SelectionProcess
from zhongjian.pipeline.workflow import FINAL_STAGES


def process_list(*, user: Any, stage: str = "", running_only: bool = False) -> QuerySet:
    """Selections the user may see: county-wide for the organization department, the unit's
    own posts for a unit head."""
    processes = scoped(
        SelectionProcess.objects.all(), user, joined=("post", "unit")
    ).select_related("post", "unit")
    if stage:
        processes = processes.filter(stage=stage)
    if running_only:
        processes = processes.exclude(stage__in=FINAL_STAGES)
    return processes.order_by("-started_on", "-id")


def process_get(*, user: Any, pk: object) -> SelectionProcess:
    """One selection with its candidates, objections and timeline; 404 outside the scope."""
    return get_scoped_or_404(
        SelectionProcess.objects.select_related(
            "post__unit", "vacancy", "appointment"
        ).prefetch_related(
            Prefetch(
                "candidates",
                queryset=Candidate.objects.select_related("cadre__unit", "decline").order_by(
                    "vetting_rank", "-votes", "id"
                ),
            ),
            "objections",
            "stage_changes",
        ),
        user,
        pk,
    )


def candidate_get(*, user: Any, pk: object) -> Candidate:
    return get_scoped_or_404(
        Candidate.objects.select_related("process__post__unit", "cadre__unit", "cadre__county"),
        user,
        pk,
        unit_field="process__unit_id",
    )


def objection_get(*, user: Any, pk: object) -> Objection:
    return get_scoped_or_404(
        Objection.objects.select_related("process", "candidate__cadre"),
        user,
        pk,
        unit_field="process__unit_id",
        county_field="process__county_id",
    )


def decline_get(*, user: Any, pk: object) -> Decline:
    return get_scoped_or_404(
        Decline.objects.select_related("cadre__unit", "cadre__county", "post__unit"), user, pk
    )
