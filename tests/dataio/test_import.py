"""Imports into the registry: checked against it, written whole or not at all, idempotent."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import factories
from tests.conftest import Personas
from tests.dataio.conftest import Registry, rolled_back, run_import
from tests.dataio.factories import ROW_STRATEGIES, make_id, with_db, xlsx_bytes
from zhongjian.core.models import AuditAction, AuditLog
from zhongjian.dataio.models import ImportStatus
from zhongjian.org.choices import EndReason
from zhongjian.org.models import Appointment, Cadre, Post, Unit
from zhongjian.org.services import id_number_hash
from zhongjian.org.signals import staffing_changed

CADRE_HEADER = [
    "人员编号",
    "姓名",
    "性别",
    "出生日期",
    "学历",
    "政治面貌",
    "编制类型",
    "参加工作时间",
    "所在单位代码",
    "身份证号",
]


def snapshot() -> tuple[int, ...]:
    """Row counts of everything an import may write."""
    return tuple(model.objects.count() for model in (Unit, Post, Cadre, Appointment, AuditLog))


def cadre_row(
    staff_no: str | None, unit: Unit, *, id_number: str | None = None, **overrides: object
) -> list[object]:
    row = {
        "人员编号": staff_no,
        "姓名": "王芳",
        "性别": "女",
        "出生日期": "1988-05-01",
        "学历": "大学本科",
        "政治面貌": "中共党员",
        "编制类型": "行政",
        "参加工作时间": "2010.07",
        "所在单位代码": unit.code,
        "身份证号": id_number,
    }
    row.update(overrides)
    return [row[name] for name in CADRE_HEADER]


@with_db
@given(data=st.data())
def test_valid_cadres_are_imported_once(registry: Registry, data: st.DataObject) -> None:
    """A valid file creates every cadre with an audit row each; the same file again changes
    nothing and writes no audit row."""
    with rolled_back():
        check_valid_cadres(registry, data)


def check_valid_cadres(registry: Registry, data: st.DataObject) -> None:
    header, rows, expected = data.draw(ROW_STRATEGIES["cadres"](count=data.draw(st.integers(1, 6))))
    org = registry.personas.org
    content = xlsx_bytes([header, *rows])
    before = Cadre.objects.count()
    audits = AuditLog.objects.count()

    job = run_import(org, "cadres", content)

    assert job.status == ImportStatus.DONE, job.errors
    assert (job.created_count, job.updated_count, job.unchanged_count) == (len(rows), 0, 0)
    assert Cadre.objects.count() == before + len(rows)
    for values in expected:
        cadre = Cadre.objects.get(county=registry.personas.county, staff_no=values["staff_no"])
        assert cadre.birth_date == values["birth_date"]
        assert cadre.unit.code == values["unit_code"]
        if values["id_number"]:
            assert cadre.id_number_hash == id_number_hash(values["id_number"])
            assert values["id_number"] not in cadre.id_number_cipher
            assert cadre.id_number_masked == "*" * 14 + values["id_number"][-4:]
    new_audits = AuditLog.objects.count() - audits
    assert new_audits == len(rows) + 1  # one per cadre and the summary row

    state = snapshot()
    again = run_import(org, "cadres", content)

    assert again.status == ImportStatus.DONE
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, len(rows))
    assert snapshot() == state


def test_changed_rows_update_and_name_the_fields(registry: Registry) -> None:
    """A re-import with changed cells updates those cadres only, auditing the changed fields."""
    org, unit = registry.personas.org, registry.units[0]
    run_import(
        org, "cadres", xlsx_bytes([CADRE_HEADER, cadre_row("A1", unit), cadre_row("A2", unit)])
    )
    changed = cadre_row("A2", registry.units[1], **{"学历": "研究生"})

    job = run_import(org, "cadres", xlsx_bytes([CADRE_HEADER, cadre_row("A1", unit), changed]))

    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 1)
    cadre = Cadre.objects.get(staff_no="A2")
    assert (cadre.education, cadre.unit) == ("postgraduate", registry.units[1])
    row = AuditLog.objects.filter(object_type="cadre", action=AuditAction.UPDATE).get()
    assert (row.object_id, row.summary) == (str(cadre.pk), "education,unit")
    assert any("更新干部「王芳」：学历、所在单位" in line for line in job.changes)


def test_id_number_alone_matches_and_numbers_new_cadres(registry: Registry) -> None:
    """Rows without 人员编号 get ZJ000001 …; importing them again matches on the ID number."""
    org, unit = registry.personas.org, registry.units[0]
    number = make_id(birth=datetime.date(1988, 5, 1), male=False)
    header = [name for name in CADRE_HEADER if name != "人员编号"]
    row = cadre_row(None, unit, id_number=number)[1:]
    content = xlsx_bytes([header, row])

    first = run_import(org, "cadres", content)
    second = run_import(org, "cadres", content)

    cadre = Cadre.objects.get(id_number_hash=id_number_hash(number))
    assert cadre.staff_no == "ZJ000001"
    assert (first.created_count, second.unchanged_count) == (1, 1)


def test_staff_number_and_id_number_of_two_cadres(registry: Registry) -> None:
    """A row whose 人员编号 is one cadre's and whose 身份证号 is another's is refused when it is
    imported (not by a check: tests/dataio/test_id_oracle.py), without naming the other."""
    org, unit = registry.personas.org, registry.units[0]
    number = make_id(birth=datetime.date(1988, 5, 1), male=False)
    run_import(
        org,
        "cadres",
        xlsx_bytes([CADRE_HEADER, cadre_row("A1", unit, id_number=number), cadre_row("A2", unit)]),
    )
    state = snapshot()

    job = run_import(
        org, "cadres", xlsx_bytes([CADRE_HEADER, cadre_row("A2", unit, id_number=number)])
    )

    assert job.status == ImportStatus.INVALID
    assert [e["text"] for e in job.errors] == [
        "第 2 行「身份证号」：该身份证号已登记在本县另一名干部名下，与本行人员编号不符"
    ]
    assert snapshot() == state


def test_registry_errors_are_located_and_block_the_whole_file(registry: Registry) -> None:
    """Unknown unit codes are row/column errors beside the file's own; nothing is written."""
    org, unit = registry.personas.org, registry.units[0]
    rows = [
        cadre_row("B1", unit),
        cadre_row("B2", unit, **{"所在单位代码": "NOPE"}),
        cadre_row("B3", unit, **{"出生日期": "不详"}),
    ]
    state = snapshot()

    job = run_import(org, "cadres", xlsx_bytes([CADRE_HEADER, *rows]))

    assert job.status == ImportStatus.INVALID
    assert [e["text"] for e in job.errors] == [
        "第 3 行「所在单位代码」：单位代码「NOPE」在系统中不存在；请先导入单位，或核对代码",
        "第 4 行「出生日期」：「不详」不是日期；应填写如 1985-03-12、1985.03 或 1985年3月",
    ]
    assert job.data == b""
    assert snapshot() == state


