"""Imports: check a file against the registry and write it whole or not at all; import jobs."""

import contextlib
import datetime
import gc
import itertools
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongjian.accounts.roles import Role
from zhongjian.core.audit import audit_record
from zhongjian.core.bulk import copies_in_background, foreign_keys_checked_per_statement
from zhongjian.core.context import client_ip
from zhongjian.core.errors import PermissionDenied, ValidationError
from zhongjian.core.models import AuditAction
from zhongjian.dataio.columns import (
    DEFAULT_MAX_ERRORS,
    ImportKind,
    ParsedRow,
    Problem,
    ValidationResult,
    validating,
)
from zhongjian.dataio.importers import IMPORTERS, sorted_problems
from zhongjian.dataio.models import FINAL_STATUSES, ImportJob, ImportStatus
from zhongjian.dataio.progress import ProgressReporter, progress_clear
from zhongjian.dataio.readers import Source
from zhongjian.org.models import County

logger = logging.getLogger(__name__)
MEGABYTE = 1024 * 1024
SQLITE_LARGE_IMPORT = 10_000
SQLITE_IMPORT_CACHE_KB = 64 * 1024
# Rows an import that streams reads, checks, matches and writes at a time.
IMPORT_CHUNK = 1000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _storable(text: str) -> str:
    """TEXT without NUL, which PostgreSQL refuses in text and JSON columns; messages quote cells
    of the uploaded file, which may hold anything."""
    return text.replace("\x00", "")


@dataclass
class ImportOutcome:
    """What an import did, or would do: counts, the planned changes, and every problem found."""

    result: ValidationResult
    errors: list[Problem] = field(default_factory=list)
    error_count: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def import_limits() -> tuple[int, int]:
    """The largest file (bytes) and the most data rows an import accepts (IMPORT_MAX_MB/ROWS)."""
    return settings.IMPORT_MAX_MB * MEGABYTE, settings.IMPORT_MAX_ROWS


