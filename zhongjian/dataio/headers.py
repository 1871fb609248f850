"""Header normalization for imported spreadsheets: width, spaces, required markers and synonyms."""

import re
import unicodedata
from collections.abc import Iterable, Mapping

# NFKC has already turned 全角 brackets and the ideographic space U+3000 into their ASCII forms
# when these run; zero-width characters survive NFKC and are removed with the whitespace.
_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060\ufeff]+")
_MARKERS = re.compile(r"[(\[【](?:必填|必填项|必须填写|选填|可选|非必填)[)\]】]|\*")
_TRAILING_HINT = re.compile(r"^(.+?)[(\[【][^()\[\]【】]*[)\]】]$")

# Header variants seen in county rosters (干部花名册), grouped under the label the templates use.
SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "人员编号": ("编号", "工号", "干部编号", "人员代码"),
    "出生日期": ("出生年月", "出生时间", "出生年月日"),
    "所在单位代码": ("单位代码", "工作单位代码", "现单位代码"),
    "所在单位": ("工作单位", "现单位", "现工作单位"),
    "身份证号": ("身份证号码", "公民身份号码", "居民身份证号码", "身份证", "证件号码"),
    "参加工作时间": ("参加工作日期", "参工时间", "工作时间"),
    "到基层工作时间": ("到基层时间", "基层工作时间", "到基层工作日期"),
    "政治面貌": ("党派",),
    "学历": ("最高学历", "文化程度"),
    "编制类型": ("编制", "编制性质"),
    "职级": ("现职级",),
    "是否工勤": ("工勤人员", "是否工勤人员"),
    "单位名称": ("单位全称",),
    "单位类型": ("单位性质", "单位类别"),
    "上级单位代码": ("上级代码", "主管单位代码"),
    "岗位名称": ("岗位", "职务名称"),
    "是否领导职务": ("领导职务", "是否领导岗位"),
    "编制要求": ("岗位编制", "编制类型"),
    "职数": ("核定职数", "岗位职数"),
    "任职时间": ("任职日期", "任现职时间"),
    "免职时间": ("免职日期", "离任时间"),
    "免职原因": ("离任原因",),
    "任免文号": ("文号", "任职文号"),
}


def normalize_header(value: object) -> str:
    """
    Return the comparable form of a header cell: NFKC (全角 → 半角), no whitespace of any kind,
    no `*` or `（必填）`-style markers. None gives "".
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = _INVISIBLE.sub("", text)
    return _MARKERS.sub("", text)


def synonyms(label: str) -> tuple[str, ...]:
    """Return the known variants of a template label (empty when it has none)."""
    return SYNONYMS.get(label, ())


class HeaderMatcher:
    """Map the header cells of a file to column keys, given each key's label and aliases."""

    def __init__(self, *, names: Mapping[str, Iterable[str]]) -> None:
        self._lookup: dict[str, str] = {}
        for key, labels in names.items():
            for label in labels:
                normalized = normalize_header(label)
                owner = self._lookup.setdefault(normalized, key)
                if owner != key:
                    raise ValueError(f"header {label!r} is claimed by both {owner!r} and {key!r}")

    def match(self, value: object) -> str | None:
        """
        Return the key a header cell names, or None. A trailing hint in brackets such as
        `出生年月（1985.03）` is tolerated when the text before it is a known header.
        """
        normalized = normalize_header(value)
        key = self._lookup.get(normalized)
        if key is None:
            hinted = _TRAILING_HINT.match(normalized)
            if hinted is not None:
                key = self._lookup.get(hinted.group(1))
        return key

    def is_known(self, value: object) -> bool:
        """Return True when the header cell names a known column."""
        return self.match(value) is not None
