"""Malformed files through the whole import — service, web page and CLI — write nothing and
report where the problem is."""

import io
import tempfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import client_for
from tests.dataio.conftest import Registry, rolled_back, run_import
from tests.dataio.factories import ROW_STRATEGIES, WRONG_CELLS, build, with_db
from zhongjian.dataio.columns import SPECS
from zhongjian.dataio.models import ImportJob, ImportStatus

from .test_import import snapshot


@st.composite
def malformed_files(draw: st.DrawFn) -> tuple[str, bytes, str, str | None]:
    """A file of some kind with one defect: (kind, content, filename, expected message prefix).

    The prefix is the start of a message the import must give, where the defect has a place.
    """
    kind = draw(st.sampled_from(list(ROW_STRATEGIES)))
    file_format = draw(st.sampled_from(["xlsx", "csv"]))
    header, rows, _expected = draw(ROW_STRATEGIES[kind](count=draw(st.integers(1, 4))))
    spec = SPECS[kind]
    defect = draw(st.sampled_from(["cell", "cell", "missing_column", "broken_bytes", "merged"]))
    if defect == "cell":
        row = draw(st.integers(0, len(rows) - 1))
        position = draw(st.integers(0, len(header) - 1))
        column = spec.by_key[spec.matcher.match(header[position])]
        wrong = draw(st.sampled_from(WRONG_CELLS[column.value_type]))
        if wrong in ("", "   ") and (not column.required or column.required_unless):
            wrong = "=A1"
        rows[row][position] = wrong
        content, filename = build(file_format, [header, *rows])
        return kind, content, filename, f"第 {row + 2} 行「{header[position]}」："
    if defect == "missing_column":
        required = [
            index
            for index, name in enumerate(header)
            if spec.by_key[spec.matcher.match(name)].required
            and not spec.by_key[spec.matcher.match(name)].required_unless
        ]
        dropped = draw(st.sampled_from(required))
        table = [[c for i, c in enumerate(row) if i != dropped] for row in [header, *rows]]
        content, filename = build(file_format, table)
        label = spec.by_key[spec.matcher.match(header[dropped])].label
        return kind, content, filename, f"缺少必填列「{label}」"
    if defect == "broken_bytes":
        content, filename = build("csv", [header, *rows], encoding="utf-8")
        cut = draw(st.integers(0, len(content)))
        return kind, content[:cut] + b"\xff\xfe\x00" + content[cut:], filename, None
    content, filename = build("xlsx", [header, *rows], merges=["A1:B1"])
    return kind, content, filename, "表头有合并单元格"


def through_service(
    registry: Registry, client: Client, kind: str, content: bytes, filename: str
) -> list[str]:
    job = run_import(registry.personas.org, kind, content, filename)
    assert job.status == ImportStatus.INVALID
    return [error["text"] or error["message"] for error in job.errors]


def through_web(
    registry: Registry, client: Client, kind: str, content: bytes, filename: str
) -> list[str]:
    upload = SimpleUploadedFile(filename, content)
    response = client.post(reverse("dataio:import"), {"kind": kind, "file": upload}, follow=True)
    assert response.status_code == 200
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportStatus.INVALID
    page = response.content.decode()
    assert all(escape(error["message"]) in page for error in job.errors)
    return [error["text"] or error["message"] for error in job.errors]


def through_cli(
    registry: Registry, client: Client, kind: str, content: bytes, filename: str
) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / filename
        path.write_bytes(content)
        out = io.StringIO()
        with pytest.raises(CommandError, match="未写入任何数据"):
            call_command(
                "import",
                str(path),
                kind=kind,
                user=registry.personas.org.username,
                stdout=out,
                stderr=io.StringIO(),
            )
    return out.getvalue().splitlines()


CHANNELS = {"service": through_service, "web": through_web, "cli": through_cli}


@with_db
@given(malformed=malformed_files(), channel=st.sampled_from(list(CHANNELS)))
def test_malformed_files_write_nothing(
    registry: Registry, malformed: tuple[str, bytes, str, str | None], channel: str
) -> None:
    """Every malformed file is refused whole with located messages, whichever way it comes in."""
    kind, content, filename, prefix = malformed
    with rolled_back():
        client = client_for(registry.personas.org)  # signing in writes an audit row
        before = snapshot()
        messages = CHANNELS[channel](registry, client, kind, content, filename)
        assert messages and all(messages)
        if prefix is not None:
            assert any(line.startswith(prefix) for line in messages), (prefix, messages)
        assert snapshot() == before
