"""Readers that turn an uploaded .xlsx or .csv into a header row and a stream of numbered rows.

openpyxl (with numpy, which it imports when present) loads only when a workbook is read, not
with the URLs: a web worker that never reads one does not hold it.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import os
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeVar
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    import openpyxl
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet


def range_boundaries(ref: str) -> tuple[int, int, int, int]:
    from openpyxl.utils.cell import range_boundaries as boundaries

    return boundaries(ref)


def get_column_letter(column: int) -> str:
    from openpyxl.utils.cell import get_column_letter as letter

    return letter(column)


DEFAULT_MAX_BYTES = 20 * 1024 * 1024
HEADER_SEARCH_ROWS = 10
# Columns looked at while searching for the header; a roster never has this many.
MAX_HEADER_COLUMNS = 256
# How far an .xlsx may expand when unzipped, as a multiple of its size limit. Real rosters expand
# 10–20 times; a zip bomb expands a thousand times and would exhaust memory in openpyxl.
MAX_EXPANSION = 50
# Limits read from the archive before openpyxl parses anything (issue #8.8): openpyxl loads every
# shared string into memory when it opens a workbook, so a small file listing tens of millions of
# empty strings would take minutes and gigabytes. A roster has a few distinct texts per row.
SHARED_STRINGS_PER_ROW = 8
MIN_SHARED_STRINGS = 100_000
MAX_SHARED_STRINGS_BYTES = 256 * 1024 * 1024
# Rows and columns a sheet's <dimension> may declare beyond the row limit (titles, notes, blanks).
DIMENSION_SLACK_ROWS = 1000
MAX_DECLARED_COLUMNS = 1024
_SST_COUNT = re.compile(rb'<(?:\w+:)?sst\b[^>]*?\buniqueCount="(\d+)"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s[^>]*?ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
_SI = re.compile(rb"<(?:\w+:)?si\b")

Source = bytes | str | os.PathLike[str] | BinaryIO
Row = tuple[int, tuple[object, ...]]
_T = TypeVar("_T")

_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FileError(Exception):
    """A problem with the file as a whole; the message is for the clerk who uploaded it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(slots=True)
class Table:
    """
    A file's header and its data rows, read lazily. Row numbers are those the clerk sees in Excel
    (or the record number of a CSV); empty rows are skipped. Iterating `rows` may raise FileError
    when the file turns out to be damaged or too long.
    """

    header: tuple[object, ...]
    header_row: int
    rows: Iterator[Row]
    file_format: str
    sheet: str | None = None
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)
    # Rows below the header as the file declares them (an .xlsx's <dimension>, a CSV's line
    # count): enough for a progress bar, never trusted for anything else.
    estimated_rows: int | None = None


@contextlib.contextmanager
def open_table(
    *,
    source: Source,
    filename: str = "",
    is_header: Callable[[object], bool],
    sheet: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int | None = None,
) -> Iterator[Table]:
    """
    Open an .xlsx or .csv (told apart by content, the filename only breaks ties) and find its
    header: the row among the first ten with most cells that `is_header` recognises. Raise
    FileError for anything that stops the file being read.
    """
    with _binary_stream(source) as stream:
        size = stream.seek(0, io.SEEK_END)
        stream.seek(0)
        if size == 0:
            raise FileError(_("文件是空的"))
        if size > max_bytes:
            raise FileError(
                _("文件太大（%(size)s）；最大允许 %(limit)s，请拆分后分批导入")
                % {"size": _megabytes(size), "limit": _megabytes(max_bytes)}
            )
        magic = stream.read(8)
        stream.seek(0)
        suffix = Path(filename).suffix.lower()
        if magic.startswith(_ZIP_MAGIC):
            with _open_xlsx(stream, is_header, sheet, max_bytes, max_rows) as table:
                yield table
            return
        if magic.startswith(_OLE2_MAGIC):
            raise FileError(
                _(
                    "这是旧版 .xls 文件或加了密码的 Excel 文件；"
                    "请在 Excel/WPS 中另存为 .xlsx（不设密码）后再导入"
                )
            )
        if suffix in {".xlsx", ".xlsm", ".xls", ".et"}:
            raise FileError(
                _(
                    "文件不是有效的 Excel 文件（可能已损坏，或只是改了扩展名）；"
                    "请在 Excel/WPS 中另存为 .xlsx"
                )
            )
        yield _read_csv(stream.read(), is_header, max_rows)


@contextlib.contextmanager
def _binary_stream(source: Source) -> Iterator[BinaryIO]:
    if isinstance(source, bytes):
        yield io.BytesIO(source)
    elif isinstance(source, str | os.PathLike):
        with open(source, "rb") as stream:
            yield stream
    else:
        yield source


