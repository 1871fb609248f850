"""The `demands` import kind: all problems at once, nothing written on a bad file, idempotent."""

import io
import json
from pathlib import Path

from django.core.management import call_command
from django.test import Client

from tests.conftest import Personas, client_for
from tests.dataio.conftest import run_import
from tests.dataio.factories import xlsx_bytes
from zhongjian.dataio.models import ImportStatus
from zhongjian.workload.models import Demand, DemandReceipt, Organ

HEADER = [
    "事项名称",
    "下达机关",
    "机关层级",
    "类型",
    "下达日期",
    "完成时限",
    "承办单位",
    "文件类别",
    "字数",
    "会议时长（小时）",
    "是否要求陪会",
    "是否要求留痕",
    "文号",
    "完成日期",
]


def rows(personas: Personas) -> list[list[object]]:
    a, b = personas.unit_a, personas.unit_b
    return [
        [
            "防汛工作通知",
            "市应急管理局",
            "市",
            "文件",
            "2025-03-03",
            "2025-03-05",
            a.code,
            "综合",
            6200,
            None,
            "否",
            "否",
            "市应急〔2025〕3号",
            "2025-03-05",
        ],
        # The same demand to unit B by name: one demand, two receipts.
        [
            "防汛工作通知",
            "市应急管理局",
            "市",
            "文件",
            "2025-03-03",
            "2025-03-05",
            b.name,
            "综合",
            6200,
            None,
            "否",
            "否",
            "市应急〔2025〕3号",
            None,
        ],
        [
            "全市安全生产推进会",
            "市政府办公室",
            "市",
            "会议",
            "2025-03-04",
            None,
            f"{a.code}、{b.code}",
            None,
            None,
            2.5,
            "是",
            "否",
            None,
            None,
        ],
        [
            "人口数据填报",
            "县统计局",
            "县",
            "填表报数",
            "2025-03-10",
            "2025-03-11",
            a.name,
            None,
            None,
            None,
            "否",
            "是",
            None,
            None,
        ],
    ]


def test_valid_register_imported_twice(personas: Personas) -> None:
    """A valid register makes 3 demands and 5 receipts and adds the new organs; importing it
    again changes nothing. The API report agrees with the file."""
    data = xlsx_bytes([HEADER, *rows(personas)])
    job = run_import(personas.org, "demands", data, "收文登记.xlsx")
    assert job.status == ImportStatus.DONE, job.errors
    assert Demand.objects.count() == 3 and DemandReceipt.objects.count() == 5
    assert set(Organ.objects.values_list("name", flat=True)) == {
        "市应急管理局",
        "市政府办公室",
        "县统计局",
    }
    completed = DemandReceipt.objects.get(unit=personas.unit_a, demand__title="防汛工作通知")
    assert str(completed.completed_on) == "2025-03-05" and completed.lead_days == 2
    again = run_import(personas.org, "demands", data, "收文登记.xlsx")
    assert again.status == ImportStatus.DONE
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 4)
    assert Demand.objects.count() == 3 and DemandReceipt.objects.count() == 5
    answer = (
        Client()
        .get(
            f"/api/v1/workload/indicators?from=2025-03&to=2025-03&unit_id={personas.unit_a.pk}",
            headers={"Authorization": _token(personas)},
        )
        .json()[0]
    )
    assert answer["demands"] == 3 and answer["long_documents"] == 1
    assert answer["meeting_hours"] == 2.5 and answer["accompany_meetings"] == 1
    assert answer["trace_share"] == round(1 / 3, 4)


def _token(personas: Personas) -> str:
    from tests.conftest import bearer

    return bearer(personas.org)["Authorization"]


def test_bad_register_lists_every_problem_and_writes_nothing(personas: Personas) -> None:
    """Unknown unit, unknown organ without level, deadline before issue, bad kind: each reported
    with row and column, and nothing is written, not even the good row."""
    good = rows(personas)[0]
    bad = [
        good,
        [
            "事项A",
            "市应急管理局",
            "市",
            "文件",
            "2025-03-03",
            None,
            "不存在的单位",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        [
            "事项B",
            "未知机关",
            None,
            "文件",
            "2025-03-03",
            None,
            personas.unit_a.code,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        [
            "事项C",
            "市应急管理局",
            "市",
            "文件",
            "2025-03-10",
            "2025-03-01",
            personas.unit_a.code,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        [
            "事项D",
            "市应急管理局",
            "市",
            "开会吧",
            "2025-03-10",
            None,
            personas.unit_a.code,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
    ]
    job = run_import(personas.org, "demands", xlsx_bytes([HEADER, *bad]), "坏.xlsx")
    assert job.status == ImportStatus.INVALID
    texts = [error["text"] for error in job.errors]
    assert any("第 5 行「完成时限」" in t and "早于下达日期" in t for t in texts), texts
    assert any("第 6 行「类型」" in t for t in texts), texts
    assert any("第 3 行「承办单位」" in t for t in texts), texts
    assert any("第 4 行「机关层级」" in t for t in texts), texts
    assert Demand.objects.count() == 0 and Organ.objects.count() == 0


def test_template_and_command(personas: Personas, tmp_path: Path) -> None:
    """The template of the kind downloads; `zhongjian import --kind demands` and
    `zhongjian workload report` agree on the numbers."""
    answer = client_for(personas.org).get("/data/import/templates/demands.xlsx")
    assert answer.status_code == 200
    path = tmp_path / "收文登记.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, *rows(personas)]))
    out = io.StringIO()
    call_command("import", str(path), kind="demands", user=personas.org.username, stdout=out)
    assert "已新增 4" in out.getvalue()
    report = io.StringIO()
    call_command(
        "workload",
        "report",
        "--unit",
        personas.unit_a.code,
        "--month",
        "2025-03",
        "--county",
        personas.county.code,
        stdout=report,
    )
    data = json.loads(report.getvalue())
    for key in (
        "demands",
        "per_cadre",
        "by_kind",
        "issuing_organs",
        "median_lead_days",
        "short_deadline_share",
        "meeting_hours",
        "long_documents",
        "trace_share",
        "yoy_change",
        "overtime_hours_per_cadre",
    ):
        assert key in data
    assert data["demands"] == 3 and data["issuing_organs"] == 3
    assert data["by_kind"]["会议"] == 1 and data["median_lead_days"] == 1.5
    assert data["short_deadline_share"] == 1.0 and data["yoy_change"] is None
    table = io.StringIO()
    call_command(
        "workload",
        "report",
        "--month",
        "2025-03",
        "--format",
        "table",
        "--county",
        personas.county.code,
        stdout=table,
    )
    assert "全县" in table.getvalue()
