"""Tests of row validation: typed records, located messages, cross-column rules, duplicates."""

import datetime
from collections.abc import Iterator, Sequence

import pytest

from tests.dataio.factories import TODAY, make_id
from zhongjian.dataio.columns import (
    SPECS,
    ImportKind,
    ValidationResult,
    validate_rows,
)
from zhongjian.dataio.parsers import IdNumber
from zhongjian.dataio.readers import FileError, Row

D = datetime.date
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
]


def cadre(**changes: object) -> list[object]:
    """A valid cadre row in CADRE_HEADER order, with some cells changed by header name."""
    row = {
        "人员编号": "A001",
        "姓名": "李娜",
        "性别": "女",
        "出生日期": "1988.05",
        "学历": "大学本科",
        "政治面貌": "中共党员",
        "编制类型": "行政",
        "参加工作时间": "2010-08-01",
        "所在单位代码": "XZ001",
    }
    row.update(changes)
    return [row[name] for name in CADRE_HEADER]


def numbered(rows: Sequence[Sequence[object]], start: int = 2) -> list[Row]:
    return [(number, tuple(cells)) for number, cells in enumerate(rows, start=start)]


def check(
    kind: str, header: Sequence[object], rows: Sequence[Sequence[object]]
) -> ValidationResult:
    return validate_rows(kind=kind, header=header, rows=numbered(rows), today=TODAY)


def test_valid_cadres_become_typed_records() -> None:
    """Labels become codes, dates become dates, omitted optional columns take their defaults."""
    result = check("cadres", CADRE_HEADER, [cadre()])
    assert result.ok, result.messages()
    assert result.rows[0].number == 2
    assert result.rows[0].values == {
        "staff_no": "A001",
        "name": "李娜",
        "gender": "female",
        "birth_date": D(1988, 5, 1),
        "education": "bachelor",
        "party_status": "member",
        "establishment": "administrative",
        "work_start_date": D(2010, 8, 1),
        "unit_code": "XZ001",
        "unit_name": None,
        "ethnicity": "汉族",
        "grassroots_start_date": None,
        "rank": None,
        "id_number": None,
        "is_worker": False,
        "party_join_date": None,
    }


def test_every_problem_is_reported_with_row_and_column() -> None:
    """All bad cells of all rows are listed, each as 第 N 行「列名」：what and what is expected."""
    rows = [
        cadre(),
        cadre(人员编号="A002", 性别="男女", 出生日期="1988-02-30"),
        cadre(人员编号="A003", 姓名="", 学历="博士"),
    ]
    result = check("cadres", CADRE_HEADER, rows)
    assert not result.ok
    assert result.messages() == [
        "第 3 行「性别」：「男女」不是可选的值；应为：男、女",
        "第 3 行「出生日期」：「1988-02-30」不是存在的日期；请核对年、月、日",
        "第 4 行「姓名」：不能为空",
        "第 4 行「学历」：「博士」不是可选的值；应为：研究生、大学本科、大学专科、中专及以下",
    ]
    assert [row.number for row in result.rows] == [2]


def test_messages_use_the_files_own_header() -> None:
    """A column found through a synonym is named in messages as the file names it."""
    header = [*CADRE_HEADER]
    header[3] = "出生年月"
    result = check("cadres", header, [cadre(出生日期="去年")])
    assert result.messages()[0].startswith("第 2 行「出生年月」：「去年」不是日期")


def test_missing_required_column() -> None:
    """A missing required column is one file-level error, not one per row."""
    header = [name for name in CADRE_HEADER if name != "姓名"]
    rows = [[cell for name, cell in zip(CADRE_HEADER, cadre(), strict=True) if name != "姓名"]] * 3
    rows = [[f"A00{i}", *row[1:]] for i, row in enumerate(rows)]
    result = check("cadres", header, rows)
    assert result.messages() == ["缺少必填列「姓名」"]