def import_rows(
    *,
    actor: Any,
    county: County,
    result: ValidationResult,
    dry_run: bool,
    reference: object = "",
    progress: Callable[[int, int], None] | None = None,
    rows: Iterable[ParsedRow] | None = None,
) -> ImportOutcome:
    """Check validated rows against COUNTY's registry and, unless DRY_RUN, write them.

    ROWS are RESULT.rows unless given: the iterator of `validate_stream`, which adds the file's
    problems to RESULT as it reads. Rows that contradict the registry (a unit, post or staff
    number that does not exist there, a post's headcount exceeded …) become row/column errors
    beside the file's own. Any error, and nothing is written; otherwise everything is written in
    one transaction with one audit row per created or changed object and one summary row (action
    `import`, object REFERENCE) — none at all when nothing changed.

    An importer that streams (cadres) plans and writes IMPORT_CHUNK rows at a time while the
    file is read, inside the one transaction: once any problem turns up it writes no more but
    goes on checking to the last row, and the transaction is rolled back at the end, so that a
    refused file leaves nothing behind and every problem of it is reported.
    """
    outcome = ImportOutcome(result=result)
    importer = IMPORTERS[result.kind](
        county=county, columns=result.columns, compare_ids=not dry_run
    )
    source: Iterable[ParsedRow] = result.rows if rows is None else rows
    state = {"planned": 0, "written": False, "cache": False}

    def clean() -> bool:
        return result.error_count == 0 and importer.error_count == 0

    def flush() -> None:
        """Write what the importer has planned while the file is clean; then forget it."""
        # What is planned and not yet written: a streaming importer's objects of this chunk;
        # any other importer counts in its own way (上级任务 rows write several objects each).
        if importer.streams:
            planned = bool(importer.create or importer.update)
        else:
            planned = bool(importer.created or importer.updated)
        if not dry_run and clean() and planned:
            if (
                connection.vendor == "sqlite"
                and state["planned"] > SQLITE_LARGE_IMPORT
                and not state["cache"]
            ):
                # SQLite keeps 2 MB of pages per connection by default; a large import touches
                # tens of megabytes of table and index pages and would spill them to disk again
                # and again. The connection is closed after the request, job or command.
                with connection.cursor() as cursor:
                    cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KB}")
                state["cache"] = True
            importer.write(actor=actor)
            state["written"] = True
        if importer.streams:
            importer.forget()

    # A streaming import's COPYs of one chunk, and the checks of their foreign keys, run in the
    # database beside the reading of the next (core/bulk.py); leaving the block waits for them,
    # before the transaction ends. Other imports write once, at the end, in their own order; a
    # dry run writes nothing.
    table = importer.model if importer.streams and not dry_run else None
    with (
        transaction.atomic(),
        copies_in_background() if table else contextlib.nullcontext(),
        foreign_keys_checked_per_statement(table) if table else contextlib.nullcontext(),
    ):
        # A problem of the file as a whole (a missing column, an unreadable file) leaves the
        # rows without the values the registry checks need: the file is only checked.
        if any(problem.row is None for problem in result.errors):
            for _row in source:
                pass
        elif importer.streams:
            importer.start()
            iterator = iter(source)
            while chunk := list(itertools.islice(iterator, IMPORT_CHUNK)):
                state["planned"] += len(chunk)
                importer.plan_chunk(chunk)
                flush()
            if progress is not None:
                progress(state["planned"], state["planned"])
            importer.finish()
            flush()
        else:
            whole = list(source)
            state["planned"] = len(whole)
            if progress is not None:
                progress(0, len(whole))
            importer.plan(whole, progress)
            flush()
        file_problem = any(problem.row is None for problem in result.errors)
        if file_problem:
            # Damage found further down the file: as above, the registry checks do not count.
            importer.errors, importer.error_count = [], 0
        outcome.error_count = result.error_count + importer.error_count
        outcome.errors = sorted_problems([*result.errors, *importer.errors])[:DEFAULT_MAX_ERRORS]
        if not file_problem:
            outcome.created, outcome.updated = importer.created, importer.updated
            outcome.unchanged = importer.unchanged
            outcome.changes = importer.changes
        if not outcome.ok:
            if state["written"]:
                # Chunks written before the first problem turned up.
                transaction.set_rollback(True)
        elif not dry_run and (outcome.created or outcome.updated):
            audit_record(
                actor=actor,
                action=AuditAction.IMPORT,
                object_type="import_job",
                object_id=reference,
                county_id=county.pk,
                summary=str(
                    _("%(kind)s：新增 %(created)d，更新 %(updated)d，未变 %(unchanged)d")
                    % {
                        "kind": ImportKind(result.kind).label,
                        "created": outcome.created,
                        "updated": outcome.updated,
                        "unchanged": outcome.unchanged,
                    }
                ),
            )
    return outcome


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the length of an import.

    An import builds a few objects per cell that all live until it ends; the collector would walk
    them again and again, finding nothing to free, for a third of the import's time. Reference
    counting still frees everything else at once; cycles wait until the import is over.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class ImportTimeLimit(Exception):
    """A job ran past IMPORT_MAX_SECONDS; raised from its progress callback, rolled back."""


def _with_deadline(
    progress: Callable[[str, int, int | None], None] | None, seconds: int
) -> Callable[[str, int, int | None], None]:
    """PROGRESS, raising ImportTimeLimit once SECONDS have passed (checked at every report:
    every few thousand rows read or matched)."""
    deadline = time.monotonic() + seconds

    def report(phase: str, done: int, total: int | None) -> None:
        if time.monotonic() > deadline:
            raise ImportTimeLimit
        if progress is not None:
            progress(phase, done, total)

    return report


def import_file(
    *,
    actor: Any,
    county: County,
    kind: str,
    source: Source,
    filename: str = "",
    sheet: str | None = None,
    dry_run: bool,
    reference: object = "",
    progress: Callable[[str, int, int | None], None] | None = None,
) -> ImportOutcome:
    """Read, validate and (unless DRY_RUN) import a file as `import_rows` does, within the
    configured limits; PROGRESS receives the phase, the rows done and the rows expected."""
    max_bytes, max_rows = import_limits()
    checked = _with_deadline(progress, settings.IMPORT_MAX_SECONDS)

    def report(phase: str) -> Callable[[int, int | None], None]:
        return lambda done, total: checked(phase, done, total)

    with (
        _collector_paused(),
        validating(
            kind=kind,
            source=source,
            filename=filename,
            sheet=sheet,
            max_bytes=max_bytes,
            max_rows=max_rows,
            progress=report("read"),
        ) as (result, rows),
    ):
        # The rows are read, checked, matched and written as they come: no row is held beyond
        # its chunk, and the file is read once.
        return import_rows(
            actor=actor,
            county=county,
            result=result,
            rows=rows,
            dry_run=dry_run,
            reference=reference,
            progress=report("match"),
        )


