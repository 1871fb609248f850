"""The imports API: submit multipart files, follow the job, read problems; org department only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import Personas, bearer
from tests.dataio.conftest import Registry
from tests.dataio.factories import xlsx_bytes
from tests.dataio.test_import import CADRE_HEADER, cadre_row
from zhongjian.org.models import Cadre


def submit(client: Client, content: bytes, **fields: object) -> dict:
    upload = SimpleUploadedFile("名单.xlsx", content)
    response = client.post("/api/v1/imports", {"file": upload, "kind": "cadres", **fields})
    assert response.status_code == 202, response.content
    return response.json()


def test_submit_imports_a_valid_file(registry: Registry) -> None:
    """A valid file is imported at once; the job says what it did."""
    client = Client(headers=bearer(registry.personas.org))
    job = submit(client, xlsx_bytes([CADRE_HEADER, cadre_row("F1", registry.units[0])]))
    assert (job["status"], job["created_count"], job["error_count"]) == ("done", 1, 0)
    assert client.get(f"/api/v1/imports/{job['id']}").json()["status"] == "done"
    assert Cadre.objects.filter(staff_no="F1").exists()
    assert [item["id"] for item in client.get("/api/v1/imports").json()["items"]] == [job["id"]]


def test_dry_run_confirm_and_cancel(registry: Registry) -> None:
    """A dry run stops at ready; confirm imports it; only a ready job can be cancelled."""
    client = Client(headers=bearer(registry.personas.org))
    content = xlsx_bytes([CADRE_HEADER, cadre_row("F2", registry.units[0])])
    job = submit(client, content, dry_run="true")
    assert (job["status"], job["commit"]) == ("ready", False)
    assert not Cadre.objects.filter(staff_no="F2").exists()
    confirmed = client.post(f"/api/v1/imports/{job['id']}/confirm")
    assert (confirmed.status_code, confirmed.json()["status"]) == (202, "done")
    assert Cadre.objects.filter(staff_no="F2").exists()
    again = client.post(f"/api/v1/imports/{job['id']}/confirm")
    assert again.status_code == 400
    other = submit(client, content, dry_run="true")
    cancelled = client.post(f"/api/v1/imports/{other['id']}/cancel")
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    assert client.post(f"/api/v1/imports/{other['id']}/cancel").status_code == 400


def test_problems_are_listed_by_row_and_column(registry: Registry) -> None:
    """An invalid file writes nothing; its problems page through /errors."""
    client = Client(headers=bearer(registry.personas.org))
    rows = [cadre_row(f"G{n}", registry.units[0], **{"出生日期": "不详"}) for n in range(3)]
    job = submit(client, xlsx_bytes([CADRE_HEADER, *rows]))
    assert (job["status"], job["error_count"]) == ("invalid", 3)
    page = client.get(f"/api/v1/imports/{job['id']}/errors?page_size=2").json()
    assert page["count"] == 3
    assert page["items"][0] == {
        "row": 2,
        "column": "出生日期",
        "message": "「不详」不是日期；应填写如 1985-03-12、1985.03 或 1985年3月",
        "text": "第 2 行「出生日期」：「不详」不是日期；应填写如 1985-03-12、1985.03 或 1985年3月",
    }
    assert not Cadre.objects.filter(staff_no__startswith="G").exists()


def test_bad_submissions_are_4xx(registry: Registry, settings: object) -> None:
    """No file is a 422, an unknown kind a 422, a file over IMPORT_MAX_MB a 400."""
    client = Client(headers=bearer(registry.personas.org))
    assert client.post("/api/v1/imports", {"kind": "cadres"}).status_code == 422
    upload = SimpleUploadedFile("a.csv", b"a,b")
    assert client.post("/api/v1/imports", {"file": upload, "kind": "x"}).status_code == 422
    settings.IMPORT_MAX_MB = 1  # type: ignore[attr-defined]
    big = SimpleUploadedFile("big.csv", b"x" * (1024 * 1024 + 1))
    response = client.post("/api/v1/imports", {"file": big, "kind": "units"})
    assert response.status_code == 400
    assert response.json()["detail"] == "文件太大（1.0 MB）；最大允许 1 MB"


@pytest.mark.parametrize(
    ("persona", "own", "other"),
    [
        ("org", 200, 200),
        ("outsider_org", 200, 404),
        ("head_a", 403, 403),
        ("cadre", 403, 403),
        ("counselor", 403, 403),
        ("admin", 403, 403),
        ("auditor", 403, 403),
    ],
)
def test_imports_are_scoped(personas: Personas, persona: str, own: int, other: int) -> None:
    """Only the organization department reaches imports, and only its own county's jobs."""
    from tests.dataio.conftest import run_import

    job = run_import(personas.org, "units", b"\xff\xfe junk", "a.csv")
    client = Client(headers=bearer(personas.all_users()[persona]))
    assert client.get("/api/v1/imports").status_code == own
    assert client.get(f"/api/v1/imports/{job.pk}").status_code == other
    assert client.get(f"/api/v1/imports/{job.pk}/errors").status_code == other
    upload = SimpleUploadedFile("a.csv", b"a,b")
    submitted = client.post("/api/v1/imports", {"file": upload, "kind": "units"})
    assert submitted.status_code == (202 if own == 200 else 403)
