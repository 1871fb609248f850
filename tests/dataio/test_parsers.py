"""Tests of the cell parsers: dates, booleans, integers, choices, text and 身份证号."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.dataio.factories import (
    DATE_STYLES,
    PROVINCES,
    TODAY,
    deterministic,
    excel_serial,
    id_check,
    make_id,
    written_date,
)
from zhongjian.dataio.parsers import (
    CellError,
    choice_lookup,
    mask_id_number,
    parse_bool,
    parse_choice,
    parse_code,
    parse_date,
    parse_ethnicity,
    parse_id_number,
    parse_int,
    parse_text,
)
from zhongjian.org.choices import Gender, Rank

D = datetime.date

any_cell = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (datetime.datetime.combine(D(1985, 3, 12), datetime.time()), D(1985, 3, 12)),
        (D(1985, 3, 12), D(1985, 3, 12)),
        (31118, D(1985, 3, 12)),
        (31118.5, D(1985, 3, 12)),
        ("31118", D(1985, 3, 12)),
        (45658, D(2025, 1, 1)),
        (59, D(1900, 2, 28)),
        (61, D(1900, 3, 1)),
        (1, D(1900, 1, 1)),
        (1985.03, D(1985, 3, 1)),
        (1985.12, D(1985, 12, 1)),
        ("1985.03", D(1985, 3, 1)),
        ("1985.3", D(1985, 3, 1)),
        ("1985.1", D(1985, 1, 1)),
        ("1985.10", D(1985, 10, 1)),
        ("1985-3", D(1985, 3, 1)),
        ("1985-03-12", D(1985, 3, 12)),
        ("1985-03-12 00:00:00", D(1985, 3, 12)),
        ("1985/3/12", D(1985, 3, 12)),
        ("1985.03.12", D(1985, 3, 12)),
        ("1985年3月", D(1985, 3, 1)),
        ("1985年3月12日", D(1985, 3, 12)),
        (" 1985 年 03 月 ", D(1985, 3, 1)),
        ("１９８５．０３", D(1985, 3, 1)),
        ("19850312", D(1985, 3, 12)),
        (19850312, D(1985, 3, 12)),
        ("198503", D(1985, 3, 1)),
        (198503, D(1985, 3, 1)),
    ],
)
def test_date_forms(cell: object, expected: datetime.date) -> None:
    """Excel dates, serial numbers and every written form in use give the same date."""
    assert parse_date(cell, today=TODAY) == expected


@pytest.mark.parametrize(
    ("cell", "fragment"),
    [
        ("1985-02-30", "不是存在的日期"),
        ("19850230", "不是存在的日期"),
        ("1985.13", "不是存在的日期"),
        (1985.13, "不是存在的日期"),
        (1985.1, "分不清是 1 月还是 10 月"),
        ("1899-12-31", "年份 1899 不合理"),
        ("2026-01-01", "年份 2026 不合理"),
        (60, "1900-02-29"),
        (1985, "只有年份"),
        ("1985", "只有年份"),
        ("1985年", "只有年份"),
        ("三月", "不是日期"),
        ("", "不是日期"),
        (True, "不是日期"),
        (float("nan"), "不是日期"),
        (-5, "不是日期"),
        (datetime.time(8, 30), "不是日期"),
    ],
)
def test_date_refusals(cell: object, fragment: str) -> None:
    """Impossible dates, years outside 1900..this year and non-dates are refused with a reason."""
    with pytest.raises(CellError) as caught:
        parse_date(cell, today=TODAY)
    assert fragment in caught.value.message
    assert "应" in caught.value.message or "请" in caught.value.message


def test_date_not_after_today() -> None:
    """A date later than today is refused where the column asks for past dates only."""
    assert parse_date("2025-06-30", today=TODAY, not_after_today=True) == TODAY
    with pytest.raises(CellError, match="晚于今天"):
        parse_date("2025-07-01", today=TODAY, not_after_today=True)


@deterministic
@given(
    day=st.dates(min_value=D(1900, 3, 1), max_value=TODAY),
    style=st.sampled_from(DATE_STYLES),
)
def test_date_round_trip(day: datetime.date, style: str) -> None:
    """Any date written in any supported style reads back as that date (or its month's first)."""
    cell, expected = written_date(day, style)
    assert parse_date(cell, today=TODAY) == expected


@deterministic
@given(day=st.dates(min_value=D(1905, 10, 1), max_value=TODAY))
def test_serial_matches_excel(day: datetime.date) -> None:
    """
    Serial numbers count from Excel's epoch, 1899-12-30 for dates after the fake leap day. (The
    serials of 1905-03-14 … 1905-09-30 are 1900 … 2100 and are read as a bare year instead.)
    """
    assert parse_date(excel_serial(day), today=TODAY) == day


@deterministic
@given(cell=any_cell)
def test_date_never_crashes(cell: object) -> None:
    """Whatever a cell holds, parse_date returns a date in range or raises CellError."""
    try:
        result = parse_date(cell, today=TODAY)
    except CellError as error:
        assert error.message
    else:
        assert 1900 <= result.year <= TODAY.year


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        ("１", True),
        (1, True),
        (0, False),
        (1.0, True),
        (True, True),
        (" 否 ", False),
    ],
)
def test_bool_forms(cell: object, expected: bool) -> None:
    """是/否, Y/N and 1/0 are read in any case and width."""
    assert parse_bool(cell) is expected


