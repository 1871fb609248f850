"""Tests of the .xlsx and .csv readers: header search, encodings, limits, damaged files."""

import io
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.worksheet.formula import ArrayFormula

from tests.dataio.factories import csv_bytes, xlsx_bytes
from zhongjian.dataio.columns import SPECS, validate_file
from zhongjian.dataio.readers import FileError, Table, open_table

HEADER = ["人员编号", "姓名", "性别"]
is_header = SPECS["cadres"].matcher.is_known


def read(data: bytes, filename: str = "", **options: object) -> tuple[Table, list]:
    with open_table(source=data, filename=filename, is_header=is_header, **options) as table:
        return table, list(table.rows)


def read_error(data: bytes, filename: str = "", **options: object) -> str:
    with pytest.raises(FileError) as caught:
        read(data, filename, **options)
    return caught.value.message


def test_header_below_title_rows() -> None:
    """Title rows above the header are skipped; row numbers are those Excel shows."""
    data = xlsx_bytes(
        [
            ["XX县干部花名册"],
            [None, "填报单位：城关镇"],
            HEADER,
            ["A1", "张三", "男"],
            ["A2", "李四", "女"],
        ],
        merges=["A1:C1"],
    )
    table, rows = read(data)
    assert table.header_row == 3
    assert table.header == tuple(HEADER)
    assert rows == [(4, ("A1", "张三", "男")), (5, ("A2", "李四", "女"))]
    assert table.warnings == []


def test_trailing_empty_rows_and_columns() -> None:
    """Empty header cells at the end and empty rows anywhere are dropped."""
    data = xlsx_bytes(
        [
            [*HEADER, None, None],
            ["A1", "张三", "男"],
            [],
            [None, None],
            ["A2", "李四", "女"],
            [],
            [],
        ]
    )
    table, rows = read(data)
    assert table.header == tuple(HEADER)
    assert [number for number, _cells in rows] == [2, 5]


def test_merged_header_cells_refused() -> None:
    """A merged header cell is named with its range and header text."""
    data = xlsx_bytes([["人员编号", "出生日期", None], ["A1", "1985", "03"]], merges=["B1:C1"])
    message = read_error(data)
    assert "表头有合并单元格：B1:C1（「出生日期」）" in message
    assert "请取消合并" in message


def test_two_row_header_refused() -> None:
    """Header cells merged down into the next row (a two-row header) are refused."""
    data = xlsx_bytes(
        [["人员编号", "姓名", "出生", None], [None, None, "年", "月"], ["A1", "张三", 1985, 3]],
        merges=["A1:A2", "B1:B2", "C1:D1"],
    )
    assert "A1:A2（「人员编号」）、B1:B2（「姓名」）、C1:D1（「出生」）" in read_error(data)


def test_merged_data_cells_warned() -> None:
    """Merged data cells are read (only the first row holds a value) with a warning."""
    data = xlsx_bytes([HEADER, ["A1", "张三", "男"], ["A2", "李四", None]], merges=["C2:C3"])
    table, rows = read(data)
    assert rows[1] == (3, ("A2", "李四", None))
    assert table.warnings == [
        "第 2–3 行「性别」是合并单元格，只有第 2 行有值；请取消合并并在每一行填写"
    ]


def test_formulas_are_read_as_formulas() -> None:
    """Formulas come through as their text so the validator can refuse them."""
    _table, rows = read(xlsx_bytes([HEADER, ["A1", '=CONCAT("张","三")', "男"]]))
    assert rows[0][1][1] == '=CONCAT("张","三")'