def test_duplicate_key_within_file() -> None:
    """A repeated 人员编号 points back to its first row."""
    rows = [cadre(人员编号=f"A{i:03d}") for i in range(10)]
    rows.insert(10, cadre(人员编号="A003"))
    result = check("cadres", CADRE_HEADER, rows)
    assert result.messages() == ["第 12 行「人员编号」：与第 5 行重复"]


def test_unknown_and_doubled_columns() -> None:
    """Unknown columns are ignored with a warning; two headers for one column are an error."""
    header = [*CADRE_HEADER, "备注", "工号"]
    result = check("cadres", header, [[*cadre(), "随便", "A009"]])
    assert [str(w) for w in result.warnings] == ["未识别的列「备注」，已忽略"]
    assert result.messages() == ["列「工号」与列「人员编号」都表示「人员编号」；请删除其中一列"]


def test_blank_rows_are_skipped_and_numbers_kept() -> None:
    """Rows of spaces only are skipped; later rows keep the numbers the clerk sees."""
    rows = [cadre(), [" ", "\u3000", None, "", None, None, None, None, None], cadre(人员编号="A2")]
    result = check("cadres", CADRE_HEADER, rows)
    assert result.ok
    assert [row.number for row in result.rows] == [2, 4]


def test_short_rows_are_padded() -> None:
    """A row with fewer cells than the header reads the missing cells as empty."""
    result = check("cadres", CADRE_HEADER, [cadre()[:5]])
    assert result.messages() == [
        "第 2 行「政治面貌」：不能为空",
        "第 2 行「编制类型」：不能为空",
        "第 2 行「参加工作时间」：不能为空",
        "第 2 行「所在单位代码」：不能为空（「所在单位代码」和「所在单位」至少填写一项）",
    ]


def test_formula_and_error_cells() -> None:
    """Formulas and Excel error values are refused in any column, whatever its type."""
    result = check("cadres", CADRE_HEADER, [cadre(出生日期="=DATE(1988,5,1)", 学历="#N/A")])
    assert result.messages() == [
        "第 2 行「出生日期」：单元格是公式「=DATE(1988,5,1)」；"
        "请填写值本身（可复制后“选择性粘贴为数值”）",
        "第 2 行「学历」：单元格是 Excel 错误值「#N/A」；请填写正确的值",
    ]


ID_HEADER = [*CADRE_HEADER, "身份证号"]


def test_id_number_fills_and_checks_birth_date_and_gender() -> None:
    """Empty 出生日期/性别 come from the ID; filled ones must agree with it."""
    number = make_id(birth=D(1988, 5, 17), male=False)
    filled = check("cadres", ID_HEADER, [[*cadre(性别=None, 出生日期=None), number]])
    assert filled.ok, filled.messages()
    values = filled.rows[0].values
    assert values["gender"] == "female"
    assert values["birth_date"] == D(1988, 5, 17)
    assert values["id_number"] == IdNumber(
        number=number, birth_date=D(1988, 5, 17), gender="female"
    )
    month_only = check("cadres", ID_HEADER, [[*cadre(出生日期="1988.05"), number]])
    assert month_only.ok
    assert month_only.rows[0].values["birth_date"] == D(1988, 5, 17)
    wrong = check("cadres", ID_HEADER, [[*cadre(出生日期="1988-06-17", 性别="男"), number]])
    assert wrong.messages() == [
        "第 2 行「身份证号」：身份证号中的出生日期是 1988-05-17，与「出生日期」1988-06-17 不一致",
        "第 2 行「身份证号」：身份证号显示性别为女，与「性别」“男”不一致",
    ]