@pytest.mark.parametrize("cell", ["对", "2", 2, "", None, "是否"])
def test_bool_refusals(cell: object) -> None:
    """Anything else asks for 是 or 否."""
    with pytest.raises(CellError, match="应填写“是”或“否”"):
        parse_bool(cell)


def test_int_forms_and_bounds() -> None:
    """Whole numbers from numbers or text are read; fractions, booleans, out-of-bounds are not."""
    assert parse_int("３", min_value=1) == 3
    assert parse_int(2.0) == 2
    assert parse_int(" 12 ") == 12
    assert parse_int("4.0") == 4
    for cell in (2.5, "两个", True, None, "1e3"):
        with pytest.raises(CellError, match="不是整数"):
            parse_int(cell)
    with pytest.raises(CellError, match="应不小于 1"):
        parse_int(0, min_value=1)
    with pytest.raises(CellError, match="应不大于 999"):
        parse_int("1000", max_value=999)


@deterministic
@given(cell=any_cell)
def test_int_bool_never_crash(cell: object) -> None:
    """parse_int and parse_bool only ever raise CellError."""
    for parse in (parse_int, parse_bool):
        try:
            parse(cell)
        except CellError as error:
            assert error.message


def test_choice_by_label_or_code() -> None:
    """A coded value is found by its Chinese label or its code, whatever the width and spacing."""
    lookup = choice_lookup(Rank)
    labels = "、".join(map(str, Rank.labels))
    assert parse_choice("一级主任科员", lookup=lookup, labels=labels) == Rank.PRINCIPAL_CLERK_1
    assert parse_choice(" 一级 主任科员\u3000", lookup=lookup, labels=labels) == "principal_clerk_1"
    assert parse_choice("ＣＬＥＲＫ_1", lookup=lookup, labels=labels) == Rank.CLERK_1
    with pytest.raises(CellError) as caught:
        parse_choice("科员", lookup=choice_lookup(Gender), labels="男、女")
    assert caught.value.message == "「科员」不是可选的值；应为：男、女"


def test_text_and_code() -> None:
    """Text is stripped, must be present and short enough; codes refuse inner spaces."""
    assert parse_text("  张三 ", max_length=10) == "张三"
    assert parse_text(1001, max_length=10) == "1001"
    assert parse_text(1001.0, max_length=10) == "1001"
    assert parse_code("ＸＺ００１", max_length=10) == "XZ001"
    with pytest.raises(CellError, match="不能为空"):
        parse_text("   ", max_length=10)
    with pytest.raises(CellError, match="最多 5 个字"):
        parse_text("一二三四五六", max_length=5)
    with pytest.raises(CellError, match="不能有空格"):
        parse_code("XZ 001", max_length=10)
    with pytest.raises(CellError, match="公式"):
        parse_text("=A1&B1", max_length=10)
    with pytest.raises(CellError, match="错误值「#N/A」"):
        parse_text("#N/A", max_length=10)


def test_ethnicity() -> None:
    """Nationalities are the GB/T 3304 names; 族 may be left out."""
    assert parse_ethnicity("汉") == "汉族"
    assert parse_ethnicity(" 蒙古族 ") == "蒙古族"
    with pytest.raises(CellError, match="不是规范的民族名称"):
        parse_ethnicity("汗族")


