"""Cell parsers for imported spreadsheets; each raises CellError with a message in Chinese."""

import datetime
import math
import operator
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from zhongjian.core.crypto import mask_last_four
from zhongjian.org.choices import Gender

SHANGHAI = ZoneInfo("Asia/Shanghai")
EARLIEST_YEAR = 1900
# Whole numbers up to this are years, not Excel serials: serial 2100 is only 1905-09-30.
_LAST_PLAIN_YEAR = 2100

# Excel's 1900 date system counts 1900-02-29, a day that never was (kept for Lotus 1-2-3
# compatibility), so serials from 61 on are one day ahead of a plain count from 1899-12-31.
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_EXCEL_FAKE_LEAP_DAY = 60
EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)

_DATE_SEPARATED = re.compile(
    r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*(?:月|(?:[-./月]\s*(\d{1,2})\s*日?))?"
    r"(?:[ T]0{1,2}:00(?::00(?:\.0+)?)?)?"
)
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})?")
_SERIAL_TEXT = re.compile(r"\d{5}(?:\.\d+)?")
_WHITESPACE = re.compile(r"\s+")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What openpyxl and the csv module give for a cell that holds a value rather than a formula.
PLAIN_CELL_TYPES = frozenset(
    {str, int, float, bool, datetime.datetime, datetime.date, datetime.time, datetime.timedelta}
)

_TRUE = frozenset({"是", "y", "yes", "true", "1", "t", "√"})
_FALSE = frozenset({"否", "n", "no", "false", "0", "f", "×"})

# GB 11643-1999: weights 2^(17-i) mod 11 and the check character for each remainder.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# GB/T 2260 province-level prefixes; 71/81/82/83 are 台湾, 香港, 澳门 and the residence permits
# for 台湾 residents (港澳台居民居住证 use 81/82/83 as their address code).
_ID_PROVINCES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37"}
    | {"41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64"}
    | {"65", "71", "81", "82", "83"}
)
# GB/T 3304-1991 names of the 56 nationalities, plus its codes 97 and 98.
ETHNIC_GROUPS = (
    *("汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族"),
    *("满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族"),
    *("佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族"),
    *("土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族"),
    *("阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族"),
    *("保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族"),
    *("基诺族", "其他", "外国血统中国籍人士"),
)
_ETHNIC_SET = frozenset(ETHNIC_GROUPS)
_ID_18 = re.compile(r"\d{17}[\dX]")
_ID_15 = re.compile(r"\d{15}")


class CellError(Exception):
    """A cell whose content cannot be used; the message says what is wrong and what is expected."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A checked resident ID number (身份证号) and what it encodes."""

    number: str
    birth_date: datetime.date
    gender: str  # a code of zhongjian.org.choices.Gender


def today_in_china() -> datetime.date:
    """Return today's date in Asia/Shanghai, the reference for "not in the future" checks."""
    return datetime.datetime.now(SHANGHAI).date()


def cell_text(value: object) -> str:
    """
    Return a cell as stripped text. Whole numbers lose the `.0` Excel gives them; formulas and
    Excel error values are refused because their text is not the clerk's data.
    """
    if isinstance(value, str):
        text = value.strip()
        refuse_formula(text)
        return text
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    refuse_formula(value)
    return str(value)


def refuse_formula(value: object) -> None:
    """
    Raise CellError when a cell (text already stripped) is a formula, an array formula or an
    Excel error value such as #N/A: what the clerk sees there is not what the file holds.
    """
    if value.__class__ is str:
        text = str(value)
        if text in EXCEL_ERRORS:
            raise CellError(
                _("单元格是 Excel 错误值「%(error)s」；请填写正确的值") % {"error": text}
            )
        if text[:1] != "=":
            return
        formula = text
    elif value.__class__ in PLAIN_CELL_TYPES:
        return
    else:
        # openpyxl gives array and data-table formulas as objects; an ArrayFormula has its text.
        formula = str(getattr(value, "text", None) or "=…")
    raise CellError(
        _("单元格是公式「%(formula)s」；请填写值本身（可复制后“选择性粘贴为数值”）")
        % {"formula": _shorten(formula)}
    )


def parse_text(value: object, *, max_length: int) -> str:
    """Return non-empty text of at most max_length characters, without control characters."""
    text = cell_text(value)
    if not text:
        raise CellError(_("不能为空"))
    if _CONTROL_CHARACTERS.search(text):
        # Pasted from other systems; invisible, and PostgreSQL refuses NUL outright.
        raise CellError(_("含有不可见的控制字符；请删除后重新填写"))
    if len(text) > max_length:
        raise CellError(
            _("内容过长（%(length)d 个字）；最多 %(max)d 个字")
            % {"length": len(text), "max": max_length}
        )
    return text


def parse_code(value: object, *, max_length: int) -> str:
    """Return a code (编号/代码): text without inner spaces, 全角 letters and digits made 半角."""
    text = unicodedata.normalize("NFKC", cell_text(value))
    if _WHITESPACE.search(text):
        raise CellError(_("「%(text)s」中含有空格；代码中不能有空格") % {"text": _shorten(text)})
    return parse_text(text, max_length=max_length)


