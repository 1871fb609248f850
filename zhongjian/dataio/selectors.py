"""Reads of import jobs: the organization department sees its county's jobs, nobody else any."""

from typing import Any

from django.db.models import QuerySet

from zhongjian.core.permissions import get_scoped_or_404, scoped
from zhongjian.dataio.models import ImportJob


def import_job_list(*, user: Any) -> QuerySet[ImportJob]:
    jobs = scoped(ImportJob.objects.defer("data"), user, unit_field=None)
    return jobs.select_related("created_by").order_by("-created_at", "-id")


def import_job_get(*, user: Any, pk: object) -> ImportJob:
    return get_scoped_or_404(
        ImportJob.objects.defer("data").select_related("created_by"), user, pk, unit_field=None
    )