def test_id_number_examples() -> None:
    """The standard's own example decodes; lower-case x, spaces and 全角 digits are tolerated."""
    parsed = parse_id_number("11010519491231002x")
    assert parsed.number == "11010519491231002X"
    assert parsed.birth_date == D(1949, 12, 31)
    assert parsed.gender == Gender.FEMALE
    male = parse_id_number(" 110105 19850312 1234 ")
    assert (male.number, male.birth_date, male.gender) == (
        "110105198503121234",
        D(1985, 3, 12),
        "male",
    )
    assert parse_id_number("１１０１０５１９８５０３１２１２３４").number == "110105198503121234"


def test_id_number_fifteen_digits() -> None:
    """A first-generation 15-digit number becomes the 18-digit number with its check character."""
    assert parse_id_number("110105491231002").number == "11010519491231002X"
    assert parse_id_number(110105491231002).number == "11010519491231002X"
    assert parse_id_number(110105491231002.0).number == "11010519491231002X"


@pytest.mark.parametrize(
    ("cell", "fragment"),
    [
        ("110105198503121235", "校验位不正确"),
        ("11010519850312123", "应为 18 位"),
        ("1101051985031212345", "应为 18 位"),
        ("11010519850312123A", "应为 18 位"),
        ("990105198503121230", "省级行政区划代码"),
        (1.10105198503121e17, "存成了数字"),
        (110105198503121234, "存成了数字"),
        ("=A1", "公式"),
    ],
)
def test_id_number_refusals(cell: object, fragment: str) -> None:
    """Wrong length, check character, province, or an ID mangled by Excel are each explained."""
    with pytest.raises(CellError) as caught:
        parse_id_number(cell)
    assert fragment in caught.value.message


def test_id_number_impossible_birth_date() -> None:
    """A checksum-valid number whose birth date does not exist, or is in the future, is refused."""
    bad_day = "11010519850230123"
    with pytest.raises(CellError, match="出生日期「19850230」不存在"):
        parse_id_number(bad_day + id_check(bad_day))
    future = "11010520300101123"
    with pytest.raises(CellError, match="不合理"):
        parse_id_number(future + id_check(future), today=TODAY)


def test_id_number_error_does_not_echo_the_number() -> None:
    """Messages about a malformed ID show it masked, never whole."""
    with pytest.raises(CellError) as caught:
        parse_id_number("1101051985031212345")
    assert "1101051985031212345" not in caught.value.message
    assert "*" * 15 + "2345" in caught.value.message


@deterministic
@given(
    birth=st.dates(min_value=D(1900, 1, 1), max_value=TODAY),
    male=st.booleans(),
    province=st.sampled_from(PROVINCES),
    seq=st.integers(0, 99),
)
def test_id_number_round_trip(birth: datetime.date, male: bool, province: str, seq: int) -> None:
    """A well-formed number yields its birth date and gender (odd 17th digit = male)."""
    number = make_id(birth=birth, male=male, region=province + "0102", seq=seq)
    parsed = parse_id_number(number, today=TODAY)
    assert parsed.number == number
    assert parsed.birth_date == birth
    assert parsed.gender == (Gender.MALE if male else Gender.FEMALE)


@deterministic
@given(
    birth=st.dates(min_value=D(1950, 1, 1), max_value=D(2000, 12, 31)),
    position=st.integers(0, 16),
    shift=st.integers(1, 9),
)
def test_id_number_single_digit_errors_detected(
    birth: datetime.date, position: int, shift: int
) -> None:
    """MOD 11-2 catches every mistyped single digit."""
    number = make_id(birth=birth, male=True)
    digits = list(number)
    digits[position] = str((int(digits[position]) + shift) % 10)
    with pytest.raises(CellError):
        parse_id_number("".join(digits), today=TODAY)


@deterministic
@given(cell=any_cell)
def test_id_number_never_crashes(cell: object) -> None:
    """Arbitrary cells give an IdNumber or a CellError."""
    try:
        parse_id_number(cell, today=TODAY)
    except CellError as error:
        assert error.message


def test_mask_id_number() -> None:
    """Masking keeps the last 4 characters only (the region code and birth date are hidden)."""
    assert mask_id_number("110105198503121234") == "**************1234"
    assert mask_id_number("11010519491231002X") == "**************002X"
    assert mask_id_number("1234") == "****"


@deterministic
@given(number=st.text(alphabet="0123456789X", min_size=8, max_size=20))
def test_mask_hides_all_but_the_last_four(number: str) -> None:
    """The masked form has the same length and reveals only the last 4 characters."""
    masked = mask_id_number(number)
    assert len(masked) == len(number)
    assert masked[-4:] == number[-4:]
    assert set(masked[:-4]) == {"*"}
