"""`zhongjian import`: progress on stderr, counts on stdout, errors listed and nothing written."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.dataio.conftest import Registry
from tests.dataio.factories import xlsx_bytes
from tests.dataio.test_import import CADRE_HEADER, cadre_row
from zhongjian.org.models import Cadre


def run(path: Path, *args: str, **options: object) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", str(path), *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_import_with_progress_and_counts(registry: Registry, tmp_path: Path) -> None:
    """A valid file is imported; the bar is drawn on stderr and the counts printed."""
    path = tmp_path / "干部.xlsx"
    rows = [cadre_row(f"K{n}", registry.units[n % 3]) for n in range(1200)]
    path.write_bytes(xlsx_bytes([CADRE_HEADER, *rows]))
    out, err = run(path, kind="cadres", user=registry.personas.org.username)
    assert "1200 行：已新增 1200，已更新 0，未变 0。" in out
    assert "读取并检查文件" in err and "█" in err
    assert Cadre.objects.filter(staff_no__startswith="K").count() == 1200


def test_dry_run_writes_nothing(registry: Registry, tmp_path: Path) -> None:
    """--dry-run reports what would change and leaves the registry as it was."""
    path = tmp_path / "干部.csv"
    path.write_text(
        ",".join(CADRE_HEADER)
        + "\n"
        + ",".join(str(c or "") for c in cadre_row("L1", registry.units[0])),
        encoding="gbk",
    )
    out, _err = run(path, "--dry-run", kind="cadres", user=registry.personas.org.username)
    assert "1 行：将新增 1，将更新 0，未变 0。（试运行，未写入）" in out
    assert not Cadre.objects.filter(staff_no="L1").exists()


def test_account_must_be_an_organization_department(registry: Registry, tmp_path: Path) -> None:
    """With several organization-department accounts --user is required; others are refused."""
    path = tmp_path / "a.csv"
    path.write_bytes(b"x")
    with pytest.raises(CommandError, match="请用 --user 指定"):
        run(path, kind="units")
    with pytest.raises(CommandError, match=r"没有名为 .* 的有效组织部账号"):
        run(path, kind="units", user=registry.personas.head_a.username)
    with pytest.raises(CommandError, match="找不到文件"):
        run(tmp_path / "missing.xlsx", kind="units", user=registry.personas.org.username)
    with pytest.raises(CommandError, match="文件是空的"):
        (tmp_path / "empty.csv").write_bytes(b"")
        run(tmp_path / "empty.csv", kind="units", user=registry.personas.org.username)
