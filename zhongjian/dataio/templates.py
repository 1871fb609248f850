"""Downloadable import templates and a streaming .xlsx writer for exports."""

import datetime
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from zhongjian.dataio.columns import SPECS, Column, ImportKind, ValueType

TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
INSTRUCTIONS_SHEET = "填写说明"
OPTIONS_SHEET = "选项"
LAST_ROW = 1048576  # the last row of an .xlsx sheet; drop-down lists cover every data row

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_FONT = Font(bold=True)
_REQUIRED_FONT = Font(bold=True, color="C00000")
_EXAMPLE_FONT = Font(italic=True, color="808080")
_WRAP = Alignment(wrap_text=True, vertical="top")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def build_template(*, kind: str) -> bytes:
    """
    Return the .xlsx import template of `kind`: Chinese headers with `*` on required columns,
    drop-down lists for coded columns, text-formatted dates and codes, one example row, a frozen
    header and a 填写说明 sheet describing every column.
    """
    spec = SPECS[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(str(ImportKind(kind).label))
    options = workbook.create_sheet(OPTIONS_SHEET)
    options.sheet_state = "hidden"
    option_column = 0
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        required = column.required or column.required_unless is not None
        header = sheet.cell(row=1, column=index, value=column.label + ("*" if required else ""))
        header.font = _REQUIRED_FONT if required else _HEADER_FONT
        header.fill = _HEADER_FILL
        header.comment = Comment(str(column.help_text), "中坚")
        example = sheet.cell(row=2, column=index, value=_example_cell(column))
        example.font = _EXAMPLE_FONT
        if column.value_type != ValueType.INTEGER:
            # Text format keeps what the clerk types: 身份证号 and codes stay digits with their
            # leading zeros, and 1985.10 is not turned into the number 1985.1 (January).
            sheet.column_dimensions[letter].number_format = TEXT_FORMAT
            example.number_format = TEXT_FORMAT
        sheet.column_dimensions[letter].width = _width(column)
        labels = column.option_labels()
        if labels:
            option_column += 1
            source = _write_options(options, option_column, column.label, labels)
            validation = DataValidation(
                type="list",
                formula1=source,
                allow_blank=True,
                showErrorMessage=True,
                # Coded columns only take their labels; 民族 may also be written without 族.
                errorStyle="stop"
                if column.choices or column.value_type == ValueType.BOOLEAN
                else "warning",
                errorTitle=str(_("无效的值")),
                error=str(_("请从下拉列表中选择")),
            )
        else:
            validation = DataValidation(type=None, allow_blank=True)
        validation.showInputMessage = True
        validation.promptTitle = column.label[:32]
        validation.prompt = str(column.help_text)[:255]
        validation.add(f"{letter}2:{letter}{LAST_ROW}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    _write_instructions(workbook.create_sheet(INSTRUCTIONS_SHEET, index=1), spec.columns)
    return _save(workbook)


def build_export(*, title: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """
    Return an .xlsx of `rows` under a header of `columns`, written in streaming mode so a long
    list never sits in memory as cells. Text is kept as text even when it starts with `=`, dates
    get a date format, True/False become 是/否.
    """
    workbook = Workbook(write_only=True)
    workbook.properties.title = title
    sheet = workbook.create_sheet(_sheet_title(title))
    for index, label in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, _display_width(label) + 4)
    sheet.freeze_panes = "A2"
    header = []
    for label in columns:
        cell = WriteOnlyCell(sheet, value=_clean_text(label))
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_export_cell(sheet, value) for value in row])
    return _save(workbook)


def _export_cell(sheet: Worksheet, value: object) -> object:
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    text = _clean_text(str(value))
    if text.startswith("="):
        # openpyxl would store it as a formula, which Excel then runs.
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text


def _clean_text(text: str) -> str:
    # Control characters are invalid in the XML of an .xlsx; openpyxl refuses them.
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _example_cell(column: Column) -> object:
    if column.example is None or column.value_type == ValueType.INTEGER:
        return column.example
    return str(column.example)


def _write_options(sheet: Worksheet, index: int, label: str, values: list[str]) -> str:
    letter = get_column_letter(index)
    sheet.cell(row=1, column=index, value=label)
    for row, value in enumerate(values, start=2):
        sheet.cell(row=row, column=index, value=value)
    return f"{quote_sheetname(sheet.title)}!${letter}$2:${letter}${len(values) + 1}"


def _write_instructions(sheet: Worksheet, columns: Sequence[Column]) -> None:
    notes = [
        _("带 * 的列必须填写（个别列在另一列已填时可空，见下表“必填”一栏）；不认识的列会被忽略。"),
        _("第 2 行是示例（灰色斜体），导入前请删除或改为真实数据。"),
        _("表头可在前 10 行中的任一行，上方可有标题行；不要合并表头单元格，不要使用公式。"),
        _("日期可填 Excel 日期，或 1985-03-12、1985/3/12、1985.03、1985年3月；只填年月按 1 日。"),
        _("身份证号、人员编号和各种代码的列请保持“文本”格式，以免 Excel 吞掉开头的 0 或末几位。"),
        _("导入时会一次列出全部问题（第几行、哪一列、错在哪里），改正后重新上传即可。"),
    ]
    for row, note in enumerate(notes, start=1):
        sheet.cell(row=row, column=1, value=str(note))
    top = len(notes) + 2
    headings = [_("列名"), _("必填"), _("内容"), _("说明"), _("可选的值"), _("示例")]
    for index, heading in enumerate(headings, start=1):
        cell = sheet.cell(row=top, column=index, value=str(heading))
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for row, column in enumerate(columns, start=top + 1):
        if column.required_unless:
            other = next(c.label for c in columns if c.key == column.required_unless)
            required = _("是（填了「%(other)s」时可空）") % {"other": other}
        elif column.required:
            required = _("是")
        else:
            required = _("否")
        values = [
            column.label,
            str(required),
            str(ValueType(column.value_type).label),
            str(column.help_text),
            "、".join(column.option_labels()),
            "" if column.example is None else str(column.example),
        ]
        for index, value in enumerate(values, start=1):
            sheet.cell(row=row, column=index, value=value).alignment = _WRAP
    for letter, width in zip("ABCDEF", (16, 12, 10, 50, 40, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(row=top + 1, column=1)


def _width(column: Column) -> float:
    texts = [column.label + "*", str(column.example or "")]
    return max(10, *(_display_width(text) + 4 for text in texts))


def _display_width(text: str) -> int:
    # CJK characters take two columns of Excel's width unit.
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _sheet_title(title: str) -> str:
    cleaned = _SHEET_NAME_FORBIDDEN.sub("_", _clean_text(title)).strip("'") or "Sheet1"
    return cleaned[:31]


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
