"""Generated malformed files: every one must give located errors, never an exception."""

import io
import zipfile

from hypothesis import given
from hypothesis import strategies as st

from tests.dataio.factories import (
    ROW_STRATEGIES,
    TODAY,
    WRONG_CELLS,
    build,
    csv_bytes,
    deterministic,
    xlsx_bytes,
)
from zhongjian.dataio.columns import SPECS, ValidationResult, validate_file

KINDS = st.sampled_from(list(ROW_STRATEGIES))
FORMATS = st.sampled_from(["xlsx", "csv"])


def validate(kind: str, data: bytes, filename: str) -> ValidationResult:
    """Validate and check the invariants every malformed file must meet."""
    result = validate_file(kind=kind, source=data, filename=filename, today=TODAY)
    assert not result.ok
    assert result.error_count >= len(result.errors) > 0
    assert all(isinstance(line, str) and line for line in result.messages())
    return result


@deterministic
@given(data=st.data(), kind=KINDS, file_format=FORMATS)
def test_wrong_cells_are_located(data: st.DataObject, kind: str, file_format: str) -> None:
    """A wrong value in any cell is reported on its row and under its column."""
    header, rows, _expected = data.draw(ROW_STRATEGIES[kind](count=data.draw(st.integers(1, 6))))
    row = data.draw(st.integers(0, len(rows) - 1))
    position = data.draw(st.integers(0, len(header) - 1))
    column = SPECS[kind].by_key[SPECS[kind].matcher.match(header[position])]
    wrong = data.draw(st.sampled_from(WRONG_CELLS[column.value_type]))
    if wrong in ("", "   ") and (not column.required or column.required_unless):
        wrong = "=A1"
    rows[row][position] = wrong
    title_rows = data.draw(st.integers(0, 3))
    table = [["XX县花名册"]] * title_rows + [header, *rows]
    result = validate(kind, *build(file_format, table))
    prefix = f"第 {title_rows + 2 + row} 行「{header[position]}」："
    located = [line for line in result.messages() if line.startswith(prefix)]
    assert located, (prefix, result.messages())


@deterministic
@given(data=st.data(), kind=KINDS, file_format=FORMATS)
def test_missing_columns(data: st.DataObject, kind: str, file_format: str) -> None:
    """Dropping a required column gives 缺少必填列 for it."""
    header, rows, _expected = data.draw(ROW_STRATEGIES[kind](count=3))
    spec = SPECS[kind]
    required = [
        index
        for index, name in enumerate(header)
        if spec.by_key[spec.matcher.match(name)].required
        and spec.by_key[spec.matcher.match(name)].required_unless is None
    ]
    dropped = data.draw(st.sampled_from(required))
    table = [
        [cell for index, cell in enumerate(row) if index != dropped] for row in [header, *rows]
    ]
    result = validate(kind, *build(file_format, table))
    label = spec.by_key[spec.matcher.match(header[dropped])].label
    assert f"缺少必填列「{label}」" in result.messages()


@deterministic
@given(
    data=st.data(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk"]),
    junk=st.binary(max_size=8),
)
def test_broken_encodings(data: st.DataObject, encoding: str, junk: bytes) -> None:
    """A CSV with bytes that are not text in its encoding is refused, or its damage is reported."""
    header, rows, _expected = data.draw(ROW_STRATEGIES["cadres"](count=3))
    clean = csv_bytes([header, *rows], encoding=encoding)
    cut = data.draw(st.integers(0, len(clean)))
    validate("cadres", clean[:cut] + junk + b"\xff" + clean[cut:], "名单.csv")


@deterministic
@given(data=st.data(), file_format=FORMATS, size=st.integers(201, 40_000))
def test_huge_cells(data: st.DataObject, file_format: str, size: int) -> None:
    """A cell far longer than its column allows is reported on its row and column."""
    header, rows, _expected = data.draw(ROW_STRATEGIES["units"](count=2))
    rows[1][1] = "长" * size
    result = validate("units", *build(file_format, [header, *rows]))
    assert result.messages() == [f"第 3 行「单位名称」：内容过长（{size} 个字）；最多 100 个字"]


@deterministic
@given(data=st.data(), kind=KINDS)
def test_merged_header_cells(data: st.DataObject, kind: str) -> None:
    """Any merge that touches the header row is refused, naming the merged range."""
    header, rows, _expected = data.draw(ROW_STRATEGIES[kind](count=2))
    first = data.draw(st.integers(1, len(header) - 1))
    last = data.draw(st.integers(first + 1, len(header)))
    down = data.draw(st.integers(1, 2))
    letters = "ABCDEFGHIJKLMNOP"
    ref = f"{letters[first - 1]}1:{letters[last - 1]}{down}"
    result = validate(kind, xlsx_bytes([header, *rows], merges=[ref]), "名单.xlsx")
    assert result.messages()[0].startswith(f"表头有合并单元格：{ref}")


@deterministic
@given(data=st.data(), kind=KINDS, file_format=FORMATS)
def test_damaged_and_foreign_files(data: st.DataObject, kind: str, file_format: str) -> None:
    """Truncated, empty and random files give a file-level message."""
    header, rows, _expected = data.draw(ROW_STRATEGIES[kind](count=3))
    good, filename = build(file_format, [header, *rows])
    damage = data.draw(st.sampled_from(["truncate", "empty", "random", "header_only"]))
    if damage == "truncate":
        # A zip cut anywhere loses its directory; a CSV is cut inside its header line.
        end = len(good) - 1 if file_format == "xlsx" else good.index(b"\n") - 1
        bad = good[: data.draw(st.integers(0, end))]
    elif damage == "empty":
        bad = b""
    elif damage == "random":
        bad = data.draw(st.binary(min_size=1, max_size=2000))
    else:
        bad, filename = build(file_format, [header])
    validate(kind, bad, filename)


@deterministic
@given(data=st.data(), member=st.sampled_from(["xl/workbook.xml", "xl/worksheets/sheet1.xml"]))
def test_corrupt_xml_parts(data: st.DataObject, member: str) -> None:
    """An .xlsx whose XML parts are garbled gives a file-level message."""
    header, rows, _expected = data.draw(ROW_STRATEGIES["posts"](count=3))
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([header, *rows])))
    noise = data.draw(st.binary(min_size=1, max_size=200))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == member:
                cut = data.draw(st.integers(0, len(content)))
                content = content[:cut] + noise + content[cut:]
            target.writestr(info, content)
    result = validate_file(kind="posts", source=buffer.getvalue(), today=TODAY)
    # Noise inside a text node can leave the XML well formed, so the file may even be valid;
    # what must never happen is an exception or an empty message.
    assert all(isinstance(line, str) and line for line in result.messages())
