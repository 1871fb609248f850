"""The projection's CSV files: read with errors that name file, row and column; write them back.

Pure Python and numpy (no Django). Rows and columns are counted from 1 as a spreadsheet shows
them. Files saved by Excel on a Chinese Windows PC are often GB18030 rather than UTF-8: both are
read.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

from zhongjian.core.lazy import numpy as np  # loaded on first use, not with the URLs
from zhongjian.projection.engine import ROW_SUM_TOLERANCE

MAX_STATES = 500
COUNT_HEADERS = {("state", "count"), ("state", "share"), ("状态", "人数"), ("状态", "比例")}


class InputError(ValueError):
    """Bad input in a file; the Chinese message names the file, and the row and column if known."""

    def __init__(self, message: str, *, file: str, row: int | None = None, col: int | None = None):
        where = f"文件 {file}"
        if row is not None:
            where += f" 第 {row} 行"
        if col is not None:
            where += f" 第 {col} 列"
        self.message = f"{where}：{message}"
        self.file, self.row, self.col = file, row, col
        super().__init__(self.message)


def _decode(raw: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("无法识别文件编码，请另存为 UTF-8 编码的 CSV。", file=name)


def read_rows(
    source: Path | str | bytes, *, name: str | None = None
) -> tuple[str, list[list[str]]]:
    """(display name, rows without blank lines) of a CSV path or its bytes."""
    if isinstance(source, bytes):
        label, raw = name or "上传文件", source
    else:
        path = Path(source)
        label = name or str(source)
        try:
            raw = path.read_bytes()
        except OSError:
            raise InputError("文件不存在或无法读取。", file=label) from None
    try:
        rows = list(csv.reader(io.StringIO(_decode(raw, label))))
    except csv.Error as exc:
        raise InputError(f"CSV 格式错误（{exc}）。", file=label) from None
    # Keep each row's spreadsheet line number beside it: blank lines are skipped, not renumbered.
    numbered = [
        [str(n), *row] for n, row in enumerate(rows, start=1) if any(c.strip() for c in row)
    ]
    if not numbered:
        raise InputError("文件为空。", file=label)
    return label, numbered


def _number(cell: str, *, file: str, row: int, col: int, what: str) -> float:
    text = cell.strip().replace(",", "")
    try:
        value = float(text)
    except ValueError:
        raise InputError(
            f"“{cell.strip()}”不是数字（{what}）。", file=file, row=row, col=col
        ) from None
    if not math.isfinite(value):
        raise InputError(f"“{cell.strip()}”不是有限的数字（{what}）。", file=file, row=row, col=col)
    if value < 0:
        raise InputError(f"{what}不能为负数（{cell.strip()}）。", file=file, row=row, col=col)
    return value


def read_matrix(
    source: Path | str | bytes, *, name: str | None = None
) -> tuple[tuple[str, ...], np.ndarray]:
    """States and the transition matrix of a square CSV: first row and first column name states.

    Rows are "from", columns "to"; rows may come in any order but must name the same states as
    the columns. Wastage is 1 − row sum, so a row above 1 is refused.
    """
    label, rows = read_rows(source, name=name)
    header_line, *header = rows[0]
    states = [cell.strip() for cell in header[1:]]
    if not states:
        raise InputError(
            "第一行应为状态名称（第一格留空或写“从\\到”）。", file=label, row=int(header_line)
        )
    if len(states) > MAX_STATES:
        raise InputError(f"状态数超过 {MAX_STATES} 个。", file=label, row=int(header_line))
    for col, state in enumerate(states, start=2):
        if not state:
            raise InputError("状态名称为空。", file=label, row=int(header_line), col=col)
        if states.index(state) != col - 2:
            raise InputError(
                f"状态“{state}”在第一行重复出现。", file=label, row=int(header_line), col=col
            )
    k = len(states)
    matrix = np.zeros((k, k))
    seen: dict[str, int] = {}
    for line, *cells in rows[1:]:
        row = int(line)
        state = cells[0].strip()
        if state not in states:
            raise InputError(
                f"行首状态“{state}”不在第一行的状态名称中。", file=label, row=row, col=1
            )
        if state in seen:
            raise InputError(
                f"状态“{state}”已在第 {seen[state]} 行出现。", file=label, row=row, col=1
            )
        seen[state] = row
        values = cells[1:]
        if len(values) != k:
            raise InputError(
                f"应有 {k} 个概率，实际有 {len(values)} 个。", file=label, row=row, col=len(cells)
            )
        for col, cell in enumerate(values, start=2):
            value = _number(cell, file=label, row=row, col=col, what="转移概率")
            if value > 1:
                raise InputError(f"转移概率 {cell.strip()} 大于 1。", file=label, row=row, col=col)
            matrix[states.index(state), col - 2] = value
        total = matrix[states.index(state)].sum()
        if total > 1 + ROW_SUM_TOLERANCE:
            raise InputError(
                f"状态“{state}”一行的概率之和为 {total:.6g}，超过 1（流失率 = 1 − 行和）。",
                file=label,
                row=row,
            )
    missing = [state for state in states if state not in seen]
    if missing:
        raise InputError(f"缺少状态“{'、'.join(missing)}”的行。", file=label, col=1)
    return tuple(states), matrix


def read_vector(
    source: Path | str | bytes,
    *,
    states: Sequence[str],
    what: str,
    name: str | None = None,
    require_all: bool = True,
) -> np.ndarray:
    """A `state,count` CSV as a vector in the order of STATES (an optional header row is skipped).

    Each state of the matrix must appear once when REQUIRE_ALL (stocks); otherwise missing
    states count 0 (recruits go to a few entry states).
    """
    label, rows = read_rows(source, name=name)
    first = tuple(cell.strip().lower() for cell in rows[0][1:3])
    if first in COUNT_HEADERS:
        rows = rows[1:]
    vector = np.zeros(len(states))
    seen: dict[str, int] = {}
    for line, *cells in rows:
        row = int(line)
        if len(cells) < 2:
            raise InputError(
                f"每行应为“状态,{what}”两列。", file=label, row=row, col=len(cells) or 1
            )
        state = cells[0].strip()
        if state not in states:
            raise InputError(
                f"状态“{state}”不在转移矩阵的状态中（各文件的状态名称须一致）。",
                file=label,
                row=row,
                col=1,
            )
        if state in seen:
            raise InputError(
                f"状态“{state}”已在第 {seen[state]} 行出现。", file=label, row=row, col=1
            )
        seen[state] = row
        vector[list(states).index(state)] = _number(cells[1], file=label, row=row, col=2, what=what)
        if any(cell.strip() for cell in cells[2:]):
            raise InputError("多余的列。", file=label, row=row, col=3)
    missing = [state for state in states if state not in seen]
    if require_all and missing:
        raise InputError(f"缺少状态“{'、'.join(missing)}”（须与转移矩阵的状态一致）。", file=label)
    return vector


def matrix_csv(states: Sequence[str], matrix: np.ndarray) -> str:
    """The CSV text of a transition matrix, as `read_matrix` reads it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["从\\到", *states])
    for state, row in zip(states, matrix, strict=True):
        writer.writerow([state, *(_format(v) for v in row)])
    return out.getvalue()


def vector_csv(states: Iterable[str], values: Iterable[float], *, header: str = "count") -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["state", header])
    for state, value in zip(states, values, strict=True):
        writer.writerow([state, _format(value)])
    return out.getvalue()


def _format(value: float) -> str:
    # Twelve significant digits: the rows of an exported matrix still sum to 1 when read back.
    return f"{float(value):.12g}"