def test_units_in_file_and_registry(personas: Personas) -> None:
    """Parents may be units of the file or of the registry; a loop closed through the registry
    is reported; units of another county are not seen."""
    org = personas.org
    header = ["单位代码", "单位名称", "单位类型", "上级单位代码"]
    rows = [
        ["C02", "下级二", "事业单位", "C01"],
        ["C01", "下级一", "县直部门", personas.unit_b.code],
        ["C03", "下级三", "乡镇", None],
    ]
    job = run_import(org, "units", xlsx_bytes([header, *rows]))
    assert job.status == ImportStatus.DONE, job.errors
    assert Unit.objects.get(code="C02").parent.code == "C01"
    assert Unit.objects.get(code="C01").parent == personas.unit_b

    loop = [[personas.unit_b.code, personas.unit_b.name, "县直部门", "C02"]]
    job = run_import(org, "units", xlsx_bytes([header, *loop]))
    assert job.status == ImportStatus.INVALID
    assert "上级单位关系形成循环" in job.errors[0]["text"]

    outsider = factories.unit(county=factories.county(), code="FAR")
    job = run_import(org, "units", xlsx_bytes([header, ["C04", "下级四", "乡镇", outsider.code]]))
    assert (
        job.errors[0]["text"]
        == "第 2 行「上级单位代码」：上级单位代码「FAR」不存在：本文件和系统中都没有这个单位"
    )