def _require_importer(actor: Any) -> None:
    if getattr(actor, "role", None) != Role.ORG_DEPARTMENT or actor.county_id is None:
        raise PermissionDenied(str(_("只有组织部可以导入数据。")))


def import_job_submit(
    *,
    actor: Any,
    kind: str,
    data: bytes,
    filename: str,
    sheet: str = "",
    commit: bool = False,
    run: bool = True,
) -> ImportJob:
    """Store an uploaded file as an import job of ACTOR's county and queue its check.

    With COMMIT the job imports as soon as the check passes; without, it stops at 待确认 and
    waits for `import_job_confirm`. RUN=False leaves the running to the caller (the CLI runs the
    job in its own process to draw a progress bar).

    Deliberately not atomic: the job row must be committed before a worker can pick it up.
    """
    _require_importer(actor)
    if kind not in ImportKind.values:
        raise ValidationError(
            str(_("不支持的数据类型「%(kind)s」；应为：%(kinds)s"))
            % {"kind": kind, "kinds": "、".join(ImportKind.values)}
        )
    max_bytes, _max_rows = import_limits()
    if len(data) > max_bytes:
        raise ValidationError(
            str(_("文件太大（%(size).1f MB）；最大允许 %(limit)d MB，请拆分后分批导入"))
            % {"size": len(data) / MEGABYTE, "limit": settings.IMPORT_MAX_MB}
        )
    if not data:
        raise ValidationError(str(_("文件是空的")))
    job = ImportJob(
        county_id=actor.county_id,
        created_by=actor,
        kind=kind,
        filename=_CONTROL.sub("", filename)[-255:] or "upload",
        sheet=_CONTROL.sub("", sheet).strip()[:64],
        size=len(data),
        commit=commit,
        ip=client_ip.get(),
    )
    job.set_file(data)
    job.save()
    if run:
        _enqueue(job)
    return job


def _enqueue(job: ImportJob) -> None:
    from zhongjian.dataio.tasks import import_job_task

    import_job_task(job.pk)


def import_job_confirm(*, actor: Any, job: ImportJob) -> ImportJob:
    """Import a checked job (待确认); the file is checked again, as the registry may have moved."""
    _require_importer(actor)
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READY).update(
        status=ImportStatus.QUEUED, commit=True, created_by=actor
    )
    if not updated:
        raise ValidationError(str(_("该导入任务当前不是“待确认”状态，不能确认导入。")))
    job.refresh_from_db()
    _enqueue(job)
    return job


def import_job_cancel(*, actor: Any, job: ImportJob) -> ImportJob:
    """Drop a job that waits for confirmation, and its file."""
    _require_importer(actor)
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READY).update(
        status=ImportStatus.CANCELLED, data=b"", finished_at=timezone.now()
    )
    if not updated:
        raise ValidationError(str(_("只能取消“待确认”的导入任务。")))
    job.refresh_from_db()
    return job