def test_staff_number_or_id_number() -> None:
    """人员编号 may be left out where 身份证号 is given, but one of them is needed."""
    number = make_id(birth=D(1988, 5, 17), male=False)
    header = [name for name in ID_HEADER if name != "人员编号"]
    row = cadre()[1:]
    only_id = check("cadres", header, [[*row, number], [*row, None]])
    assert only_id.messages() == [
        "第 3 行「人员编号」：不能为空（「人员编号」和「身份证号」至少填写一项）"
    ]
    neither = check("cadres", [name for name in CADRE_HEADER if name != "人员编号"], [row])
    assert neither.messages() == ["缺少必填列「人员编号」"]


def test_duplicate_id_numbers() -> None:
    """The same person cannot appear twice under different staff numbers."""
    number = make_id(birth=D(1988, 5, 17), male=False)
    rows = [[*cadre(人员编号="A1"), number], [*cadre(人员编号="A2"), number.lower()]]
    assert check("cadres", ID_HEADER, rows).messages() == ["第 3 行「身份证号」：与第 2 行重复"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"出生日期": "1995.03", "参加工作时间": "2011.02"},
            "第 2 行「参加工作时间」："
            "2011-02-01 参加工作时不满 16 周岁（出生日期 1995-03-01）；请核对",
        ),
        (
            {"参加工作时间": "2010-08-01", "到基层工作时间": "2009-12"},
            "第 2 行「到基层工作时间」："
            "2009-12-01 早于参加工作时间 2010-08-01；应不早于参加工作时间",
        ),
    ],
)
def test_cadre_date_order(changes: dict[str, object], message: str) -> None:
    """Work starts at 16 or later, grassroots work not before work itself."""
    header = [*CADRE_HEADER, "到基层工作时间"]
    row = cadre(**changes)
    result = check("cadres", header, [[*row, changes.get("到基层工作时间")]])
    assert result.messages() == [message]


def test_month_precision_comparisons() -> None:
    """Dates known only to the month are not held against a day in the same month."""
    header = [*CADRE_HEADER, "到基层工作时间"]
    row = cadre(出生日期="1994-03-20", 参加工作时间="2010.03")
    assert check("cadres", header, [[*row, "2010-03"]]).ok


def test_appointment_rules() -> None:
    """免职时间 is not before 任职时间; 免职原因 needs 免职时间; the key is person+post+start."""
    header = ["人员编号", "单位代码", "岗位名称", "任职时间", "免职时间", "免职原因"]
    rows = [
        ["A1", "U1", "股长", "2019-06-18", "2018-01-01", "提拔"],
        ["A1", "U1", "股长", "2020-06-18", None, "退休"],
        ["A1", "U1", "股长", "2020-06-18", "2021-06-18", "交流调整"],
        ["A1", "U1", "股长", "2021-07-01", "2022-07-01", None],
    ]
    assert check("appointments", header, rows).messages() == [
        "第 2 行「免职时间」：2018-01-01 早于任职时间 2019-06-18；应不早于任职时间",
        "第 3 行「免职原因」：填写了免职原因，但没有免职时间；请补填免职时间",
        "第 4 行「任职时间」："
        "与第 3 行重复（「人员编号」「单位代码」「岗位名称」「任职时间」都相同）",
    ]


def test_posts_headcount_and_duplicates() -> None:
    """职数 defaults to 1 and must be at least 1; a unit cannot list the same post twice."""
    header = ["单位代码", "岗位名称", "层级", "是否领导职务", "编制要求", "职数"]
    rows = [
        ["U1", "党政办主任", "股级", "是", "行政", None],
        ["U1", "副镇长", "副科", "Y", "行政", 0],
        ["U1", "党政办主任", "股级", "是", "行政", 2],
    ]
    result = check("posts", header, rows)
    assert result.messages() == [
        "第 3 行「职数」：0 太小；应不小于 1",
        "第 4 行「岗位名称」：与第 2 行重复（「单位代码」「岗位名称」都相同）",
    ]
    assert result.rows[0].values["headcount"] == 1
    assert result.rows[0].values["is_leadership"] is True