@contextlib.contextmanager
def _open_xlsx(
    stream: BinaryIO,
    is_header: Callable[[object], bool],
    sheet: str | None,
    max_bytes: int,
    max_rows: int | None,
) -> Iterator[Table]:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise FileError(_("Excel 文件已损坏，无法打开；请重新保存为 .xlsx 后再导入")) from None
    with archive:
        if sum(info.file_size for info in archive.infolist()) > max_bytes * MAX_EXPANSION:
            raise FileError(_("文件解压后异常庞大，可能已损坏；请重新保存为 .xlsx 后再导入"))
        _guard_xml(lambda: _check_declared_sizes(archive, max_rows))
        with _open_workbook(stream) as workbook:
            worksheet = _pick_sheet(workbook, sheet)
            declared_rows = worksheet.max_row
            # The <dimension> a writer records can be wrong, and openpyxl would then drop the
            # rows beyond it; reading without it costs nothing.
            worksheet.reset_dimensions()
            first = _guard_xml(
                lambda: list(
                    worksheet.iter_rows(
                        max_row=HEADER_SEARCH_ROWS, max_col=MAX_HEADER_COLUMNS, values_only=True
                    )
                )
            )
            header_row, header = _find_header(first, is_header)
            table = Table(
                header=header,
                header_row=header_row,
                rows=_xlsx_rows(worksheet, header_row + 1, len(header), max_rows),
                file_format="xlsx",
                sheet=worksheet.title,
                estimated_rows=max(declared_rows - header_row, 0) if declared_rows else None,
            )
            _check_merged_cells(archive, worksheet, table)
            yield table


@contextlib.contextmanager
def _open_workbook(stream: BinaryIO) -> Iterator[openpyxl.Workbook]:
    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions it drops (WPS data validation, slicers); the
            # values are still read and the warnings mean nothing to a clerk.
            warnings.simplefilter("ignore")
            import openpyxl

            workbook = openpyxl.load_workbook(stream, read_only=True, data_only=False)
    except Exception:  # openpyxl raises anything from KeyError to TypeError on a foreign zip
        raise FileError(
            _("无法读取该 Excel 文件（可能不是 .xlsx 格式或已损坏）；请在 Excel/WPS 中另存为 .xlsx")
        ) from None
    try:
        yield workbook
    finally:
        workbook.close()


def _pick_sheet(workbook: openpyxl.Workbook, name: str | None) -> ReadOnlyWorksheet:
    sheets = workbook.worksheets
    if not sheets:
        raise FileError(_("文件中没有工作表"))
    if name is None:
        visible = [ws for ws in sheets if ws.sheet_state == "visible"]
        return (visible or sheets)[0]
    wanted = _normalize_sheet_name(name)
    for worksheet in sheets:
        if _normalize_sheet_name(worksheet.title) == wanted:
            return worksheet
    raise FileError(
        _("找不到名为「%(name)s」的工作表；文件中的工作表有：%(names)s")
        % {"name": name, "names": "、".join(f"「{ws.title}」" for ws in sheets)}
    )


def _normalize_sheet_name(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split())


def _find_header(
    first: list[tuple[object, ...]], is_header: Callable[[object], bool]
) -> tuple[int, tuple[object, ...]]:
    best_row, best_score = 0, 0
    for index, cells in enumerate(first):
        score = sum(1 for cell in cells if cell is not None and is_header(cell))
        if score > best_score:
            best_row, best_score = index + 1, score
    if best_score == 0:
        if not any(_has_content(cell) for cells in first for cell in cells):
            raise FileError(_("文件是空的：前 %(n)d 行没有任何内容") % {"n": HEADER_SEARCH_ROWS})
        raise FileError(
            _("在前 %(n)d 行中没有找到表头（没有一行含有本类数据的列名）；请使用导入模板的表头")
            % {"n": HEADER_SEARCH_ROWS}
        )
    cells = first[best_row - 1]
    width = max(index + 1 for index, cell in enumerate(cells) if _has_content(cell))
    return best_row, tuple(cells[:width])


def _has_content(cell: object) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def _xlsx_rows(
    worksheet: ReadOnlyWorksheet, start: int, width: int, max_rows: int | None
) -> Iterator[Row]:
    def rows() -> Iterator[Row]:
        count = 0
        numbered = enumerate(
            worksheet.iter_rows(min_row=start, max_col=width, values_only=True), start=start
        )
        for number, cells in numbered:
            # any() settles almost every row in C; only all-falsy rows need the exact look.
            if not any(cells) and all(cell is None or cell == "" for cell in cells):
                continue
            count += 1
            if max_rows is not None and count > max_rows:
                raise _too_many_rows(max_rows)
            yield number, cells

    return _guard_xml_iter(rows())