def test_sheet_choice() -> None:
    """A sheet is picked by name (width and spaces ignored); an unknown name lists the sheets."""
    workbook = Workbook()
    workbook.active.title = "说明"
    workbook.active.append(["请在第二张表填写"])
    sheet = workbook.create_sheet("干部 名单")
    sheet.append(HEADER)
    sheet.append(["A1", "张三", "男"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table, rows = read(buffer.getvalue(), sheet="干部名单")
    assert table.sheet == "干部 名单"
    assert rows == [(2, ("A1", "张三", "男"))]
    message = read_error(buffer.getvalue(), sheet="花名册")
    assert message == "找不到名为「花名册」的工作表；文件中的工作表有：「说明」、「干部 名单」"
    assert "没有找到表头" in read_error(buffer.getvalue())


def test_hidden_first_sheet_is_skipped() -> None:
    """Without a sheet name, the first visible sheet is read."""
    workbook = Workbook()
    workbook.active.title = "代码"
    workbook.active.sheet_state = "hidden"
    visible = workbook.create_sheet("干部")
    visible.append(HEADER)
    buffer = io.BytesIO()
    workbook.save(buffer)
    table, _rows = read(buffer.getvalue())
    assert table.sheet == "干部"


@pytest.mark.parametrize(
    ("encoding", "name"),
    [
        ("utf-8", "UTF-8"),
        ("utf-8-sig", "UTF-8 (BOM)"),
        ("gbk", "GBK"),
        ("gb18030", "GB18030"),
        ("utf-16", "UTF-16"),
    ],
)
def test_csv_encodings(encoding: str, name: str) -> None:
    """UTF-8 with or without BOM, GBK and GB18030 are detected and named."""
    # 䶮 (U+4DAE) exists in GB18030 but not in GBK, so only that file needs GB18030.
    person = "王䶮" if encoding in {"gb18030", "utf-16"} else "王芳"
    delimiter = "\t" if encoding == "utf-16" else ","
    data = csv_bytes([HEADER, ["A1", person, "女"]], encoding=encoding, delimiter=delimiter)
    table, rows = read(data, "名单.csv")
    assert (table.file_format, table.encoding) == ("csv", name)
    assert rows == [(2, ("A1", person, "女"))]


def test_csv_title_rows_and_quotes() -> None:
    """CSV gets the same header search; quoted cells with commas and newlines stay one record."""
    data = csv_bytes(
        [
            ["XX县干部花名册"],
            [],
            HEADER,
            ["A1", "张,三\n", "男"],
            ["", "", ""],
            ["A2", "李四", "女"],
        ]
    )
    table, rows = read(data)
    assert table.header_row == 3
    assert rows == [(4, ("A1", "张,三\n", "男")), (6, ("A2", "李四", "女"))]


def test_csv_undecodable() -> None:
    """Bytes that no supported encoding can decode are refused with advice."""
    message = read_error("人员编号,姓名\n".encode() + b"\x80\xff\xfe\x81\n", "a.csv")
    assert message.startswith("无法识别文件编码")


def test_binary_csv() -> None:
    """A binary file uploaded as CSV is refused."""
    assert "二进制" in read_error(bytes(range(256)) * 8, "a.csv")


def test_csv_broken_quote() -> None:
    """An unbalanced quote that swallows the file is reported with a row number."""
    data = '人员编号,姓名\nA1,"张三\n' + "x" * 200_000
    assert "第 2 行附近无法解析" in read_error(data.encode(), "a.csv")


@pytest.mark.parametrize(
    ("data", "filename", "fragment"),
    [
        (b"", "a.xlsx", "文件是空的"),
        (b"not a zip at all", "a.xlsx", "不是有效的 Excel 文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "a.xls", "旧版 .xls"),
        (b"PK\x03\x04garbage", "a.xlsx", "已损坏"),
        (b"\n\n,,\n", "a.csv", "文件是空的"),
        ("名字,年龄\n张三,3\n".encode(), "a.csv", "没有找到表头"),
    ],
)
def test_unreadable_files(data: bytes, filename: str, fragment: str) -> None:
    """Empty, foreign and damaged files give a file-level message, never an exception."""
    assert fragment in read_error(data, filename)


def test_zip_that_is_not_a_workbook() -> None:
    """A zip without a workbook (a .docx, an archive) is refused."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert "无法读取该 Excel 文件" in read_error(buffer.getvalue(), "a.xlsx")


def test_truncated_sheet_fails_after_good_rows() -> None:
    """Rows are streamed: a sheet whose XML breaks off yields its rows up to the break first."""
    good = xlsx_bytes([HEADER, *[[f"A{i}", "张三", "男"] for i in range(50)]])
    source = zipfile.ZipFile(io.BytesIO(good))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content[: content.index(b'<row r="30"')]
            target.writestr(info, content)
    with open_table(source=buffer.getvalue(), is_header=is_header) as table:
        seen = []
        with pytest.raises(FileError, match="之后已损坏"):
            for number, _cells in table.rows:
                seen.append(number)
    assert seen == list(range(2, 30))


def test_size_and_row_limits() -> None:
    """Files over the size limit are refused up front; rows over the row limit when reached."""
    data = xlsx_bytes([HEADER, *[[f"A{i}", "张三", "男"] for i in range(20)]])
    assert "文件太大" in read_error(data, max_bytes=len(data) - 1)
    assert read_error(data, max_rows=19) == "数据超过 19 行的上限；请拆分文件后分批导入"
    _table, rows = read(data, max_rows=20)
    assert len(rows) == 20
    csv_data = csv_bytes([HEADER, *[[f"A{i}", "张三", "男"] for i in range(20)]])
    assert "上限" in read_error(csv_data, max_rows=5)


def test_zip_bomb_refused() -> None:
    """An .xlsx that would expand far beyond its size limit is refused before parsing."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b" " * 30_000_000)
    assert "异常庞大" in read_error(buffer.getvalue(), max_bytes=len(buffer.getvalue()) * 2)


def test_source_as_path_and_file(tmp_path: Path) -> None:
    """A path and an open binary file are read like bytes."""
    data = csv_bytes([HEADER, ["A1", "张三", "男"]])
    path = tmp_path / "名单.csv"
    path.write_bytes(data)
    with open_table(source=path, is_header=is_header) as table:
        assert list(table.rows) == [(2, ("A1", "张三", "男"))]
    with path.open("rb") as stream, open_table(source=stream, is_header=is_header) as table:
        assert list(table.rows) == [(2, ("A1", "张三", "男"))]


def _peak(read: Callable[[bytes], None], data: bytes) -> int:
    tracemalloc.start()
    try:
        read(data)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _read_with_openpyxl(data: bytes) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    for _row in workbook.worksheets[0].iter_rows(values_only=True):
        pass
    workbook.close()


def _read_with_open_table(data: bytes) -> None:
    with open_table(source=data, is_header=is_header) as table:
        for _row in table.rows:
            pass


def test_reading_streams() -> None:
    """
    Reading takes no more memory than openpyxl's own read-only iteration: rows are not kept.
    (Holding these 5,000 rows would add about 1.5 MB, three times the margin.)
    """
    data = xlsx_bytes([[*HEADER, "民族", "学历"], *[[i, "张三", "男", i, i] for i in range(5_000)]])
    baseline = _peak(_read_with_openpyxl, data)
    assert _peak(_read_with_open_table, data) < baseline + 512 * 1024


def test_validate_file_reports_file_errors() -> None:
    """validate_file turns file problems into a single error and describes what it read."""
    result = validate_file(kind="cadres", source=b"garbage", filename="a.xlsx")
    assert not result.ok
    assert result.messages() == [
        "文件不是有效的 Excel 文件（可能已损坏，或只是改了扩展名）；请在 Excel/WPS 中另存为 .xlsx"
    ]
    data = csv_bytes([HEADER, ["A1", "张三", "男"]], encoding="gbk")
    described = validate_file(kind="cadres", source=data, filename="a.csv")
    assert (described.file_format, described.encoding) == ("csv", "GBK")


def test_array_formula_cells_are_refused() -> None:
    """Array formulas, which openpyxl returns as objects, are refused like plain formulas."""
    data = xlsx_bytes([HEADER, ["A1", "张三", ArrayFormula("C2", '=IF(1,"男","女")')]])
    result = validate_file(kind="cadres", source=data)
    assert (
        '第 2 行「性别」：单元格是公式「=IF(1,"男","女")」；'
        "请填写值本身（可复制后“选择性粘贴为数值”）"
    ) in result.messages()
