"""Cadre imports stream: read, checked, matched and written a chunk of rows at a time, inside one
transaction, and still all or nothing with every problem of every chunk reported.

The chunk is made three rows long here, so that a file of a dozen rows spans several chunks.
"""

import datetime

import pytest

from tests.dataio.conftest import Registry, run_import
from tests.dataio.factories import make_id, xlsx_bytes
from tests.dataio.test_import import CADRE_HEADER, cadre_row, snapshot
from zhongjian.core.models import AuditAction, AuditLog
from zhongjian.dataio import services
from zhongjian.dataio.importers import CadreImporter
from zhongjian.dataio.models import ImportStatus
from zhongjian.org.models import Cadre
from zhongjian.org.services import id_number_hash

CHUNK = 3


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Chunks of CHUNK rows; returns the number of cadres written by each call of `write`."""
    writes: list[int] = []
    write = CadreImporter.write

    def counted(self: CadreImporter, *, actor: object) -> None:
        writes.append(len(self.create) + len(self.update))
        write(self, actor=actor)

    monkeypatch.setattr(services, "IMPORT_CHUNK", CHUNK)
    monkeypatch.setattr(CadreImporter, "write", counted)
    return writes


def rows(registry: Registry, count: int, prefix: str = "S") -> list[list[object]]:
    return [cadre_row(f"{prefix}{n}", registry.units[n % 3]) for n in range(count)]


def test_a_file_of_many_chunks_is_written_chunk_by_chunk(
    registry: Registry, small_chunks: list[int]
) -> None:
    """Every row is written, a chunk per write, with one audit row per cadre and one summary."""
    before = Cadre.objects.count()

    job = run_import(
        registry.personas.org, "cadres", xlsx_bytes([CADRE_HEADER, *rows(registry, 10)])
    )

    assert (job.status, job.created_count) == (ImportStatus.DONE, 10)
    assert small_chunks == [3, 3, 3, 1]
    assert Cadre.objects.count() == before + 10
    created = AuditLog.objects.filter(object_type="cadre", action=AuditAction.CREATE)
    assert created.count() == 10
    summary = AuditLog.objects.get(action=AuditAction.IMPORT)
    assert summary.summary == "干部：新增 10，更新 0，未变 0"


def test_an_error_in_the_last_chunk_leaves_nothing_written(
    registry: Registry, small_chunks: list[int]
) -> None:
    """Chunks written before the problem turns up are rolled back with the rest."""
    content = rows(registry, 10)
    content[9] = cadre_row("S9", registry.units[0], **{"所在单位代码": "NOPE"})
    state = snapshot()

    job = run_import(registry.personas.org, "cadres", xlsx_bytes([CADRE_HEADER, *content]))

    assert job.status == ImportStatus.INVALID
    assert [e["text"] for e in job.errors] == [
        "第 11 行「所在单位代码」：单位代码「NOPE」在系统中不存在；请先导入单位，或核对代码"
    ]
    assert small_chunks == [3, 3, 3]  # written, then undone
    assert snapshot() == state


def test_problems_of_every_chunk_are_reported(registry: Registry, small_chunks: list[int]) -> None:
    """A problem in the first chunk stops the writing, not the checking: the file's own problems
    and the registry's are found to the last row."""
    content = rows(registry, 12)
    content[1] = cadre_row("S1", registry.units[0], **{"所在单位代码": "NOPE"})
    content[6] = cadre_row("S6", registry.units[0], **{"出生日期": "不详"})
    content[11] = cadre_row("S11", registry.units[0], **{"所在单位代码": "NADA"})
    state = snapshot()

    job = run_import(registry.personas.org, "cadres", xlsx_bytes([CADRE_HEADER, *content]))

    assert job.status == ImportStatus.INVALID
    assert job.error_count == 3
    assert [(e["row"], e["column"], e["who"]) for e in job.errors] == [
        (3, "所在单位代码", "王芳"),
        (8, "出生日期", "王芳"),
        (13, "所在单位代码", "王芳"),
    ]
    assert small_chunks == []
    assert snapshot() == state


def test_a_check_reports_every_chunk_and_writes_nothing(
    registry: Registry, small_chunks: list[int]
) -> None:
    content = rows(registry, 9)
    content[8] = cadre_row("S8", registry.units[0], **{"所在单位代码": "NOPE"})
    state = snapshot()

    job = run_import(
        registry.personas.org, "cadres", xlsx_bytes([CADRE_HEADER, *content]), commit=False
    )

    assert (job.status, job.error_count) == (ImportStatus.INVALID, 1)
    assert small_chunks == []
    assert snapshot() == state
    # A clean check counts the rows of every chunk.
    job = run_import(
        registry.personas.org,
        "cadres",
        xlsx_bytes([CADRE_HEADER, *rows(registry, 8)]),
        commit=False,
    )
    assert (job.status, job.created_count) == (ImportStatus.READY, 8)
    assert snapshot() == state


def test_duplicates_across_chunks_are_found(registry: Registry) -> None:
    """A staff number or ID number repeated chunks apart is refused on its second row."""
    number = make_id(birth=datetime.date(1988, 5, 1), male=False)
    content = rows(registry, 10)
    content[0] = cadre_row("S0", registry.units[0], id_number=number)
    content[7] = cadre_row("S0", registry.units[0])
    content[9] = cadre_row("S9", registry.units[0], id_number=number)
    state = snapshot()

    job = run_import(registry.personas.org, "cadres", xlsx_bytes([CADRE_HEADER, *content]))

    assert job.status == ImportStatus.INVALID
    assert [e["text"] for e in job.errors] == [
        "第 9 行「人员编号」：与第 2 行重复",
        "第 11 行「身份证号」：与第 2 行重复",
    ]
    assert snapshot() == state


def test_one_registered_cadre_matched_in_two_chunks(registry: Registry) -> None:
    """A cadre matched by staff number in one chunk and by ID number in a later one is the same
    cadre twice: refused, and what the first chunk changed is undone."""
    org, unit = registry.personas.org, registry.units[0]
    number = make_id(birth=datetime.date(1988, 5, 1), male=False)
    run_import(org, "cadres", xlsx_bytes([CADRE_HEADER, cadre_row("R1", unit, id_number=number)]))
    state = snapshot()
    content = [
        cadre_row("R1", registry.units[1]),
        *rows(registry, 6),
        cadre_row("R9", unit, id_number=number),
    ]

    job = run_import(org, "cadres", xlsx_bytes([CADRE_HEADER, *content]))

    assert job.status == ImportStatus.INVALID
    assert [e["text"] for e in job.errors] == [
        "第 9 行「身份证号」：与第 2 行是同一名干部；请合并为一行"
    ]
    assert snapshot() == state
    assert Cadre.objects.get(staff_no="R1").unit == unit


def test_drawn_staff_numbers_skip_those_the_file_gives_later(registry: Registry) -> None:
    """A row with only an ID number gets ZJ000001 … unless a later chunk of the file uses it."""
    unit = registry.units[0]
    number = make_id(birth=datetime.date(1988, 5, 1), male=False)
    content = [
        cadre_row(None, unit, id_number=number),
        *rows(registry, 6),
        cadre_row("ZJ000001", unit),
    ]

    job = run_import(registry.personas.org, "cadres", xlsx_bytes([CADRE_HEADER, *content]))

    assert (job.status, job.created_count) == (ImportStatus.DONE, 8)
    assert Cadre.objects.get(id_number_hash=id_number_hash(number)).staff_no == "ZJ000002"
    assert Cadre.objects.filter(staff_no="ZJ000001").exists()
