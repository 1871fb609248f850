"""Import pages, template downloads and exports: who may open them, and what they give."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from tests.conftest import Personas, client_for
from tests.dataio.conftest import Registry, run_import
from tests.dataio.factories import xlsx_bytes
from tests.dataio.test_import import CADRE_HEADER, cadre_row
from zhongjian.core.models import AuditAction, AuditLog
from zhongjian.dataio.columns import ImportKind
from zhongjian.dataio.models import ImportJob, ImportStatus
from zhongjian.dataio.progress import ProgressReporter
from zhongjian.org.models import Cadre

OTHER_ROLES = ["head_a", "cadre", "counselor", "admin", "auditor"]


def read_xlsx(content: bytes) -> list[tuple[object, ...]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return list(workbook.worksheets[0].iter_rows(values_only=True))


@pytest.mark.parametrize("persona", OTHER_ROLES)
def test_import_pages_are_for_the_organization_department(personas: Personas, persona: str) -> None:
    """Other roles get 403 on every import page; a job of another county is a 404."""
    job = run_import(personas.org, "units", b"junk", "a.csv")
    client = client_for(personas.all_users()[persona])
    for url in (
        reverse("dataio:import"),
        reverse("dataio:template", args=["cadres"]),
        reverse("dataio:job_detail", args=[job.pk]),
        reverse("dataio:job_progress", args=[job.pk]),
        reverse("dataio:job_errors", args=[job.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("dataio:job_confirm", args=[job.pk])).status_code == 403
    outsider = client_for(personas.outsider_org)
    assert outsider.get(reverse("dataio:job_detail", args=[job.pk])).status_code == 404
    assert Client().get(reverse("dataio:import")).status_code == 302


@pytest.mark.parametrize("kind", ImportKind.values)
def test_templates_download(personas: Personas, kind: str) -> None:
    """Each kind's template is an .xlsx whose first row names the kind's columns."""
    response = client_for(personas.org).get(reverse("dataio:template", args=[kind]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert read_xlsx(response.content)[0][0]


def test_upload_check_confirm(registry: Registry) -> None:
    """Upload → preview of what will change → confirm → imported; the page names the counts."""
    client = client_for(registry.personas.org)
    assert "下载「干部」模板" in client.get(reverse("dataio:import")).content.decode()
    content = xlsx_bytes([CADRE_HEADER, cadre_row("H1", registry.units[0])])
    response = client.post(
        reverse("dataio:import"),
        {"kind": "cadres", "file": SimpleUploadedFile("名单.xlsx", content)},
        follow=True,
    )
    page = response.content.decode()
    assert "将新增" in page and "确认导入" in page and "新增干部「王芳」" in page
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.READY
    assert not Cadre.objects.filter(staff_no="H1").exists()

    response = client.post(reverse("dataio:job_confirm", args=[job.pk]), follow=True)
    assert "已新增" in response.content.decode()
    assert Cadre.objects.filter(staff_no="H1").exists()


def test_long_preview_folds_all_but_the_first_twenty_changes(registry: Registry) -> None:
    """A preview of 25 new cadres lists 20 lines and folds the other 5 under a summary."""
    client = client_for(registry.personas.org)
    names = [f"李{given}" for given in "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅卯辰"]
    rows = [cadre_row(f"F{n:02d}", registry.units[0], **{"姓名": names[n]}) for n in range(25)]
    client.post(
        reverse("dataio:import"),
        {
            "kind": "cadres",
            "file": SimpleUploadedFile("名单.xlsx", xlsx_bytes([CADRE_HEADER, *rows])),
        },
    )
    job = ImportJob.objects.get()
    assert len(job.changes) == 25
    page = client.get(job.get_absolute_url()).content.decode()
    shown, _, folded = page.partition('<details class="action changes-more">')
    assert "展开其余 5 项" in folded
    assert all(f"「{name}」" in shown for name in names[:20])
    assert not any(f"「{name}」" in shown for name in names[20:])
    assert all(f"「{name}」" in folded for name in names[20:])


def test_invalid_upload_lists_errors_and_offers_them_as_xlsx(registry: Registry) -> None:
    """Every problem is on the page and in the downloadable list."""
    client = client_for(registry.personas.org)
    rows = [cadre_row("I1", registry.units[0], **{"性别": "未知"})]
    client.post(
        reverse("dataio:import"),
        {
            "kind": "cadres",
            "file": SimpleUploadedFile("名单.xlsx", xlsx_bytes([CADRE_HEADER, *rows])),
        },
    )
    job = ImportJob.objects.get()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "发现 1 个问题，未写入任何数据" in page
    assert "「未知」不是可选的值；应为：男、女" in page
    listed = read_xlsx(client.get(reverse("dataio:job_errors", args=[job.pk])).content)
    assert listed[0][:2] == ("行号", "姓名")
    assert listed[1] == (2, "王芳", "性别", "「未知」不是可选的值；应为：男、女")
    assert "王芳" in page  # the person's name beside the problem
    assert f"?kind={job.kind}" in page  # 重新上传 keeps the data kind
    assert job.created_count == 0  # a refused file adds nothing


def test_oversized_upload_is_refused_by_the_form(registry: Registry, settings: object) -> None:
    """A file over IMPORT_MAX_MB is refused with its size, and no job is made."""
    settings.IMPORT_MAX_MB = 1  # type: ignore[attr-defined]
    response = client_for(registry.personas.org).post(
        reverse("dataio:import"),
        {"kind": "units", "file": SimpleUploadedFile("big.csv", b"x" * (2 * 1024 * 1024))},
    )
    assert "文件太大（2.0 MB）；最大允许 1 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_progress_partial_polls_then_reloads(registry: Registry) -> None:
    """While a job runs the partial shows the stored progress; once it stops, htmx reloads."""
    job = ImportJob.objects.create(
        county=registry.personas.county,
        created_by=registry.personas.org,
        kind="cadres",
        filename="a.xlsx",
        status=ImportStatus.CHECKING,
    )
    ProgressReporter(job_id=job.pk).report("read", 2500, 10000)
    client = client_for(registry.personas.org)
    url = reverse("dataio:job_progress", args=[job.pk])
    try:
        response = client.get(url, headers={"HX-Request": "true"})
        page = response.content.decode()
        assert 'value="25"' in page and "2500 / 10000" in page
        assert "HX-Refresh" not in response
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE)
        assert client.get(url)["HX-Refresh"] == "true"
    finally:
        HUEY.delete(f"zhongjian:import-progress:{job.pk}")


def test_cadre_export_is_scoped_audited_and_reimportable(registry: Registry) -> None:
    """The export holds what the page shows, leaves an audit row, opens with Chinese intact,
    and imported again changes nothing."""
    personas = registry.personas
    client = client_for(personas.org)
    assert (
        reverse("dataio:export", args=["cadres"])
        in client.get(reverse("org:cadre_list")).content.decode()
    )
    response = client.get(reverse("dataio:export", args=["cadres"]) + "?q=&status=active&unit=")
    rows = read_xlsx(response.content)
    assert rows[0][:3] == ("人员编号", "姓名", "性别")
    assert {row[1] for row in rows[1:]} == {"张伟", "李娜"}
    audit = AuditLog.objects.get(action=AuditAction.EXPORT)
    assert (audit.object_type, audit.summary) == ("cadre", "干部名册：2 行（status=active）")

    head = client_for(personas.head_a).get(reverse("dataio:export", args=["cadres"]))
    assert [row[1] for row in read_xlsx(head.content)[1:]] == ["张伟"]

    job = run_import(personas.org, "cadres", response.content, "export.xlsx")
    assert (job.status, job.unchanged_count, job.created_count) == (ImportStatus.DONE, 2, 0)


@pytest.mark.parametrize("name", ["units", "posts", "appointments"])
def test_other_exports(personas: Personas, name: str) -> None:
    """Units, posts and appointments export for the organization department and unit heads."""
    org = read_xlsx(client_for(personas.org).get(reverse("dataio:export", args=[name])).content)
    head = read_xlsx(client_for(personas.head_b).get(reverse("dataio:export", args=[name])).content)
    assert len(org) > len(head) >= 1


@pytest.mark.parametrize("persona", ["cadre", "counselor", "admin", "auditor"])
def test_exports_refuse_other_roles(personas: Personas, persona: str) -> None:
    """Roles without the registry lists get 403; an unknown export is a 404."""
    client = client_for(personas.all_users()[persona])
    assert client.get(reverse("dataio:export", args=["cadres"])).status_code == 403
    org = client_for(personas.org)
    assert org.get(reverse("dataio:export", args=["nothing"])).status_code == 404


def test_vacancy_board_exports(personas: Personas) -> None:
    """The vacancy board's export follows the board's scope and filters and is audited."""
    from zhongjian.pipeline.services.vacancies import vacancy_rederive_county

    vacancy_rederive_county(county=personas.county, today=datetime.date(2025, 6, 30))
    board = client_for(personas.org).get(reverse("pipeline:vacancies")).content.decode()
    assert reverse("dataio:export", args=["vacancies"]) in board
    rows = read_xlsx(
        client_for(personas.org).get(reverse("dataio:export", args=["vacancies"])).content
    )
    assert rows[0][:3] == ("单位代码", "单位", "岗位名称")
    assert [row[2] for row in rows[1:]] == [personas.post_b.title]
    head_a = client_for(personas.head_a).get(reverse("dataio:export", args=["vacancies"]))
    assert len(read_xlsx(head_a.content)) == 1  # unit A's post is held: only the header
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, object_type="vacancy").count() == 2