def _guard_xml(read: Callable[[], _T]) -> _T:
    try:
        return read()
    except (ParseError, zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError):
        raise FileError(_("Excel 文件内容已损坏，无法读取；请重新保存为 .xlsx 后再导入")) from None


def _guard_xml_iter(rows: Iterator[Row]) -> Iterator[Row]:
    last = 0
    try:
        for row in rows:
            last = row[0]
            yield row
    except (ParseError, zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError):
        raise FileError(
            _("Excel 文件在第 %(row)d 行之后已损坏，无法继续读取；请重新保存为 .xlsx 后再导入")
            % {"row": last}
        ) from None


def _check_merged_cells(
    archive: zipfile.ZipFile, worksheet: ReadOnlyWorksheet, table: Table
) -> None:
    """
    Refuse merged cells that touch the header (a column would have no name or two rows of
    names) and warn about merged data cells (only their first row holds the value).
    """
    # openpyxl does not report merged cells in read-only mode; they are listed after the rows
    # in the sheet's XML, so the sheet is scanned once as raw bytes.
    # A private attribute, but the only way to the sheet's part name in read-only mode.
    path = worksheet._worksheet_path
    refs = _guard_xml(lambda: _merge_refs(archive, path))
    header_merges: list[str] = []
    for ref in sorted(refs, key=lambda ref: range_boundaries(ref.decode())[1::-1]):
        min_col, min_row, _max_col, max_row = range_boundaries(ref.decode())
        if max_row < table.header_row:
            continue  # a title such as “XX县干部花名册” centred over the table
        label = _column_label(table.header, min_col)
        if min_row <= table.header_row:
            header_merges.append(f"{ref.decode()}（{label}）")
        elif min_col <= len(table.header):
            table.warnings.append(
                _(
                    "第 %(first)d–%(last)d 行%(label)s是合并单元格，只有第 %(first)d 行有值；"
                    "请取消合并并在每一行填写"
                )
                % {"first": min_row, "last": max_row, "label": label}
            )
    if header_merges:
        raise FileError(
            _("表头有合并单元格：%(cells)s；请取消合并，让每一列只有一个列名，且表头只占一行")
            % {"cells": "、".join(header_merges)}
        )


def shared_strings_limit(max_rows: int | None) -> int:
    """The most shared strings an .xlsx may hold for the row limit MAX_ROWS."""
    if max_rows is None:
        return MIN_SHARED_STRINGS * 20
    return max(MIN_SHARED_STRINGS, max_rows * SHARED_STRINGS_PER_ROW)


def _too_large() -> FileError:
    return FileError(
        _(
            "文件中的文字或表格范围异常庞大（远超导入的行数上限），可能已损坏或被篡改；"
            "请把数据复制到新的工作簿、另存为 .xlsx 后再导入"
        )
    )


def _check_declared_sizes(archive: zipfile.ZipFile, max_rows: int | None) -> None:
    """Refuse a workbook whose shared-string table or declared sheet size exceeds the limits,
    reading the archive's entries as bytes (sizes, counts, the <dimension>) before any parsing.

    The shared strings are counted as well as their declared count, since a file may omit or
    understate the count; counting stops as soon as the limit is passed, so a bomb costs only
    the bytes up to the limit.
    """
    limit = shared_strings_limit(max_rows)
    for info in archive.infolist():
        name = info.filename.lower()
        if name.endswith("sharedstrings.xml"):
            if info.file_size > MAX_SHARED_STRINGS_BYTES:
                raise _too_large()
            with archive.open(info) as part:
                head = part.read(4096)
                declared = _SST_COUNT.search(head)
                if declared and int(declared.group(1)) > limit:
                    raise _too_large()
                count, tail, chunk = 0, b"", head
                while chunk:
                    data = tail + chunk
                    count += _count_si(data)
                    if count > limit:
                        raise _too_large()
                    # An element cut in two is counted in the next chunk, not twice.
                    cut = data.rfind(b"<")
                    tail = data[cut:] if cut != -1 and data.find(b">", cut) == -1 else b""
                    if tail:
                        count -= _count_si(tail)
                    chunk = part.read(1 << 20)
        elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
            with archive.open(info) as part:
                found = _DIMENSION.search(part.read(4096))
            if found is None:
                continue
            ref = found.group(1).decode()
            min_col, min_row, max_col, last_row = range_boundaries(
                ref if ":" in ref else f"{ref}:{ref}"
            )
            rows = (last_row or 0) - (min_row or 0) + 1
            columns = (max_col or 0) - (min_col or 0) + 1
            if columns > MAX_DECLARED_COLUMNS or (
                max_rows is not None and rows > max_rows + DIMENSION_SLACK_ROWS
            ):
                raise _too_large()


# What follows `<si` in a shared-string table as its writers write it: the end of the tag, a
# space or a self-closing slash.
_SI_ENDS = (b"<si>", b"<si ", b"<si/", b"<si\t", b"<si\n", b"<si\r")


