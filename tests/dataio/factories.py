"""Builders of spreadsheet files and Hypothesis strategies for valid import rows."""

import csv
import datetime
import io
from collections.abc import Sequence

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from zhongjian.dataio.columns import ValueType
from zhongjian.dataio.parsers import ETHNIC_GROUPS
from zhongjian.org.choices import (
    Education,
    EndReason,
    Establishment,
    Gender,
    PartyStatus,
    Rank,
    Tier,
    UnitKind,
)

TODAY = datetime.date(2025, 6, 30)
# Cells that no column of the given type accepts.
WRONG_CELLS = {
    ValueType.TEXT: ["", "   ", "=A1&B1", "#REF!", "长" * 200],
    ValueType.CODE: ["", "A 01", "=ROW()", "#N/A", "X" * 40],
    ValueType.DATE: ["不详", "1985-13-01", "1899.12", "2999-01-01", "1985", True, -3, "=TODAY()"],
    ValueType.INTEGER: ["两个", 2.5, 0, "=1+1", True, "#DIV/0!"],
    ValueType.BOOLEAN: ["也许", 7, "=TRUE()", "#VALUE!"],
    ValueType.CHOICE: ["未知", "X", 3.5, "=A1", "#NAME?"],
    ValueType.ID_NUMBER: ["110105198503121235", "12345", 1.10105198503121e17, "=A1"],
}
EXCEL_EPOCH = datetime.date(1899, 12, 30)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
PROVINCES = ("11", "32", "44", "51", "65", "82")