def import_job_run(
    *, job_id: int, progress: Callable[[str, int, int | None], None] | None = None
) -> ImportJob:
    """Check and, for a committing job, import the file of a queued job; record the outcome.

    A job not in the queue any more (a task delivered twice) is left alone. PROGRESS receives the
    phase, the rows done and the rows expected, besides the shared progress store.
    """
    job = ImportJob.objects.select_related("created_by", "county").get(pk=job_id)
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.QUEUED).update(
        status=ImportStatus.IMPORTING if job.commit else ImportStatus.CHECKING,
        started_at=timezone.now(),
    )
    if not claimed:
        return job
    job.refresh_from_db(fields=["status"])
    reporter = ProgressReporter(job_id=job.pk, callback=progress)
    ip_token = client_ip.set(job.ip)
    try:
        actor = job.created_by
        _require_importer(actor)
        if actor.county_id != job.county_id:
            raise PermissionDenied(str(_("提交人已不属于该县，不能导入。")))
        outcome = import_file(
            actor=actor,
            county=job.county,
            kind=job.kind,
            source=job.file_bytes(),
            filename=job.filename,
            sheet=job.sheet or None,
            dry_run=not job.commit,
            reference=job.pk,
            progress=reporter.report,
        )
    except PermissionDenied as error:
        _finish(job, status=ImportStatus.FAILED, message=error.message)
    except ImportTimeLimit:
        _finish(
            job,
            status=ImportStatus.FAILED,
            message=str(
                _("导入超过 %(minutes)d 分钟的时间上限，已停止，未写入数据；请拆分后分批导入")
                % {"minutes": max(1, settings.IMPORT_MAX_SECONDS // 60)}
            ),
        )
    except Exception:
        logger.exception("import job %s failed", job.pk)
        _finish(
            job,
            status=ImportStatus.FAILED,
            message=str(_("导入时发生内部错误，未写入任何数据；请联系系统管理员查看日志。")),
        )
    else:
        _record(job, outcome)
    finally:
        client_ip.reset(ip_token)
        progress_clear(job.pk)
    return job


def _record(job: ImportJob, outcome: ImportOutcome) -> None:
    result = outcome.result
    job.file_format = result.file_format or ""
    job.encoding = result.encoding or ""
    job.rows = result.data_rows
    job.error_count = outcome.error_count
    job.errors = [
        {
            "row": p.row,
            "column": p.column and _storable(p.column),
            "who": _storable(p.who),
            "message": _storable(p.message),
            "text": _storable(str(p)),
        }
        for p in outcome.errors
    ]
    unlisted = outcome.error_count - len(outcome.errors)
    if unlisted > 0:
        text = str(
            _("另有 %(count)d 个问题未逐条列出；请先改正以上问题后重新检查") % {"count": unlisted}
        )
        job.errors.append({"row": None, "column": None, "message": text, "text": text})
    job.warnings = [_storable(str(problem)) for problem in result.warnings]
    job.changes = [_storable(line) for line in outcome.changes]
    # A refused file adds and changes nothing: no “新增 1” beside it.
    job.created_count = outcome.created if outcome.ok else 0
    job.updated_count = outcome.updated if outcome.ok else 0
    job.unchanged_count = outcome.unchanged if outcome.ok else 0
    if not outcome.ok:
        status = ImportStatus.INVALID
    elif job.commit:
        status = ImportStatus.DONE
    else:
        status = ImportStatus.READY
    _finish(job, status=status)


def _finish(job: ImportJob, *, status: str, message: str = "") -> None:
    job.status = status
    job.message = message[:255]
    job.finished_at = timezone.now()
    if status in FINAL_STATUSES:
        # The file holds ID numbers in clear text: it goes as soon as it has served.
        job.data = b""
    job.save()


def import_jobs_purge(*, now: datetime.datetime | None = None) -> int:
    """Cancel jobs left unconfirmed for IMPORT_KEEP_HOURS and delete their files; fail the jobs
    whose worker died (see `import_jobs_recover`)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.IMPORT_KEEP_HOURS)
    cancelled = ImportJob.objects.filter(status=ImportStatus.READY, finished_at__lt=cutoff).update(
        status=ImportStatus.CANCELLED,
        data=b"",
        message=str(_("超过保留时间未确认，已自动取消。")),
    )
    return cancelled + import_jobs_recover(now=now)


# A running job older than the time limit plus this is dead: a live one would have stopped.
STALE_MARGIN = datetime.timedelta(minutes=5)


def import_jobs_recover(*, now: datetime.datetime | None = None, all_running: bool = False) -> int:
    """Fail the jobs left checking or importing by a dead worker and delete their files.

    A job's transaction died with its worker, so nothing of it was written. The purge finds them
    by age (started longer ago than IMPORT_MAX_SECONDS plus a margin); a consumer that starts
    while it is the only one (the embedded default, ALL_RUNNING) knows that every running job
    is dead.
    """
    running = ImportJob.objects.filter(status__in=(ImportStatus.CHECKING, ImportStatus.IMPORTING))
    if not all_running:
        now = now or timezone.now()
        limit = datetime.timedelta(seconds=settings.IMPORT_MAX_SECONDS) + STALE_MARGIN
        running = running.filter(started_at__lt=now - limit)
    failed = 0
    for job in running:
        _finish(
            job,
            status=ImportStatus.FAILED,
            message=str(_("导入进程意外中止，未写入任何数据，文件已删除；请重新上传。")),
        )
        progress_clear(job.pk)
        failed += 1
    return failed
