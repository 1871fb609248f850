"""Tests of the import templates and the export writer."""

import datetime
import io
from collections.abc import Iterator

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.dataio.factories import ROW_STRATEGIES, TODAY, deterministic
from zhongjian.dataio.columns import SPECS, ImportKind, validate_file
from zhongjian.dataio.templates import (
    INSTRUCTIONS_SHEET,
    OPTIONS_SHEET,
    build_export,
    build_template,
)

D = datetime.date


def load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_cadre_template_layout() -> None:
    """
    The cadre template has its data sheet first, then 填写说明, then a hidden list of options;
    required headers carry `*`, the header is frozen and an example fills row 2.
    """
    workbook = load(build_template(kind=ImportKind.CADRES))
    assert workbook.sheetnames == ["干部", INSTRUCTIONS_SHEET, OPTIONS_SHEET]
    assert workbook[OPTIONS_SHEET].sheet_state == "hidden"
    sheet = workbook["干部"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:4] == ["人员编号*", "姓名*", "性别*", "出生日期*"]
    assert "职级" in headers and "身份证号" in headers
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[2]][:2] == ["GB0001", "张三（示例）"]
    id_letter = openpyxl.utils.get_column_letter(headers.index("身份证号") + 1)
    assert sheet.column_dimensions[id_letter].number_format == "@"
    assert sheet[f"{id_letter}2"].number_format == "@"
    assert all(sheet.column_dimensions[letter].width >= 10 for letter in "ABCDEFGHIJKLMN")


def test_template_drop_down_lists() -> None:
    """Every coded column has a list validation whose source range holds the Chinese labels."""
    workbook = load(build_template(kind=ImportKind.CADRES))
    sheet = workbook["干部"]
    headers = [str(cell.value).rstrip("*") for cell in sheet[1]]
    options = workbook[OPTIONS_SHEET]
    lists = {}
    for validation in sheet.data_validations.dataValidation:
        if validation.type != "list":
            continue
        column = str(validation.sqref).split(":")[0].rstrip("0123456789")
        header = headers[openpyxl.utils.column_index_from_string(column) - 1]
        source = validation.formula1.split("!")[1].replace("$", "")
        lists[header] = [cell.value for row in options[source] for cell in row]
    assert lists["性别"] == ["男", "女"]
    assert lists["政治面貌"] == ["中共党员", "中共预备党员", "共青团员", "民主党派", "群众"]
    assert lists["是否工勤"] == ["是", "否"]
    assert lists["民族"][0] == "汉族" and len(lists["民族"]) == 58
    assert set(lists) == {"性别", "民族", "学历", "政治面貌", "编制类型", "职级", "是否工勤"}


def test_template_instructions() -> None:
    """填写说明 lists every column with whether it is required, its meaning and its options."""
    workbook = load(build_template(kind=ImportKind.POSTS))
    rows = [[cell.value for cell in row] for row in workbook[INSTRUCTIONS_SHEET].iter_rows()]
    table = {row[0]: row for row in rows if row[0] in {c.label for c in SPECS["posts"].columns}}
    assert list(table) == ["单位代码", "岗位名称", "层级", "是否领导职务", "编制要求", "职数"]
    assert table["层级"][1] == "是"
    assert table["层级"][4] == "正科、副科、股级、一般"
    assert table["职数"][1] == "否"
    assert "留空按 1" in table["职数"][3]


def test_instructions_name_the_stand_in_column() -> None:
    """Columns that another column may replace say which one in their 必填 cell."""
    workbook = load(build_template(kind=ImportKind.CADRES))
    rows = {row[0]: row for row in workbook[INSTRUCTIONS_SHEET].iter_rows(values_only=True)}
    assert rows["人员编号"][1] == "是（填了「身份证号」时可空）"
    assert rows["出生日期"][1] == "是（填了「身份证号」时可空）"
    assert rows["姓名"][1] == "是"
    assert rows["身份证号"][1] == "否"


@pytest.mark.parametrize("kind", ImportKind.values)
def test_untouched_template_only_flags_the_example(kind: str) -> None:
    """An unedited template is read back with one error: the example row is still there."""
    result = validate_file(kind=kind, source=build_template(kind=kind), today=TODAY)
    assert result.messages() == ["第 2 行：这是导入模板自带的示例行；请删除后再导入"]
    assert result.warnings == []


def fill_template(kind: str, header: list[str], rows: list[list[object]]) -> bytes:
    """Write `rows` into the template of `kind` under its own header, replacing the example."""
    workbook = load(build_template(kind=kind))
    sheet = workbook.worksheets[0]
    positions = {
        str(cell.value).rstrip("*"): cell.column for cell in sheet[1] if cell.value is not None
    }
    sheet.delete_rows(2)
    for number, row in enumerate(rows, start=2):
        for name, value in zip(header, row, strict=True):
            sheet.cell(row=number, column=positions[name], value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ImportKind.values)
@deterministic
@given(data=st.data())
def test_filled_template_validates_clean(kind: str, data: st.DataObject) -> None:
    """A template filled with valid rows of any written form validates without a problem."""
    header, rows, expected = data.draw(ROW_STRATEGIES[kind](count=data.draw(st.integers(1, 8))))
    result = validate_file(kind=kind, source=fill_template(kind, header, rows), today=TODAY)
    assert result.ok, result.messages()
    assert [row.number for row in result.rows] == list(range(2, len(rows) + 2))
    for row, wanted in zip(result.rows, expected, strict=True):
        values = dict(row.values)
        if values.get("id_number") is not None:
            values["id_number"] = values["id_number"].number
        assert {key: values[key] for key in wanted} == wanted


def test_export_keeps_text_dates_and_chinese() -> None:
    """Exports keep Chinese, write dates as dates, never turn text into formulas."""

    def rows() -> Iterator[list[object]]:
        yield ["张三", D(1985, 3, 12), True, 3, '=HYPERLINK("http://x")']
        yield ["李四\x07", None, False, 2.5, "@SUM(A1)"]

    data = build_export(
        title="干部名单：城关镇[2025]",
        columns=["姓名", "出生日期", "是否工勤", "职数", "备注"],
        rows=rows(),
    )
    workbook = load(data)
    sheet = workbook.active
    assert sheet.title == "干部名单：城关镇_2025_"
    assert workbook.properties.title == "干部名单：城关镇[2025]"
    assert sheet.freeze_panes == "A2"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == [
        ["姓名", "出生日期", "是否工勤", "职数", "备注"],
        [
            "张三",
            datetime.datetime.combine(D(1985, 3, 12), datetime.time()),
            "是",
            3,
            '=HYPERLINK("http://x")',
        ],
        ["李四", None, "否", 2.5, "@SUM(A1)"],
    ]
    assert sheet["E2"].data_type == "s"
    assert sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet["A1"].font.bold


def test_export_is_readable_back_as_an_import() -> None:
    """An export with import headers is a valid import file: lists can go round."""
    columns = ["单位代码", "单位名称", "单位类型", "上级单位代码"]
    data = build_export(title="单位", columns=columns, rows=[["U1", "县委办", "县直部门", None]])
    result = validate_file(kind="units", source=data, today=TODAY)
    assert result.ok
    assert result.rows[0].values == {
        "code": "U1",
        "name": "县委办",
        "kind": "county_department",
        "parent_code": None,
    }
