"""Tests of header normalization and matching."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.dataio.factories import deterministic
from zhongjian.dataio.columns import SPECS
from zhongjian.dataio.headers import HeaderMatcher, normalize_header


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("姓名", "姓名"),
        (" 姓\u3000名 ", "姓名"),
        ("姓 名*", "姓名"),
        ("＊姓名", "姓名"),
        ("姓名（必填）", "姓名"),
        ("姓名【必填】", "姓名"),
        ("职级(选填)", "职级"),
        ("身份证号\n码", "身份证号码"),
        ("\ufeff人员编号\u200b", "人员编号"),
        ("ＩＤ", "ID"),
        (None, ""),
        (12, "12"),
    ],
)
def test_normalize_header(cell: object, expected: str) -> None:
    """Width, every kind of space, and required/optional markers do not matter."""
    assert normalize_header(cell) == expected


@pytest.mark.parametrize(
    ("cell", "key"),
    [
        ("出生年月", "birth_date"),
        ("出生时间", "birth_date"),
        ("出生日期*", "birth_date"),
        ("出生年月（1985.03）", "birth_date"),
        ("工号", "staff_no"),
        ("编号", "staff_no"),
        ("单位代码", "unit_code"),
        ("所在单位代码", "unit_code"),
        ("公民身份号码", "id_number"),
        ("身份证号码", "id_number"),
        ("备注", None),
        ("学历（全日制）", "education"),
        ("", None),
    ],
)
def test_cadre_header_synonyms(cell: str, key: str | None) -> None:
    """The usual roster variants of a header find the same column."""
    assert SPECS["cadres"].matcher.match(cell) == key


def test_same_word_differs_by_kind() -> None:
    """单位代码 is a unit's own code in the units file but the unit of a cadre in the cadre file."""
    assert SPECS["units"].matcher.match("单位代码") == "code"
    assert SPECS["posts"].matcher.match("单位代码") == "unit_code"


def test_conflicting_aliases_refused() -> None:
    """Two columns of one kind cannot claim the same header."""
    with pytest.raises(ValueError, match="claimed by both"):
        HeaderMatcher(names={"a": ["出生日期"], "b": ["出生 日期"]})


labels = [name for spec in SPECS.values() for column in spec.columns for name in column.names]


@deterministic
@given(
    label=st.sampled_from(labels),
    spaces=st.lists(st.sampled_from([" ", "\u3000", "\t", "\n", "\u200b"]), max_size=4),
    positions=st.lists(st.integers(0, 10), max_size=4),
    marker=st.sampled_from(["", "*", "＊", "（必填）", "(必填)", "【必填】"]),
    wide=st.booleans(),
)
def test_decorated_labels_still_match(
    label: str, spaces: list[str], positions: list[int], marker: str, wide: bool
) -> None:
    """Spaces anywhere, 全角 forms and a required marker leave a known header recognisable."""
    text = label
    for space, position in zip(spaces, positions, strict=False):
        text = text[:position] + space + text[position:]
    text = text + marker if wide else marker + text
    if wide:
        text = text.translate({code: code + 0xFEE0 for code in range(0x21, 0x7F)})
    assert normalize_header(text) == normalize_header(label)
    assert normalize_header(normalize_header(text)) == normalize_header(text)