def test_unit_parents() -> None:
    """A unit cannot be its own parent, and parents within the file cannot form a loop."""
    header = ["单位代码", "单位名称", "单位类型", "上级单位代码"]
    rows = [
        ["U1", "县委", "县直部门", None],
        ["U2", "甲", "事业单位", "U4"],
        ["U3", "乙", "事业单位", "U2"],
        ["U4", "丙", "事业单位", "U3"],
        ["U5", "丁", "乡镇", "U5"],
        ["U6", "戊", "街道", "U1"],
    ]
    assert check("units", header, rows).messages() == [
        "第 6 行「上级单位代码」：上级单位不能是本单位",
        "第 3 行「上级单位代码」：上级单位关系形成循环：U2 → U4 → U3 → U2；请核对上级单位代码",
    ]


def test_error_cap_counts_the_rest() -> None:
    """Beyond max_errors, problems are counted and summarised instead of listed."""
    rows = [cadre(人员编号=f"A{i}", 性别="?") for i in range(30)]
    result = validate_rows(
        kind="cadres", header=CADRE_HEADER, rows=numbered(rows), today=TODAY, max_errors=10
    )
    assert len(result.errors) == 10
    assert result.error_count == 30
    assert result.messages()[-1] == "另有 20 个问题未逐条列出；请先改正以上问题后重新检查"


def test_file_error_while_reading_rows() -> None:
    """A reader failing halfway is reported as an error after what was already found."""

    def rows() -> Iterator[Row]:
        yield 2, tuple(cadre(性别="?"))
        raise FileError("数据超过 1 行的上限；请拆分文件后分批导入")

    result = validate_rows(kind="cadres", header=CADRE_HEADER, rows=rows(), today=TODAY)
    assert result.messages() == [
        "第 2 行「性别」：「?」不是可选的值；应为：男、女",
        "数据超过 1 行的上限；请拆分文件后分批导入",
    ]


@pytest.mark.parametrize("kind", ImportKind.values)
def test_example_row_is_refused(kind: str) -> None:
    """The template's example row, left in place, is an error rather than a record."""
    columns = SPECS[kind].columns
    header = [column.label for column in columns]
    example = [column.example for column in columns]
    result = check(kind, header, [example])
    assert result.messages() == ["第 2 行：这是导入模板自带的示例行；请删除后再导入"]


def test_header_without_rows() -> None:
    """A file with a header and nothing under it is an error, not a silent empty import."""
    assert check("cadres", CADRE_HEADER, []).messages() == [
        "表头下面没有数据行；请在表头下逐行填写后再导入"
    ]


def test_repeated_cells_give_the_same_values_and_messages_on_every_row() -> None:
    """Texts that repeat down a file (codes, choices, dates) are parsed once per check; every
    row still gets its own value, or its own located message."""
    rows = []
    for n in range(12):
        changes: dict[str, object] = {"人员编号": f"R{n}"}
        if n % 2:
            changes["学历"] = "硕士"
        if n % 3 == 0:
            changes["参加工作时间"] = "2010.13"
        rows.append(cadre(**changes))
    result = check("cadres", CADRE_HEADER, rows)
    found: dict[int | None, set[tuple[str | None, str]]] = {}
    for problem in result.errors:
        found.setdefault(problem.row, set()).add((problem.column, problem.message))
    education = ("学历", "「硕士」不是可选的值；应为：研究生、大学本科、大学专科、中专及以下")
    work_start = ("参加工作时间", "「2010.13」不是存在的日期；请核对年、月、日")
    for n in range(12):
        expected = {education} if n % 2 else set()
        if n % 3 == 0:
            expected.add(work_start)
        assert found.get(n + 2, set()) == expected, n
    assert [row.number - 2 for row in result.rows] == [2, 4, 8, 10]
    assert {(row.values["education"], row.values["work_start_date"]) for row in result.rows} == {
        ("bachelor", D(2010, 8, 1))
    }
