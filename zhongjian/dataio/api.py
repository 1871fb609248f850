"""JSON API of imports (/api/v1/imports): submit a file, follow the job, read its problems.

Only the organization department imports; a job of another county is a 404.
"""

import datetime

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from zhongjian.accounts.roles import Role
from zhongjian.core.api import ObjectId, OptionalId, Pagination, api_user
from zhongjian.core.errors import ValidationError
from zhongjian.dataio import lrmx, lrmx_import, selectors, services
from zhongjian.dataio.columns import ImportKind
from zhongjian.dataio.models import ImportJob, ImportStatus
from zhongjian.dataio.progress import progress_read
from zhongjian.dataio.services import MEGABYTE
from zhongjian.org.choices import Establishment
from zhongjian.org.models import Unit

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


class FormLineOut(Schema):
    index: int
    period: str
    text: str
    post_id: int | None
    creates: bool = Field(..., description="确认后是否新建任职记录")
    note: str


class FormPersonOut(Schema):
    index: int
    filename: str
    name: str
    status: str = Field(..., description="unreadable / problem / new / matched")
    cadre_id: int | None
    unit_id: int | None
    candidate_ids: list[int] = Field(..., description="同名且出生年月相同的干部，供选择")
    changes: list[str]
    problems: list[str]
    warnings: list[str]
    lines: list[FormLineOut]


class FormBatchOut(Schema):
    id: int
    status: str
    file_count: int
    ok: bool = Field(..., description="没有问题，可以确认导入")
    created: int
    updated: int
    appointments: int
    people: list[FormPersonOut]


def _plan_out(plan: lrmx_import.BatchPlan) -> FormBatchOut:
    def status(person: lrmx_import.PersonPlan) -> str:
        if person.record is None:
            return "unreadable"
        if person.problems:
            return "problem"
        return "new" if person.is_new else "matched"

    return FormBatchOut(
        id=plan.batch.pk,
        status=plan.batch.status,
        file_count=plan.batch.file_count,
        ok=plan.ok,
        created=plan.created,
        updated=plan.updated,
        appointments=plan.appointments,
        people=[
            FormPersonOut(
                index=person.index,
                filename=person.filename,
                name=person.record.name if person.record else "",
                status=status(person),
                cadre_id=person.cadre.pk if person.cadre else None,
                unit_id=person.unit.pk if person.unit else None,
                candidate_ids=[c.pk for c in person.candidates],
                changes=person.changes,
                problems=person.problems,
                warnings=person.warnings,
                lines=[
                    FormLineOut(
                        index=line.index,
                        period=line.period,
                        text=line.text,
                        post_id=line.post.pk if line.post else None,
                        creates=line.creates,
                        note=line.note,
                    )
                    for line in person.lines
                ],
            )
            for person in plan.people
        ],
    )


class FormChoicesIn(Schema):
    matches: dict[str, int] = Field(
        default_factory=dict, description="文件序号 → 干部 id（0 表示新登记）"
    )
    lines: dict[str, int] = Field(
        default_factory=dict, description="“文件序号-简历行序号” → 岗位 id（0 表示不建任职记录）"
    )
    unit_id: OptionalId = None


@router.post("/form-imports", response={201: FormBatchOut})
def form_batch_submit(
    request: HttpRequest,
    files: File[list[UploadedFile]],
    unit_id: Form[int | None] = None,
    establishment: Form[Establishment] = Establishment.ADMINISTRATIVE,
) -> Status[FormBatchOut]:
    """Upload 干部任免审批表 files (.lrmx, .lrm with .pic, or .zip; multipart `files`) and get the
    per-person preview; nothing is written until `POST /form-imports/{id}/confirm`."""
    user = api_user(request, Role.ORG_DEPARTMENT)
    if sum(f.size or 0 for f in files) > lrmx.MAX_BATCH_BYTES:
        raise ValidationError(
            _("一批文件合计超过 %(n)d MB。") % {"n": lrmx.MAX_BATCH_BYTES // MEGABYTE}
        )
    unit = None
    if unit_id is not None:
        unit = Unit.objects.filter(county_id=user.county_id, pk=unit_id).first()
        if unit is None:
            raise ValidationError(_("本县没有这个单位。"))
    batch = lrmx_import.form_batch_submit(
        actor=user,
        files=[lrmx.BatchFile(f.name or "upload", f.read()) for f in files],
        unit=unit,
        establishment=establishment,
    )
    return Status(201, _plan_out(lrmx_import.form_batch_plan(actor=user, batch=batch)))


@router.get("/form-imports/{batch_id}", response={200: FormBatchOut})
def form_batch_get(request: HttpRequest, batch_id: ObjectId) -> FormBatchOut:
    """The batch's preview against today's registry."""
    user = api_user(request, Role.ORG_DEPARTMENT)
    batch = lrmx_import.form_batch_get(actor=user, pk=batch_id)
    return _plan_out(lrmx_import.form_batch_plan(actor=user, batch=batch))


@router.post("/form-imports/{batch_id}/choices", response={200: FormBatchOut})
def form_batch_choose(
    request: HttpRequest, batch_id: ObjectId, payload: FormChoicesIn
) -> FormBatchOut:
    """Say who an ambiguous person is and which post a 简历 line means; returns the new preview."""
    user = api_user(request, Role.ORG_DEPARTMENT)
    batch = lrmx_import.form_batch_get(actor=user, pk=batch_id)
    unit = None
    if payload.unit_id is not None:
        unit = Unit.objects.filter(county_id=user.county_id, pk=payload.unit_id).first()
        if unit is None:
            raise ValidationError(_("本县没有这个单位。"))
    batch = lrmx_import.form_batch_choose(
        actor=user, batch=batch, matches=payload.matches, lines=payload.lines, unit=unit
    )
    return _plan_out(lrmx_import.form_batch_plan(actor=user, batch=batch))


@router.post("/form-imports/{batch_id}/confirm", response={200: FormBatchOut})
def form_batch_confirm(request: HttpRequest, batch_id: ObjectId) -> FormBatchOut:
    """Write the whole batch in one transaction, or nothing (400 with every problem)."""
    user = api_user(request, Role.ORG_DEPARTMENT)
    batch = lrmx_import.form_batch_get(actor=user, pk=batch_id)
    return _plan_out(
        lrmx_import.form_batch_confirm(actor=user, batch=batch, today=timezone.localdate())
    )