def test_posts_keep_headcount_above_holders(personas: Personas) -> None:
    """A post's 职数 may not fall below its current holders; other columns update."""
    header = ["单位代码", "岗位名称", "层级", "是否领导职务", "编制要求", "职数"]
    post = personas.post_a  # held by cadre A since 2022
    unit = post.unit
    job = run_import(
        personas.org,
        "posts",
        xlsx_bytes([header, [unit.code, post.title, "股级", "否", "行政", 0]]),
    )
    assert job.status == ImportStatus.INVALID  # 0 is refused by the column itself

    factories.appoint(
        cadre=personas.cadre_b,
        post=factories.post(unit=unit, title="副职", headcount=2),
        start=datetime.date(2023, 1, 1),
    )
    factories.appoint(
        cadre=factories.cadre(unit=unit),
        post=Post.objects.get(title="副职"),
        start=datetime.date(2023, 1, 1),
    )
    job = run_import(
        personas.org, "posts", xlsx_bytes([header, [unit.code, "副职", "副科", "是", "行政", 1]])
    )
    assert job.errors[0]["text"] == "第 2 行「职数」：该岗位现有 2 人在任，职数不能少于在任人数"

    job = run_import(
        personas.org,
        "posts",
        xlsx_bytes(
            [
                header,
                [unit.code, "副职", "副科", "是", "行政", 3],
                [unit.code, "新岗位", "股级", "否", "事业", None],
            ]
        ),
    )
    assert (job.status, job.created_count, job.updated_count) == (ImportStatus.DONE, 1, 1)
    assert Post.objects.get(title="副职").headcount == 3
    assert Post.objects.get(title="新岗位").headcount == 1


APPOINTMENT_HEADER = [
    "人员编号",
    "单位代码",
    "岗位名称",
    "任职时间",
    "免职时间",
    "免职原因",
    "任免文号",
]


def test_appointments_are_checked_against_posts_and_seats(personas: Personas) -> None:
    """Unknown cadres and posts, and a post filled beyond its headcount, are row errors."""
    post = personas.post_a  # headcount 1, held by cadre A
    unit = post.unit
    rows = [
        ["NOBODY", unit.code, post.title, "2024-01-01", None, None, None],
        [personas.cadre_b.staff_no, unit.code, "没有的岗位", "2024-01-01", None, None, None],
        [personas.cadre_b.staff_no, unit.code, post.title, "2024-01-01", None, None, None],
    ]
    job = run_import(personas.org, "appointments", xlsx_bytes([APPOINTMENT_HEADER, *rows]))
    assert [e["text"] for e in job.errors] == [
        "第 2 行「人员编号」：人员编号「NOBODY」在系统中不存在；请先导入干部，或核对编号",
        f"第 3 行「岗位名称」：单位「{unit.name}」没有名为「没有的岗位」的岗位；"
        "请先导入岗位，或核对岗位名称",
        f"第 4 行「岗位名称」：「{post.title}」职数 1 人，导入后将有 2 人同时在任；"
        "请填写前任的免职时间",
    ]


def test_appointments_end_predecessor_and_move_the_cadre(personas: Personas) -> None:
    """Ending the holder and appointing another in one file works; the new holder's unit follows
    the post; the staffing signal names the post; a second run changes nothing."""
    post, unit = personas.post_a, personas.post_a.unit
    signalled: list[list[int]] = []

    def receiver(sender: object, posts: list[Post], **kwargs: object) -> None:
        signalled.append([p.pk for p in posts])

    rows = [
        [
            personas.cadre_a.staff_no,
            unit.code,
            post.title,
            "2022-03-01",
            "2024-12-31",
            "交流调整",
            None,
        ],
        [
            personas.cadre_b.staff_no,
            unit.code,
            post.title,
            "2025-01-01",
            None,
            None,
            "城组干〔2025〕1号",
        ],
    ]
    staffing_changed.connect(receiver)
    try:
        job = run_import(personas.org, "appointments", xlsx_bytes([APPOINTMENT_HEADER, *rows]))
    finally:
        staffing_changed.disconnect(receiver)

    assert job.status == ImportStatus.DONE, job.errors
    assert (job.created_count, job.updated_count) == (1, 1)
    ended = Appointment.objects.get(cadre=personas.cadre_a, post=post)
    assert (ended.end_date, ended.end_reason) == (datetime.date(2024, 12, 31), EndReason.REASSIGNED)
    personas.cadre_b.refresh_from_db()
    assert personas.cadre_b.unit == unit
    assert signalled == [[post.pk]]
    state = snapshot()
    assert (
        run_import(
            personas.org, "appointments", xlsx_bytes([APPOINTMENT_HEADER, *rows])
        ).unchanged_count
        == 2
    )
    assert snapshot() == state


@pytest.mark.parametrize("persona", ["head_a", "cadre", "counselor", "admin", "auditor"])
def test_only_the_organization_department_imports(personas: Personas, persona: str) -> None:
    """Every other role is refused before anything is stored."""
    from zhongjian.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        run_import(personas.all_users()[persona], "units", b"x")


