"""Import limits (issue #8.8): a workbook that declares or holds far more than a roster is
refused before openpyxl parses it; a job is bounded in time; a dead worker's job is failed and
its file deleted; the waiting file is encrypted at rest."""

import datetime
import io
import struct
import time
import tracemalloc
import zipfile
import zlib

import pytest
from django.utils import timezone

from tests.conftest import Personas
from tests.dataio.factories import xlsx_bytes
from zhongjian.dataio import readers
from zhongjian.dataio.models import ImportJob, ImportStatus
from zhongjian.dataio.readers import FileError, open_table
from zhongjian.dataio.services import import_job_run, import_job_submit, import_jobs_purge
from zhongjian.dataio.tasks import import_jobs_recover_on_startup
from zhongjian.org.models import Unit

pytestmark = pytest.mark.django_db
UNIT_FILE = xlsx_bytes([["单位代码", "单位名称", "单位类型"], ["U900", "新设单位", "乡镇"]])


def _deflate_repeated(
    prefix: bytes, chunk: bytes, times: int, suffix: bytes
) -> tuple[bytes, int, int]:
    """Raw deflate of PREFIX + CHUNK*TIMES + SUFFIX built without compressing it all: after a
    full flush the compressor forgets its history, so CHUNK compresses to the same bytes each
    time. Returns the data, its CRC-32 and its uncompressed size."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    body = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(suffix) + compressor.flush()
    crc = zlib.crc32(prefix)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(suffix, crc)
    return head + body * times + tail, crc, len(prefix) + len(chunk) * times + len(suffix)


def _zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip archive of already deflated ENTRIES (name, data, crc, size), written by hand."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, data, crc, size in entries:
        offset = out.tell()
        encoded = name.encode()
        fields = (20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded))
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + encoded + data)
        central.write(
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0, offset)
            + encoded
        )
    directory = central.getvalue()
    start = out.tell()
    count = len(entries)
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), start, 0))
    return out.getvalue()


def _workbook_with(parts: dict[str, tuple[bytes, int, int]]) -> bytes:
    """A real one-sheet .xlsx whose parts named in PARTS are replaced by crafted ones."""
    entries = []
    with zipfile.ZipFile(io.BytesIO(UNIT_FILE)) as archive:
        for info in archive.infolist():
            if info.filename in parts:
                continue
            raw = archive.read(info)
            compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
            data = compressor.compress(raw) + compressor.flush()
            entries.append((info.filename, data, zlib.crc32(raw), len(raw)))
    entries += [(name, *part) for name, part in parts.items()]
    return _zip(entries)


def _shared_strings(count: int, *, declare: bool) -> tuple[bytes, int, int]:
    attrs = f' count="{count}" uniqueCount="{count}"' if declare else ""
    prefix = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"{attrs}>'.encode()
    per_chunk = 100_000
    return _deflate_repeated(prefix, b"<si><t/></si>" * per_chunk, count // per_chunk, b"</sst>")


def _read(content: bytes) -> None:
    with open_table(
        source=content, filename="名单.xlsx", is_header=lambda c: True, max_rows=200_000
    ) as table:
        list(table.rows)


@pytest.mark.parametrize("declare", [True, False])
def test_fifty_million_shared_strings_are_refused_before_parsing(declare: bool) -> None:
    """The review's 2.2 MB bomb (50 M shared strings, 650 MB unzipped, under the unzip ratio
    limit): refused with a Chinese message in well under a second and a few MB of memory,
    whether its <sst> declares the count or hides it."""
    content = _workbook_with({"xl/sharedStrings.xml": _shared_strings(50_000_000, declare=declare)})
    assert len(content) < 3 * 1024 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(FileError) as refused:
        _read(content)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "异常庞大" in refused.value.message
    assert peak < 64 * 1024 * 1024
    assert elapsed < 30  # generous for a loaded CI machine; it takes ~0.1 s


def test_declared_sheet_size_is_refused() -> None:
    """A sheet whose <dimension> declares five million rows is refused before parsing."""
    with zipfile.ZipFile(io.BytesIO(UNIT_FILE)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    import re

    crafted = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:C5000000"', sheet)
    assert crafted != sheet
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    part = (compressor.compress(crafted) + compressor.flush(), zlib.crc32(crafted), len(crafted))
    with pytest.raises(FileError):
        _read(_workbook_with({"xl/worksheets/sheet1.xml": part}))


def test_an_ordinary_workbook_passes() -> None:
    """The limits leave a real roster alone."""
    _read(UNIT_FILE)


def test_bomb_job_fails_cleanly(personas: Personas) -> None:
    """Through the job, the bomb is an invalid job with the message, its file deleted."""
    content = _workbook_with({"xl/sharedStrings.xml": _shared_strings(50_000_000, declare=False)})
    job = import_job_submit(actor=personas.org, kind="units", data=content, filename="炸弹.xlsx")
    job.refresh_from_db()
    assert job.status == ImportStatus.INVALID
    assert "异常庞大" in job.errors[0]["message"]
    assert bytes(job.data) == b""


def test_time_limit_stops_and_rolls_back(personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    """A job past IMPORT_MAX_SECONDS fails with the reason; nothing is written, the file goes."""
    settings.IMPORT_MAX_SECONDS = 0
    job = import_job_submit(
        actor=personas.org, kind="units", data=UNIT_FILE, filename="单位.xlsx", commit=True
    )
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "时间上限" in job.message
    assert not Unit.objects.filter(code="U900").exists()
    assert bytes(job.data) == b""


def test_waiting_file_is_encrypted_at_rest(personas: Personas) -> None:
    """The stored file is Fernet ciphertext; the job still reads it."""
    job = import_job_submit(
        actor=personas.org, kind="units", data=UNIT_FILE, filename="单位.xlsx", run=False
    )
    job.refresh_from_db()
    stored = bytes(job.data)
    assert stored != UNIT_FILE and UNIT_FILE[:200] not in stored and stored.startswith(b"gAAAA")
    assert job.file_bytes() == UNIT_FILE
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.READY


def _stuck(personas: Personas, *, minutes_ago: int) -> ImportJob:
    job = import_job_submit(
        actor=personas.org, kind="units", data=UNIT_FILE, filename="单位.xlsx", run=False
    )
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.IMPORTING,
        started_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )
    return job


def test_dead_worker_jobs_fail_on_purge_and_start(personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    """A job a killed worker left "importing" is failed and its file deleted: by the purge
    once it is older than the time limit, and by the next consumer start at once."""
    settings.IMPORT_MAX_SECONDS = 600
    old, recent = _stuck(personas, minutes_ago=30), _stuck(personas, minutes_ago=1)
    assert import_jobs_purge() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, bytes(old.data)) == (ImportStatus.FAILED, b"")
    assert "意外中止" in old.message
    assert recent.status == ImportStatus.IMPORTING
    settings.REDIS_URL = ""
    import_jobs_recover_on_startup()
    recent.refresh_from_db()
    assert (recent.status, bytes(recent.data)) == (ImportStatus.FAILED, b"")


@pytest.mark.parametrize(
    "xml",
    [
        b"<sst><si><t>a</t></si><si/><si\n><t>b</t></si></sst>",
        b"<x:sst><x:si><x:t>a</x:t></x:si><x:si/></x:sst>",
        b"<sst><sin/><si-x/><si.y/><si><t>c</t></si></sst>",
        "<sst><si\u00e9/><si><t>d</t></si></sst>".encode(),
    ],
)
def test_shared_strings_are_counted_as_the_pattern_counts(xml: bytes) -> None:
    """The fast count of shared strings never counts fewer than the pattern does."""
    assert readers._count_si(xml) == len(readers._SI.findall(xml))
