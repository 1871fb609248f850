"""Import jobs: failures write nothing, files are deleted, stale checks are purged."""

import datetime

import pytest
from django.utils import timezone

from tests.conftest import Personas
from tests.dataio.conftest import Registry, run_import
from tests.dataio.factories import xlsx_bytes
from tests.dataio.test_import import CADRE_HEADER, cadre_row, snapshot
from zhongjian.dataio.importers import CadreImporter
from zhongjian.dataio.models import ImportJob, ImportStatus
from zhongjian.dataio.services import import_job_run, import_job_submit, import_jobs_purge


def test_internal_failure_writes_nothing(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected error while writing rolls everything back and marks the job failed."""

    def broken(self: CadreImporter, *, actor: object) -> None:
        super(CadreImporter, self).write(actor=actor)
        raise RuntimeError("disk full")

    monkeypatch.setattr(CadreImporter, "write", broken)
    before = snapshot()
    job = run_import(
        registry.personas.org,
        "cadres",
        xlsx_bytes([CADRE_HEADER, cadre_row("M1", registry.units[0])]),
    )
    assert job.status == ImportStatus.FAILED
    assert job.message.startswith("导入时发生内部错误，未写入任何数据")
    assert job.data == b""
    assert snapshot() == before


def test_a_job_runs_once(registry: Registry) -> None:
    """A task delivered twice leaves the finished job as it was."""
    job = run_import(
        registry.personas.org,
        "cadres",
        xlsx_bytes([CADRE_HEADER, cadre_row("N1", registry.units[0])]),
    )
    assert job.status == ImportStatus.DONE
    state = snapshot()
    assert import_job_run(job_id=job.pk).status == ImportStatus.DONE
    assert snapshot() == state


def test_submitter_who_lost_the_role(registry: Registry) -> None:
    """A queued job of a user who is no longer in the organization department fails."""
    org = registry.personas.org
    job = import_job_submit(actor=org, kind="units", data=b"a,b", filename="a.csv", run=False)
    org.role = "auditor"
    org.save()
    job = import_job_run(job_id=job.pk)
    assert (job.status, job.message) == (ImportStatus.FAILED, "只有组织部可以导入数据。")


def test_progress_is_reported_by_phase(registry: Registry) -> None:
    """The progress callback hears the read phase and then the match phase."""
    rows = [cadre_row(f"P{n}", registry.units[0]) for n in range(2500)]
    job = import_job_submit(
        actor=registry.personas.org,
        kind="cadres",
        data=xlsx_bytes([CADRE_HEADER, *rows]),
        filename="a.xlsx",
        run=False,
    )
    seen: list[tuple[str, int, int | None]] = []
    import_job_run(job_id=job.pk, progress=lambda *args: seen.append(args))
    phases = [phase for phase, _done, _total in seen]
    assert phases.index("match") > phases.index("read")
    assert ("read", 2000, 2500) in seen


def test_unconfirmed_checks_are_purged(personas: Personas, settings: object) -> None:
    """A checked file nobody confirms is cancelled and deleted after IMPORT_KEEP_HOURS."""
    settings.IMPORT_KEEP_HOURS = 2  # type: ignore[attr-defined]
    now = timezone.now()
    old, fresh = (
        ImportJob.objects.create(
            county=personas.county,
            created_by=personas.org,
            kind="units",
            filename="a.csv",
            data=b"secret",
            status=ImportStatus.READY,
            finished_at=now - datetime.timedelta(hours=hours),
        )
        for hours in (3, 1)
    )
    assert import_jobs_purge(now=now) == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, bytes(old.data)) == (ImportStatus.CANCELLED, b"")
    assert (fresh.status, bytes(fresh.data)) == (ImportStatus.READY, b"secret")


def test_control_characters_are_cell_errors(registry: Registry) -> None:
    """NUL and other control characters deep in a CSV are row errors, stored without the NUL
    (PostgreSQL refuses it), and nothing is written."""
    from tests.dataio.factories import csv_bytes

    rows = [cadre_row(f"Q{n}", registry.units[0]) for n in range(300)]
    rows[250][1] = "王\x00芳"
    rows[260][3] = "1988\x00-05-01"
    before = snapshot()
    job = run_import(registry.personas.org, "cadres", csv_bytes([CADRE_HEADER, *rows]), "a.csv")
    assert job.status == ImportStatus.INVALID
    assert job.errors[0]["text"] == "第 252 行「姓名」：含有不可见的控制字符；请删除后重新填写"
    assert job.errors[1]["text"].startswith("第 262 行「出生日期」：「1988-05-01」不是日期")
    assert snapshot() == before