def test_dry_run_then_confirm(registry: Registry) -> None:
    """A job without commit stops at 待确认 having written nothing; confirming imports it."""
    from zhongjian.dataio.services import import_job_confirm

    org, unit = registry.personas.org, registry.units[0]
    state = snapshot()
    job = run_import(org, "cadres", xlsx_bytes([CADRE_HEADER, cadre_row("D1", unit)]), commit=False)
    assert (job.status, job.created_count) == (ImportStatus.READY, 1)
    assert snapshot() == state
    assert job.data != b""

    import_job_confirm(actor=org, job=job)
    job.refresh_from_db()
    assert (job.status, job.data) == (ImportStatus.DONE, b"")
    assert Cadre.objects.filter(staff_no="D1").exists()
    summary = AuditLog.objects.get(action=AuditAction.IMPORT)
    assert (summary.object_id, summary.summary) == (str(job.pk), "干部：新增 1，更新 0，未变 0")


def test_limits_have_clear_messages(registry: Registry, settings: object) -> None:
    """Too many rows and an unknown sheet are file-level errors."""
    settings.IMPORT_MAX_ROWS = 1  # type: ignore[attr-defined]
    org, unit = registry.personas.org, registry.units[0]
    content = xlsx_bytes([CADRE_HEADER, cadre_row("E1", unit), cadre_row("E2", unit)])
    job = run_import(org, "cadres", content)
    assert job.errors[0]["text"] == "数据超过 1 行的上限；请拆分文件后分批导入"

    from zhongjian.dataio.services import import_job_submit

    job = import_job_submit(
        actor=org, kind="cadres", data=content, filename="a.xlsx", sheet="花名册", commit=True
    )
    job.refresh_from_db()
    assert job.errors[0]["text"].startswith("找不到名为「花名册」的工作表")


def test_imported_appointments_open_and_close_vacancies(personas: Personas) -> None:
    """Ending the only holder of a mid-level post in an import opens its vacancy; appointing a
    successor in a later import closes it (the pipeline follows the staffing signal)."""
    from zhongjian.pipeline.models import Vacancy

    post, unit = personas.post_a, personas.post_a.unit
    ended = [
        personas.cadre_a.staff_no,
        unit.code,
        post.title,
        "2022-03-01",
        "2024-12-31",
        "退休",
        None,
    ]
    run_import(personas.org, "appointments", xlsx_bytes([APPOINTMENT_HEADER, ended]))
    episode = Vacancy.objects.get(post=post)
    assert (episode.opened_on, episode.closed_on) == (datetime.date(2025, 1, 1), None)

    successor = [personas.cadre_b.staff_no, unit.code, post.title, "2025-03-01", None, None, None]
    run_import(personas.org, "appointments", xlsx_bytes([APPOINTMENT_HEADER, ended, successor]))
    episode.refresh_from_db()
    assert episode.closed_on == datetime.date(2025, 3, 1)


def test_a_unit_is_accepted_by_its_exact_name(personas: Personas) -> None:
    """所在单位 (or 工作单位) without a code: a name that one unit of the county bears is that
    unit; a name no unit bears, or two units bear, is refused with the names and codes."""
    factories.unit(county=personas.county, name="双名镇", code="D1")
    factories.unit(county=personas.county, name="双名镇", code="D2")
    factories.unit(county=factories.county(), name="青石镇")  # another county's namesake
    header = [name for name in CADRE_HEADER if name != "所在单位代码"] + ["工作单位"]

    def row(staff_no: str, unit_name: str) -> list[object]:
        values = cadre_row(staff_no, personas.unit_a)
        values.pop(CADRE_HEADER.index("所在单位代码"))
        return [*values, unit_name]

    job = run_import(
        personas.org,
        "cadres",
        xlsx_bytes([header, row("N1", "青石镇"), row("N2", "没有镇"), row("N3", "双名镇")]),
        commit=False,
    )
    assert job.status == ImportStatus.INVALID
    messages = [error["message"] for error in job.errors]
    assert any("没有名为「没有镇」的单位" in m for m in messages)
    assert any("有 2 个单位名为「双名镇」（代码 D1、D2）" in m for m in messages)
    assert len(messages) == 2  # 青石镇 is the county's one unit of that name
    job = run_import(personas.org, "cadres", xlsx_bytes([header, row("N1", "青石镇")]))
    assert job.status == ImportStatus.DONE
    assert Cadre.objects.get(staff_no="N1").unit == personas.unit_a