def parse_int(value: object, *, min_value: int | None = None, max_value: int | None = None) -> int:
    """Return a whole number within the given bounds."""
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if re.fullmatch(r"[+-]?\d{1,18}(?:\.0*)?", text):
            number = int(text.split(".")[0])
    if number is None:
        raise CellError(_("「%(value)s」不是整数；应填写整数，如 1") % {"value": _shown(value)})
    if min_value is not None and number < min_value:
        raise CellError(
            _("%(number)d 太小；应不小于 %(min)d") % {"number": number, "min": min_value}
        )
    if max_value is not None and number > max_value:
        raise CellError(
            _("%(number)d 太大；应不大于 %(max)d") % {"number": number, "max": max_value}
        )
    return number


def parse_bool(value: object) -> bool:
    """Return True for 是/Y/1 and False for 否/N/0 (case and width ignored)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return value == 1
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise CellError(_("「%(value)s」无法识别；应填写“是”或“否”") % {"value": _shown(value)})


def choice_lookup(choices: type[TextChoices]) -> dict[str, str]:
    """
    Return the table that parse_choice uses: each label and each code, in normalized form, mapped to
    the code. Build it when settings are ready, since the labels are lazy translations.
    """
    lookup: dict[str, str] = {}
    for code, label in choices.choices:
        lookup[_normalize_choice(str(label))] = code
        lookup[_normalize_choice(code)] = code
    return lookup


def parse_choice(value: object, *, lookup: Mapping[str, str], labels: str) -> str:
    """Return the code of a coded value given by its Chinese label or its code."""
    code = lookup.get(value) if isinstance(value, str) else None
    if code is not None:
        return code
    code = lookup.get(_normalize_choice(cell_text(value)))
    if code is None:
        raise CellError(
            _("「%(value)s」不是可选的值；应为：%(labels)s")
            % {"value": _shown(value), "labels": labels}
        )
    return code


def parse_ethnicity(value: object) -> str:
    """Return a GB/T 3304 nationality name; the trailing 族 may be left out (汉 → 汉族)."""
    text = _WHITESPACE.sub("", unicodedata.normalize("NFKC", cell_text(value)))
    if text in _ETHNIC_SET:
        return text
    if text + "族" in _ETHNIC_SET:
        return text + "族"
    raise CellError(
        _("「%(value)s」不是规范的民族名称；应填写如“汉族”“壮族”，见《中国各民族名称》GB/T 3304")
        % {"value": _shown(value)}
    )


def parse_date(
    value: object, *, today: datetime.date, not_after_today: bool = False
) -> datetime.date:
    """
    Return the date of an Excel date, an Excel serial number or the usual written forms
    (1985-03-12, 1985/3/12, 1985.03, 1985-3, 1985年3月12日, 19850312, 198503). A year and month
    alone give the first of the month. Years before 1900 or after this year are refused.
    """
    if isinstance(value, datetime.datetime):
        result = value.date()
    elif isinstance(value, datetime.date):
        result = value
    elif isinstance(value, bool):
        raise CellError(_date_expected(value))
    elif isinstance(value, int | float):
        result = _date_from_number(value)
    elif isinstance(value, str):
        result = _date_from_text(value)
    else:
        raise CellError(_date_expected(value))
    if not EARLIEST_YEAR <= result.year <= today.year:
        raise CellError(
            _("年份 %(year)d 不合理；应在 %(earliest)d 年至 %(latest)d 年之间")
            % {"year": result.year, "earliest": EARLIEST_YEAR, "latest": today.year}
        )
    if not_after_today and result > today:
        raise CellError(_("%(date)s 晚于今天；应为已经过去的日期") % {"date": result.isoformat()})
    return result


def parse_id_number(value: object, *, today: datetime.date | None = None) -> IdNumber:
    """
    Check a resident ID number (身份证号, GB 11643-1999): 18 characters, MOD 11-2 check character,
    a real birth date not after `today`. A first-generation 15-digit number is converted to 18.
    """
    if isinstance(value, float) and value.is_integer() and 0 < value < 1e15:
        value = int(value)
    if isinstance(value, float) or (isinstance(value, int) and len(str(value)) > 15):
        # Excel keeps 15 significant digits: an 18-digit number typed into a number cell has
        # already lost its last digits, so nothing can be recovered from it.
        raise CellError(
            _("身份证号被 Excel 存成了数字，末尾几位已丢失；请把该列设为“文本”格式后重新填写")
        )
    text = _WHITESPACE.sub("", unicodedata.normalize("NFKC", cell_text(value))).upper()
    if _ID_15.fullmatch(text):
        text = _upgrade_id_15(text)
    elif not _ID_18.fullmatch(text):
        raise CellError(
            _("「%(value)s」不是有效的身份证号；应为 18 位（末位可为 X），共 %(length)d 位")
            % {"value": mask_id_number(text), "length": len(text)}
        )
    if text[:2] not in _ID_PROVINCES:
        raise CellError(
            _("身份证号开头「%(prefix)s」不是有效的省级行政区划代码；请核对") % {"prefix": text[:2]}
        )
    if _id_check_character(text[:17]) != text[17]:
        raise CellError(_("身份证号校验位不正确；请逐位核对号码"))
    try:
        birth_date = datetime.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise CellError(
            _("身份证号中的出生日期「%(digits)s」不存在；请核对号码") % {"digits": text[6:14]}
        ) from None
    if birth_date.year < EARLIEST_YEAR or birth_date > (today or today_in_china()):
        raise CellError(
            _("身份证号中的出生日期「%(digits)s」不合理；请核对号码") % {"digits": text[6:14]}
        )
    gender = Gender.MALE.value if int(text[16]) % 2 else Gender.FEMALE.value
    return IdNumber(number=text, birth_date=birth_date, gender=gender)


def mask_id_number(number: str) -> str:
    """Return an ID number for display: the last 4 characters, the rest as `*` (issue #8.5)."""
    return mask_last_four(number)


def _id_check_character(first17: str) -> str:
    if len(first17) != len(_ID_WEIGHTS):
        raise ValueError("an ID number's check character is computed over 17 digits")
    # map() rather than a generator expression: an import computes it for every row.
    total = sum(map(operator.mul, map(int, first17), _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


def _upgrade_id_15(number: str) -> str:
    # First-generation numbers (1984–1999) carry a two-digit year of the 1900s and no check digit.
    first17 = number[:6] + "19" + number[6:]
    return first17 + _id_check_character(first17)


def _date_from_number(value: float) -> datetime.date:
    if not math.isfinite(value):
        raise CellError(_date_expected(value))
    whole = int(value)
    if value != whole:
        if EARLIEST_YEAR <= value < _LAST_PLAIN_YEAR + 1:
            # A clerk typed 1985.03 into a number cell. Excel keeps it as 1985.03, and 1985.10
            # (October) as 1985.1, which reads exactly like January.
            year, _dot, month = repr(value).partition(".")
            if month == "1":
                raise CellError(
                    _(
                        "「%(value)s」是数字，分不清是 1 月还是 10 月；"
                        "请把该列设为“文本”格式，填写 %(year)s.01 或 %(year)s.10"
                    )
                    % {"value": repr(value), "year": year}
                )
            return _make_date(int(year), month, "1", value)
        return _date_from_serial(whole, value)
    if 19000101 <= whole <= 99991231:
        text = str(whole)
        return _make_date(int(text[:4]), text[4:6], text[6:], value)
    if 190001 <= whole <= 999912:
        text = str(whole)
        return _make_date(int(text[:4]), text[4:], "1", value)
    if EARLIEST_YEAR <= whole <= _LAST_PLAIN_YEAR:
        raise CellError(
            _("只有年份「%(year)d」；应包含年月，如 %(year)d.03 或 %(year)d-03-12")
            % {"year": whole}
        )
    return _date_from_serial(whole, value)


def _date_from_serial(serial: int, value: object) -> datetime.date:
    if serial < 1 or serial > 2958465:  # 2958465 is 9999-12-31, Excel's last day
        raise CellError(_date_expected(value))
    if serial == _EXCEL_FAKE_LEAP_DAY:
        raise CellError(_("Excel 日期序号 60 对应不存在的 1900-02-29；请填写正确的日期"))
    if serial < _EXCEL_FAKE_LEAP_DAY:
        serial += 1
    return _EXCEL_EPOCH + datetime.timedelta(days=serial)


def _date_from_text(value: str) -> datetime.date:
    text = unicodedata.normalize("NFKC", value).strip()
    match = _DATE_SEPARATED.fullmatch(text)
    if match is None:
        match = _DATE_COMPACT.fullmatch(text)
    if match is not None:
        year, month, day = match.groups()
        return _make_date(int(year), month, day or "1", value)
    if _SERIAL_TEXT.fullmatch(text):
        return _date_from_serial(int(float(text)), value)
    if re.fullmatch(r"\d{4}\s*年?", text):
        raise CellError(
            _("只有年份「%(year)s」；应包含年月，如 %(year)s.03 或 %(year)s-03-12")
            % {"year": text[:4]}
        )
    raise CellError(_date_expected(value))


def _make_date(year: int, month: str, day: str, value: object) -> datetime.date:
    try:
        return datetime.date(year, int(month), int(day))
    except ValueError:
        raise CellError(
            _("「%(value)s」不是存在的日期；请核对年、月、日") % {"value": _shown(value)}
        ) from None


def _date_expected(value: object) -> str:
    return _("「%(value)s」不是日期；应填写如 1985-03-12、1985.03 或 1985年3月") % {
        "value": _shown(value)
    }


def _normalize_choice(text: str) -> str:
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text)).lower()


def _shown(value: object) -> str:
    """Return a cell value as the clerk would recognise it in a message, cut if long."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _shorten(str(value).strip())


def _shorten(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