# Reproducible runs with a bounded number of examples: the machine is small and shared.
deterministic = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=30,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# For property tests that write to the test database: each example runs in `rolled_back()`, so
# the function-scoped fixtures are shared safely; fewer examples, as each one imports.
with_db = settings(
    parent=deterministic,
    max_examples=10,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


def xlsx_bytes(
    rows: Sequence[Sequence[object]],
    *,
    title: str = "Sheet1",
    merges: Sequence[str] = (),
    extra_sheets: Sequence[str] = (),
) -> bytes:
    """Return an .xlsx whose first sheet holds `rows` from A1, with the given merged ranges."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for ref in merges:
        sheet.merge_cells(ref)
    for name in extra_sheets:
        workbook.create_sheet(name).append(["其他"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build(file_format: str, rows: list[list[object]], **options: object) -> tuple[bytes, str]:
    """Return `rows` as an .xlsx or a CSV and a filename with the matching suffix."""
    if file_format == "xlsx":
        return xlsx_bytes(rows, **options), "名单.xlsx"
    return csv_bytes(rows, encoding=str(options.get("encoding", "utf-8"))), "名单.csv"


def csv_bytes(
    rows: Sequence[Sequence[object]], *, encoding: str = "utf-8", delimiter: str = ","
) -> bytes:
    """Return `rows` as CSV text in `encoding` (a BOM is written for utf-8-sig and utf-16)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return buffer.getvalue().encode(encoding)


def id_check(first17: str) -> str:
    """Return the GB 11643 check character of 17 digits."""
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def make_id(*, birth: datetime.date, male: bool, region: str = "110105", seq: int = 12) -> str:
    """Return a valid 18-character ID number for a birth date and gender."""
    sequence = f"{seq:02d}{(1 if male else 2) + (seq % 4) * 2}"
    first17 = f"{region}{birth:%Y%m%d}{sequence}"
    return first17 + id_check(first17)


def excel_serial(day: datetime.date) -> int:
    """Return Excel's 1900-system serial number of a date after 1900-02-28."""
    return (day - EXCEL_EPOCH).days


def dates(*, earliest: datetime.date, latest: datetime.date) -> st.SearchStrategy[datetime.date]:
    return st.dates(min_value=earliest, max_value=latest)


def written_date(day: datetime.date, style: str) -> tuple[object, datetime.date]:
    """Return a cell for `day` written in `style` and the date the importer should read from it."""
    month_only = day.replace(day=1)
    forms: dict[str, tuple[object, datetime.date]] = {
        "date": (day, day),
        "datetime": (datetime.datetime.combine(day, datetime.time()), day),
        "iso": (day.isoformat(), day),
        "slash": (f"{day.year}/{day.month}/{day.day}", day),
        "chinese": (f"{day.year}年{day.month}月{day.day}日", day),
        "compact": (f"{day:%Y%m%d}", day),
        "dotted_month": (f"{day.year}.{day.month:02d}", month_only),
        "short_month": (f"{day.year}.{day.month}", month_only),
        "dash_month": (f"{day.year}-{day.month}", month_only),
        "chinese_month": (f"{day.year}年{day.month}月", month_only),
        "compact_month": (f"{day:%Y%m}", month_only),
        "serial": (excel_serial(day), day),
    }
    return forms[style]


DATE_STYLES = (
    "date",
    "datetime",
    "iso",
    "slash",
    "chinese",
    "compact",
    "dotted_month",
    "short_month",
    "dash_month",
    "chinese_month",
    "compact_month",
    "serial",
)


def labels(choices: type) -> st.SearchStrategy[str]:
    return st.sampled_from([str(label) for label in choices.labels])


@st.composite
def cadre_rows(draw: st.DrawFn, *, count: int) -> tuple[list[str], list[list[object]], list[dict]]:
    """Draw `count` valid cadre rows: the header, the cells, and the values expected back."""
    header = [
        "人员编号",
        "姓名",
        "性别",
        "出生日期",
        "民族",
        "学历",
        "政治面貌",
        "编制类型",
        "参加工作时间",
        "到基层工作时间",
        "职级",
        "所在单位代码",
        "身份证号",
        "是否工勤",
    ]
    rows: list[list[object]] = []
    expected: list[dict] = []
    for index in range(count):
        birth = draw(dates(earliest=datetime.date(1960, 1, 1), latest=datetime.date(2000, 12, 31)))
        earliest_work = birth.replace(year=birth.year + 16, day=1) + datetime.timedelta(days=31)
        work = draw(dates(earliest=earliest_work, latest=TODAY))
        grassroots = draw(st.none() | dates(earliest=work, latest=TODAY))
        male = draw(st.booleans())
        with_id = draw(st.booleans())
        id_number = make_id(birth=birth, male=male, seq=index % 97) if with_id else None
        birth_cell, birth_read = written_date(birth, draw(st.sampled_from(DATE_STYLES)))
        work_cell, work_read = written_date(work, draw(st.sampled_from(DATE_STYLES)))
        grassroots_cell, grassroots_read = (
            written_date(grassroots, draw(st.sampled_from(DATE_STYLES)))
            if grassroots
            else (None, None)
        )
        ethnicity = draw(st.sampled_from(ETHNIC_GROUPS))
        rank = draw(st.none() | labels(Rank))
        is_worker = draw(st.sampled_from([None, "是", "否", "Y", "N"]))
        gender_label = str(Gender.MALE.label if male else Gender.FEMALE.label)
        name = draw(
            st.text(alphabet="王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗", min_size=2, max_size=4)
        )
        cells = [
            f"A{index:05d}",
            name,
            gender_label,
            birth_cell,
            ethnicity,
            draw(labels(Education)),
            draw(labels(PartyStatus)),
            draw(labels(Establishment)),
            work_cell,
            grassroots_cell,
            rank,
            f"U{index % 7:03d}",
            id_number,
            is_worker,
        ]
        rows.append(cells)
        expected.append(
            {
                "staff_no": cells[0],
                "name": name,
                "gender": Gender.MALE if male else Gender.FEMALE,
                "birth_date": birth if with_id else birth_read,
                "ethnicity": ethnicity,
                "work_start_date": work_read,
                "grassroots_start_date": grassroots_read,
                "unit_code": cells[11],
                "is_worker": is_worker in ("是", "Y"),
                "id_number": id_number,
            }
        )
    return header, rows, expected


@st.composite
def unit_rows(draw: st.DrawFn, *, count: int) -> tuple[list[str], list[list[object]], list[dict]]:
    """Draw `count` valid unit rows, each one's parent (if any) an earlier unit of the file."""
    header = ["单位代码", "单位名称", "单位类型", "上级单位代码"]
    rows: list[list[object]] = []
    expected: list[dict] = []
    for index in range(count):
        parent = draw(st.none() | st.integers(0, index - 1)) if index else None
        code = f"U{index:03d}"
        parent_code = None if parent is None else f"U{parent:03d}"
        rows.append([code, f"第{index}单位", draw(labels(UnitKind)), parent_code])
        expected.append({"code": code, "parent_code": parent_code})
    return header, rows, expected


@st.composite
def post_rows(draw: st.DrawFn, *, count: int) -> tuple[list[str], list[list[object]], list[dict]]:
    """Draw `count` valid post rows with distinct (unit, title) pairs."""
    header = ["单位代码", "岗位名称", "层级", "是否领导职务", "编制要求", "职数"]
    rows: list[list[object]] = []
    expected: list[dict] = []
    for index in range(count):
        headcount = draw(st.none() | st.integers(1, 20))
        rows.append(
            [
                f"U{index % 5:03d}",
                f"岗位{index}",
                draw(labels(Tier)),
                draw(st.sampled_from(["是", "否"])),
                draw(labels(Establishment)),
                headcount,
            ]
        )
        expected.append({"title": f"岗位{index}", "headcount": headcount or 1})
    return header, rows, expected


@st.composite
def appointment_rows(
    draw: st.DrawFn, *, count: int
) -> tuple[list[str], list[list[object]], list[dict]]:
    """Draw `count` valid appointment rows; ended ones have an end date and maybe a reason."""
    header = ["人员编号", "单位代码", "岗位名称", "任职时间", "免职时间", "免职原因", "任免文号"]
    rows: list[list[object]] = []
    expected: list[dict] = []
    for index in range(count):
        start = draw(dates(earliest=datetime.date(1990, 1, 1), latest=TODAY))
        end = draw(st.none() | dates(earliest=start, latest=TODAY))
        reason = draw(labels(EndReason)) if end and draw(st.booleans()) else None
        rows.append(
            [
                f"A{index:05d}",
                "U001",
                f"岗位{index}",
                start,
                end,
                reason,
                f"城组干〔2020〕{index}号",
            ]
        )
        expected.append({"start_date": start, "end_date": end})
    return header, rows, expected


@st.composite
def demand_rows(draw: st.DrawFn, *, count: int) -> tuple[list[str], list[list[object]], list[dict]]:
    """Draw `count` valid demand rows (workload): deadlines never before the issue date."""
    from zhongjian.workload.choices import DemandKind

    header = [
        "事项名称",
        "下达机关",
        "机关层级",
        "类型",
        "下达日期",
        "完成时限",
        "承办单位",
        "文号",
    ]
    rows: list[list[object]] = []
    expected: list[dict] = []
    for index in range(count):
        issued = draw(dates(earliest=datetime.date(2020, 1, 1), latest=datetime.date(2025, 6, 30)))
        style = draw(st.sampled_from(("date", "iso", "slash", "chinese", "serial")))
        cell, day = written_date(issued, style)
        deadline = draw(st.none() | st.integers(0, 60))
        due = None if deadline is None else (day + datetime.timedelta(days=deadline)).isoformat()
        rows.append(
            [
                f"事项{index}",
                draw(st.sampled_from(["市应急管理局", "县委办公室"])),
                draw(st.sampled_from(["市", "县", "省", "中央"])),
                draw(labels(DemandKind)),
                cell,
                due,
                f"U{index % 5:03d}、U{(index + 1) % 5:03d}",
                draw(st.none() | st.just(f"县发〔2025〕{index}号")),
            ]
        )
        expected.append({"title": f"事项{index}", "issued_on": day})
    return header, rows, expected


ROW_STRATEGIES = {
    "units": unit_rows,
    "posts": post_rows,
    "cadres": cadre_rows,
    "appointments": appointment_rows,
    "demands": demand_rows,
}
