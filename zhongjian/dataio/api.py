"""JSON API of imports (/api/v1/imports): submit a file, follow the job, read its problems.

Only the organization department imports; a job of another county is a 404.
"""

import datetime

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from zhongjian.accounts.roles import Role
from zhongjian.core.api import ObjectId, Pagination, api_user
from zhongjian.core.errors import ValidationError
from zhongjian.dataio import selectors, services
from zhongjian.dataio.columns import ImportKind
from zhongjian.dataio.models import ImportJob, ImportStatus
from zhongjian.dataio.progress import progress_read
from zhongjian.dataio.services import MEGABYTE

router = Router(tags=["导入"])


class ProgressOut(Schema):
    phase: str
    label: str
    done: int
    total: int | None
    percent: int | None


class ImportJobOut(Schema):
    id: int
    kind: ImportKind
    filename: str
    sheet: str
    status: ImportStatus
    commit: bool = Field(..., description="检查通过后是否直接导入（否则停在 ready 等待 confirm）")
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    rows: int
    created_count: int
    updated_count: int
    unchanged_count: int
    error_count: int
    warnings: list[str]
    message: str
    progress: ProgressOut | None

    @staticmethod
    def resolve_progress(job: ImportJob) -> ProgressOut | None:
        progress = progress_read(job.pk) if job.is_running else None
        if progress is None:
            return None
        return ProgressOut(
            phase=progress.phase,
            label=progress.label,
            done=progress.done,
            total=progress.total,
            percent=progress.percent,
        )


class ImportErrorOut(Schema):
    row: int | None
    column: str | None
    message: str
    text: str


@router.post("/imports", response={202: ImportJobOut})
def import_job_submit(
    request: HttpRequest,
    file: File[UploadedFile],
    kind: Form[ImportKind],
    sheet: Form[str] = "",
    dry_run: Form[bool] = False,
) -> Status[ImportJob]:
    """Upload an .xlsx or .csv (multipart) and import it; with `dry_run` only check and preview.

    The answer comes at once with the job; follow it at `GET /imports/{id}`. A valid file is
    imported whole, a file with any problem not at all (status `invalid`, problems at
    `GET /imports/{id}/errors`). A dry run ends at `ready`; `POST /imports/{id}/confirm`
    then imports it.
    """
    user = api_user(request, Role.ORG_DEPARTMENT)
    if file.size is not None and file.size > settings.IMPORT_MAX_MB * MEGABYTE:
        raise ValidationError(
            _("文件太大（%(size).1f MB）；最大允许 %(limit)d MB")
            % {"size": file.size / MEGABYTE, "limit": settings.IMPORT_MAX_MB}
        )
    job = services.import_job_submit(
        actor=user,
        kind=kind,
        data=file.read(),
        filename=file.name or "upload",
        sheet=sheet,
        commit=not dry_run,
    )
    job.refresh_from_db()
    return Status(202, job)


@router.get("/imports", response={200: list[ImportJobOut]})
@paginate(Pagination)
def import_job_list(request: HttpRequest) -> object:
    """The county's import jobs, newest first."""
    return selectors.import_job_list(user=api_user(request, Role.ORG_DEPARTMENT))


@router.get("/imports/{job_id}", response={200: ImportJobOut})
def import_job_get(request: HttpRequest, job_id: ObjectId) -> ImportJob:
    """A job's status, counts and, while it runs, its progress."""
    return selectors.import_job_get(user=api_user(request, Role.ORG_DEPARTMENT), pk=job_id)


@router.get("/imports/{job_id}/errors", response={200: list[ImportErrorOut]})
@paginate(Pagination)
def import_job_errors(request: HttpRequest, job_id: ObjectId) -> list[dict[str, object]]:
    """Every problem found in the file, by row and column, in the order of the file."""
    job = selectors.import_job_get(user=api_user(request, Role.ORG_DEPARTMENT), pk=job_id)
    return job.errors


@router.post("/imports/{job_id}/confirm", response={202: ImportJobOut})
def import_job_confirm(request: HttpRequest, job_id: ObjectId) -> Status[ImportJob]:
    """Import a job checked with `dry_run` (status `ready`); the file is checked once more."""
    user = api_user(request, Role.ORG_DEPARTMENT)
    job = services.import_job_confirm(
        actor=user, job=selectors.import_job_get(user=user, pk=job_id)
    )
    job.refresh_from_db()
    return Status(202, job)


@router.post("/imports/{job_id}/cancel", response={200: ImportJobOut})
def import_job_cancel(request: HttpRequest, job_id: ObjectId) -> ImportJob:
    """Drop a job that waits for confirmation, and its file."""
    user = api_user(request, Role.ORG_DEPARTMENT)
    return services.import_job_cancel(
        actor=user, job=selectors.import_job_get(user=user, pk=job_id)
    )