def _count_si(data: bytes) -> int:
    """The elements _SI finds in DATA. Plain counts when every `<si` is one of _SI_ENDS (what
    Excel, WPS and LibreOffice write), else the pattern: the counts take a tenth of its time on
    a table of a hundred thousand strings."""
    plain = sum(data.count(end) for end in _SI_ENDS)
    if plain == data.count(b"<si") and b":si" not in data:
        return plain
    return len(_SI.findall(data))


def _merge_refs(archive: zipfile.ZipFile, path: str) -> list[bytes]:
    refs: list[bytes] = []
    tail = b""
    with archive.open(path.lstrip("/")) as part:
        while chunk := part.read(1 << 16):
            # Keep the end of the previous chunk so a tag cut in two is still found.
            data = tail + chunk
            # The rows make up nearly all of a sheet and never hold the word: a plain search
            # skips them at memory speed, where the pattern would try every `<` of every cell.
            if b"mergeCell" in data:
                refs.extend(match.group(1) for match in _MERGE_REF.finditer(data))
            cut = data.rfind(b"<")
            tail = data[cut:] if cut != -1 and data.find(b">", cut) == -1 else b""
    return refs


def _column_label(header: tuple[object, ...], column: int) -> str:
    name = header[column - 1] if column <= len(header) else None
    if _has_content(name):
        return f"「{str(name).strip()}」"
    return _("第 %(letter)s 列") % {"letter": get_column_letter(column)}


def _read_csv(data: bytes, is_header: Callable[[object], bool], max_rows: int | None) -> Table:
    encoding, text = _decode(data)
    sample = text[:8192]
    if "\x00" in sample or len(_CONTROL.findall(sample)) > len(sample) // 100:
        raise _binary()
    lines = text[:65536].splitlines()[:HEADER_SEARCH_ROWS]
    # Excel's “Unicode 文本” export is tab-separated; its CSV export uses commas.
    joined = "\n".join(lines)
    delimiter = "\t" if joined.count("\t") > joined.count(",") else ","
    records = _guard_csv(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    first: list[tuple[object, ...]] = []
    for cells in records:
        first.append(tuple(cells))
        if len(first) == HEADER_SEARCH_ROWS:
            break
    header_row, header = _find_header(first, is_header)
    rows = _csv_rows(first[header_row:], header_row + 1, records, max_rows)
    return Table(
        header=header,
        header_row=header_row,
        rows=rows,
        file_format="csv",
        encoding=encoding,
        estimated_rows=max(text.count("\n") - header_row, 0),
    )


def _decode(data: bytes) -> tuple[str, str]:
    """Return the encoding's display name and the text, trying the encodings clerks' tools write."""
    if b"\x00" in data[:8192] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _binary()
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("UTF-8 (BOM)", "utf-8-sig")]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("UTF-16", "utf-16")]
    else:
        # GB18030 is a superset of GBK; GBK is named when it suffices because that is what
        # Chinese Windows and WPS call their default.
        candidates = [("UTF-8", "utf-8"), ("GBK", "gbk"), ("GB18030", "gb18030")]
    for name, codec in candidates:
        try:
            return name, data.decode(codec)
        except UnicodeDecodeError:
            continue
    raise FileError(
        _(
            "无法识别文件编码（不是 UTF-8，也不是 GBK/GB18030）；"
            "请在 Excel/WPS 中另存为 .xlsx 或 UTF-8 编码的 CSV"
        )
    )


def _guard_csv(records: Iterator[list[str]]) -> Iterator[list[str]]:
    number = 0
    try:
        for cells in records:
            number += 1
            yield cells
    except csv.Error:
        raise FileError(
            _(
                "第 %(row)d 行附近无法解析：可能有引号不成对，"
                "或单元格超过 %(limit)d 个字符；请检查该行"
            )
            % {"row": number + 1, "limit": csv.field_size_limit()}
        ) from None


def _csv_rows(
    buffered: list[tuple[object, ...]],
    start: int,
    records: Iterator[list[str]],
    max_rows: int | None,
) -> Iterator[Row]:
    count = 0
    numbered = itertools.chain(
        enumerate(buffered, start=start), enumerate(records, start=start + len(buffered))
    )
    for number, cells in numbered:
        if not any(cells):
            continue
        count += 1
        if max_rows is not None and count > max_rows:
            raise _too_many_rows(max_rows)
        yield number, tuple(cells)


def _binary() -> FileError:
    return FileError(_("文件不是文本格式的 CSV（含有二进制内容）；请上传 .xlsx 或 .csv 文件"))


def _too_many_rows(max_rows: int) -> FileError:
    return FileError(_("数据超过 %(max)d 行的上限；请拆分文件后分批导入") % {"max": max_rows})


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
