"""Read and write the 干部任免审批表 files of the official editor: .lrmx (3.x), legacy .lrm (2.x).

Pure Python, no Django: a file becomes one typed `FormRecord` and a record becomes a file again.
Nothing in a file is executed or resolved: XML is parsed by defusedxml with DTDs, entities and
external references refused, and every size is bounded. Problems are reported per file with the
element's Chinese name, so a clerk can find the field in the editor.

There is no public specification of either format. The .lrmx layout here is the consensus of
independent readers and writers that interoperate with the official editor; the reader is
tolerant (missing or empty elements, dates with dots or days, unknown elements kept verbatim so
that a round trip loses nothing). The .lrm field order is the form's order (see `LRM_FIELDS`).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields
from xml.etree import ElementTree as StdElementTree

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_PHOTO_BYTES = 1024 * 1024
MAX_BATCH_FILES = 2000
MAX_BATCH_BYTES = 200 * 1024 * 1024
MAX_FAMILY_MEMBERS = 20
DEFAULT_VERSION = "3.2.1.16"

# Element name → its label on the form, in the order the editor writes them.
ELEMENTS: dict[str, str] = {
    "XingMing": "姓名",
    "XingBie": "性别",
    "ChuShengNianYue": "出生年月",
    "MinZu": "民族",
    "JiGuan": "籍贯",
    "ChuShengDi": "出生地",
    "RuDangShiJian": "入党时间",
    "CanJiaGongZuoShiJian": "参加工作时间",
    "JianKangZhuangKuang": "健康状况",
    "ZhuanYeJiShuZhiWu": "专业技术职务",
    "ShuXiZhuanYeYouHeZhuanChang": "熟悉专业有何专长",
    "QuanRiZhiJiaoYu_XueLi": "全日制教育学历",
    "QuanRiZhiJiaoYu_XueWei": "全日制教育学位",
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "全日制教育毕业院校系及专业（学历）",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "全日制教育毕业院校系及专业（学位）",
    "ZaiZhiJiaoYu_XueLi": "在职教育学历",
    "ZaiZhiJiaoYu_XueWei": "在职教育学位",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "在职教育毕业院校系及专业（学历）",
    "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "在职教育毕业院校系及专业（学位）",
    "XianRenZhiWu": "现任职务",
    "NiRenZhiWu": "拟任职务",
    "NiMianZhiWu": "拟免职务",
    "JianLi": "简历",
    "JiangChengQingKuang": "奖惩情况",
    "NianDuKaoHeJieGuo": "年度考核结果",
    "RenMianLiYou": "任免理由",
    "JiaTingChengYuan": "家庭主要成员及重要社会关系",
    "ChengBaoDanWei": "呈报单位",
    "JiSuanNianLingShiJian": "计算年龄时间",
    "TianBiaoShiJian": "填表时间",
    "TianBiaoRen": "填表人",
    "ShenFenZheng": "身份证号",
    "ZhaoPian": "照片",
    "Version": "版本",
}
FAMILY_ELEMENTS: dict[str, str] = {
    "ChengWei": "称谓",
    "XingMing": "姓名",
    "ChuShengRiQi": "出生日期",
    "ZhengZhiMianMao": "政治面貌",
    "GongZuoDanWeiJiZhiWu": "工作单位及职务",
}
RATINGS = ("优秀", "称职", "基本称职", "不称职", "不定等次")


class FormatError(Exception):
    """A file that cannot be read at all (not XML, too large, a DTD …), with a Chinese message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date as the form writes it: a year and month, sometimes a day."""

    year: int
    month: int
    day: int | None = None

    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, self.day or 1)

    def lrmx(self) -> str:
        return f"{self.year:04d}{self.month:02d}" + (f"{self.day:02d}" if self.day else "")

    def dotted(self) -> str:
        return f"{self.year:04d}.{self.month:02d}"


@dataclass(frozen=True)
class Education:
    """One of the form's two education rows (全日制教育, 在职教育)."""

    level: str = ""  # 学历
    degree: str = ""  # 学位
    level_school: str = ""  # 毕业院校系及专业 for the 学历
    degree_school: str = ""  # … for the 学位

    def __bool__(self) -> bool:
        return any((self.level, self.degree, self.level_school, self.degree_school))


@dataclass(frozen=True)
class ResumeLine:
    """One dated line of the 简历; continuation lines and （其间：…） lines stay with it."""

    start: PartialDate | None
    end: PartialDate | None  # None: still open (… —— 至今)
    text: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnnualReview:
    year: int
    rating: str


@dataclass(frozen=True)
class FamilyMember:
    relation: str = ""
    name: str = ""
    birth: str = ""  # as written: yyyyMM, or 已去世 and the like
    political_status: str = ""
    work: str = ""


@dataclass(frozen=True)
class FormRecord:
    """Everything a 干部任免审批表 holds, typed where the text allows."""

    name: str = ""
    gender: str = ""
    birth: PartialDate | None = None
    ethnicity: str = ""
    native_place: str = ""
    birthplace: str = ""
    party_join: PartialDate | None = None
    party_join_text: str = ""  # as written, e.g. "民盟" or "200106；民盟"
    work_start: PartialDate | None = None
    health: str = ""
    professional_title: str = ""
    specialty: str = ""
    full_time: Education = field(default_factory=Education)
    in_service: Education = field(default_factory=Education)
    current_posts: str = ""
    proposed_posts: str = ""
    removed_posts: str = ""
    resume: tuple[ResumeLine, ...] = ()
    rewards: str = ""
    reviews_text: str = ""
    reviews: tuple[AnnualReview, ...] = ()
    reason: str = ""
    family: tuple[FamilyMember, ...] = ()
    reporting_unit: str = ""
    age_date: PartialDate | None = None
    filled_date: PartialDate | None = None
    filled_by: str = ""
    id_number: str = ""
    photo: bytes = b""
    version: str = ""
    # Elements the reader does not know, as XML text in file order, written back unchanged.
    extra: tuple[str, ...] = ()


@dataclass
class ReadResult:
    """A file's record, or None when it could not be read, and every problem found."""

    filename: str
    record: FormRecord | None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Dates, 简历 and 年度考核结果


_DATE = re.compile(
    r"^\s*(\d{4})\s*(?:[.\-/年]\s*)?(\d{1,2})\s*(?:月)?\s*(?:[.\-/]?\s*(\d{1,2})\s*日?)?\s*$"
)


def parse_date(text: str) -> PartialDate | None:
    """A form date: 200907, 20090715, 2009.07, 2009.7, 2009-07-15, 2009年7月; None when empty.

    Raises ValueError for text that is not such a date.
    """
    text = text.strip()
    if not text:
        return None
    compact = re.fullmatch(r"(\d{4})(\d{2})(\d{2})?", text)
    match = compact or _DATE.match(text)
    if not match:
        raise ValueError(text)
    year, month = int(match.group(1)), int(match.group(2))
    day = int(match.group(3)) if match.group(3) else None
    if not (1900 <= year <= 2100 and 1 <= month <= 12):
        raise ValueError(text)
    if day is not None:
        datetime.date(year, month, day)  # raises ValueError for 20090231
    return PartialDate(year, month, day)


_RESUME_LINE = re.compile(
    r"^\s*(?P<start>\d{4}\s*[.\-/年]\s*\d{1,2})\s*月?\s*"
    r"(?:-{1,2}|—{1,2}|–|~|～|至)\s*"
    r"(?P<end>\d{4}\s*[.\-/年]\s*\d{1,2})?\s*月?\s*(?:至今)?\s*(?P<text>.*?)\s*$"
)
_DETAIL = re.compile(r"^\s*[（(]\s*其\s*间")


def parse_resume(text: str) -> tuple[ResumeLine, ...]:
    """The 简历 block as dated lines.

    A line that starts with a date range opens an entry; any other non-empty line (a wrapped
    continuation, or a （其间：…） line) belongs to the entry above it. Text before the first dated
    line becomes an undated entry so that nothing is lost.
    """
    lines: list[ResumeLine] = []
    for raw in re.split(r"\r\n|\r|\n", text):
        if not raw.strip():
            continue
        match = _RESUME_LINE.match(raw)
        if match and not _DETAIL.match(raw):
            start = _resume_date(match.group("start"))
            end = _resume_date(match.group("end") or "")
            if start is not None:
                lines.append(ResumeLine(start=start, end=end, text=match.group("text")))
                continue
        if lines:
            last = lines[-1]
            lines[-1] = replace(last, details=(*last.details, raw.strip()))
        else:
            lines.append(ResumeLine(start=None, end=None, text=raw.strip()))
    return tuple(lines)


def _resume_date(text: str) -> PartialDate | None:
    try:
        return parse_date(re.sub(r"\s+", "", text))
    except ValueError:
        return None


def format_resume(lines: Iterable[ResumeLine]) -> str:
    """The 简历 block as the editor writes it: `2009.07--2012.03  text`, CRLF between lines."""
    out: list[str] = []
    for line in lines:
        if line.start is None:
            out.append(line.text)
        else:
            end = line.end.dotted() if line.end else " " * 7
            out.append(f"{line.start.dotted()}--{end}  {line.text}".rstrip())
        out.extend(line.details)
    return "\r\n".join(out)


_RATING = "|".join(sorted(RATINGS, key=len, reverse=True))
_REVIEW = re.compile(
    r"(?P<years>\d{4}(?:\s*(?:年度?)?\s*(?:[、，,和及]|-|—|－|至|~|～)\s*\d{4})*)\s*年?度?"
    r"(?:年度)?\s*(?:考核)?\s*(?:结果)?\s*(?:均|都)?\s*(?:为|是|被?评为|确定为)?\s*"
    rf"(?:考核)?\s*(?P<rating>{_RATING})(?:等次)?"
)


def parse_reviews(text: str) -> tuple[AnnualReview, ...]:
    """(year, rating) pairs from a 年度考核结果 text, where the text allows.

    `2021、2022年度考核称职，2023年度考核优秀。` gives 2021 称职, 2022 称职, 2023 优秀; a range
    `2019—2021年度均为称职` gives each year in it. Text that names no year is left unparsed.
    """
    found: dict[int, str] = {}
    for match in _REVIEW.finditer(text):
        years_text = match.group("years")
        years = [int(y) for y in re.findall(r"\d{4}", years_text)]
        if len(years) == 2 and re.search(
            r"\d{4}\s*年?度?\s*(?:-|—|－|至|~|～)\s*\d{4}", years_text
        ):
            years = list(range(years[0], years[1] + 1)) if years[0] <= years[1] else years
        for year in years:
            if 1950 <= year <= 2100:
                found[year] = match.group("rating")
    return tuple(AnnualReview(year, rating) for year, rating in sorted(found.items()))


def format_reviews(reviews: Iterable[AnnualReview]) -> str:
    """年度考核结果 text from pairs: consecutive years with one rating are listed together."""
    groups: list[tuple[list[int], str]] = []
    for review in sorted(reviews, key=lambda r: r.year):
        if groups and groups[-1][1] == review.rating:
            groups[-1][0].append(review.year)
        else:
            groups.append(([review.year], review.rating))
    parts = ["、".join(str(y) for y in years) + f"年度考核{rating}" for years, rating in groups]
    return "，".join(parts) + ("。" if parts else "")


# ---------------------------------------------------------------------------------------------
# .lrmx


def read_lrmx(data: bytes, *, filename: str = "") -> ReadResult:
    """Parse one .lrmx file. Structural faults are problems; odd values are problems too, named by
    the element, while the rest of the record is still read."""
    result = ReadResult(filename=filename, record=None)
    try:
        root = _parse_xml(data)
    except FormatError as error:
        result.problems.append(error.message)
        return result
    if _local(root.tag) != "Person":
        result.problems.append(f"根元素应为 <Person>，文件中是 <{_local(root.tag)}>。")
        return result
    values: dict[str, str] = {}
    family: list[FamilyMember] = []
    extra: list[str] = []
    for child in root:
        tag = _local(child.tag)
        if tag == "JiaTingChengYuan":
            family.extend(_family_items(child, result))
        elif tag in ELEMENTS:
            values[tag] = (child.text or "").strip("\ufeff")
        else:
            extra.append(StdElementTree.tostring(child, encoding="unicode").strip())
    result.record = _record_from_values(values, family=family, extra=extra, result=result)
    return result


def _parse_xml(data: bytes) -> StdElementTree.Element:
    if len(data) > MAX_FILE_BYTES:
        raise FormatError(f"文件超过 {MAX_FILE_BYTES // 2**20} MB，不像是一个人的任免审批表。")
    try:
        return SafeElementTree.fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException:
        raise FormatError(
            "文件含有 DTD、实体或外部引用，出于安全原因拒绝读取；"
            "任免表编辑器生成的文件不含这些内容。"
        ) from None
    except StdElementTree.ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise FormatError(
            f"文件不是完整的 XML（第 {line} 行第 {column} 列附近），可能已损坏或不是 .lrmx 文件。"
        ) from None


def _local(tag: object) -> str:
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def _family_items(element: StdElementTree.Element, result: ReadResult) -> Iterator[FamilyMember]:
    items = [item for item in element if _local(item.tag) == "Item"]
    if len(items) > MAX_FAMILY_MEMBERS:
        result.warnings.append(
            f"「家庭主要成员」有 {len(items)} 人，只读取前 {MAX_FAMILY_MEMBERS} 人。"
        )
    for item in items[:MAX_FAMILY_MEMBERS]:
        cells = {_local(cell.tag): (cell.text or "").strip() for cell in item}
        member = FamilyMember(
            relation=cells.get("ChengWei", ""),
            name=cells.get("XingMing", ""),
            birth=cells.get("ChuShengRiQi", ""),
            political_status=cells.get("ZhengZhiMianMao", ""),
            work=cells.get("GongZuoDanWeiJiZhiWu", ""),
        )
        if any(vars(member).values()):
            yield member


def _record_from_values(
    values: dict[str, str],
    *,
    family: list[FamilyMember],
    extra: list[str],
    result: ReadResult,
) -> FormRecord:
    def text(tag: str) -> str:
        return values.get(tag, "").strip()

    def date(tag: str) -> PartialDate | None:
        try:
            return parse_date(text(tag))
        except ValueError:
            result.problems.append(
                f"「{ELEMENTS[tag]}」（{tag}）的值“{text(tag)[:40]}”不是有效的年月，"
                "应写成 200907 或 2009.07。"
            )
            return None

    party_text = text("RuDangShiJian")
    party_date: PartialDate | None = None
    head = re.split(r"[；;，,\s]", party_text, maxsplit=1)[0] if party_text else ""
    if head:
        try:
            party_date = parse_date(head)
        except ValueError:
            party_date = None  # another party's name: kept as text
    photo = _photo(text("ZhaoPian"), result)
    id_number = text("ShenFenZheng").upper()
    if id_number and not re.fullmatch(r"\d{17}[\dX]|\d{15}", id_number):
        result.problems.append(
            f"「身份证号」（ShenFenZheng）的值“{_mask(id_number)}”不是 18 位身份证号。"
        )
    reviews_text = text("NianDuKaoHeJieGuo")
    record = FormRecord(
        name=text("XingMing"),
        gender=text("XingBie"),
        birth=date("ChuShengNianYue"),
        ethnicity=text("MinZu"),
        native_place=text("JiGuan"),
        birthplace=text("ChuShengDi"),
        party_join=party_date,
        party_join_text=party_text,
        work_start=date("CanJiaGongZuoShiJian"),
        health=text("JianKangZhuangKuang"),
        professional_title=text("ZhuanYeJiShuZhiWu"),
        specialty=text("ShuXiZhuanYeYouHeZhuanChang"),
        full_time=Education(
            level=text("QuanRiZhiJiaoYu_XueLi"),
            degree=text("QuanRiZhiJiaoYu_XueWei"),
            level_school=text("QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi"),
            degree_school=text("QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi"),
        ),
        in_service=Education(
            level=text("ZaiZhiJiaoYu_XueLi"),
            degree=text("ZaiZhiJiaoYu_XueWei"),
            level_school=text("ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi"),
            degree_school=text("ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi"),
        ),
        current_posts=text("XianRenZhiWu"),
        proposed_posts=text("NiRenZhiWu"),
        removed_posts=text("NiMianZhiWu"),
        resume=parse_resume(values.get("JianLi", "")),
        rewards=text("JiangChengQingKuang"),
        reviews_text=reviews_text,
        reviews=parse_reviews(reviews_text),
        reason=text("RenMianLiYou"),
        family=tuple(family),
        reporting_unit=text("ChengBaoDanWei"),
        age_date=date("JiSuanNianLingShiJian"),
        filled_date=date("TianBiaoShiJian"),
        filled_by=text("TianBiaoRen"),
        id_number=id_number,
        photo=photo,
        version=text("Version"),
        extra=tuple(extra),
    )
    if not record.name:
        result.problems.append("「姓名」（XingMing）为空。")
    if record.gender and record.gender not in ("男", "女"):
        result.problems.append(
            f"「性别」（XingBie）应为“男”或“女”，文件中是“{record.gender[:10]}”。"
        )
    return record


def _mask(id_number: str) -> str:
    return "*" * max(0, len(id_number) - 4) + id_number[-4:]


_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"BM", b"GIF8")


def _photo(encoded: str, result: ReadResult) -> bytes:
    if not encoded:
        return b""
    if len(encoded) > MAX_PHOTO_BYTES * 4 // 3 + 8:
        result.warnings.append(f"「照片」超过 {MAX_PHOTO_BYTES // 1024} KB，未读取。")
        return b""
    try:
        photo = base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError):
        result.warnings.append("「照片」（ZhaoPian）不是有效的 base64 数据，未读取。")
        return b""
    if not photo.startswith(_IMAGE_MAGIC):
        result.warnings.append("「照片」（ZhaoPian）不是 JPEG、PNG、BMP 或 GIF 图片，未读取。")
        return b""
    return photo


def write_lrmx(record: FormRecord) -> bytes:
    """The record as a .lrmx document the editor opens: UTF-8, `<Person>`, elements in its order."""
    root = StdElementTree.Element("Person")

    def put(tag: str, value: str) -> None:
        StdElementTree.SubElement(root, tag).text = value

    for tag, value in _element_values(record):
        if tag == "JiaTingChengYuan":
            family = StdElementTree.SubElement(root, tag)
            for member in record.family:
                item = StdElementTree.SubElement(family, "Item")
                for sub, sub_value in zip(
                    FAMILY_ELEMENTS,
                    (
                        member.relation,
                        member.name,
                        member.birth,
                        member.political_status,
                        member.work,
                    ),
                    strict=True,
                ):
                    StdElementTree.SubElement(item, sub).text = sub_value
        else:
            put(tag, value)
    for xml in record.extra:
        root.append(SafeElementTree.fromstring(xml))
    body = StdElementTree.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\r\n' + body).encode("utf-8")


def _date_text(value: PartialDate | None) -> str:
    return value.lrmx() if value else ""


def _element_values(record: FormRecord) -> list[tuple[str, str]]:
    reviews = record.reviews_text or format_reviews(record.reviews)
    return [
        ("XingMing", record.name),
        ("XingBie", record.gender),
        ("ChuShengNianYue", _date_text(record.birth)),
        ("MinZu", record.ethnicity),
        ("JiGuan", record.native_place),
        ("ChuShengDi", record.birthplace),
        ("RuDangShiJian", record.party_join_text or _date_text(record.party_join)),
        ("CanJiaGongZuoShiJian", _date_text(record.work_start)),
        ("JianKangZhuangKuang", record.health),
        ("ZhuanYeJiShuZhiWu", record.professional_title),
        ("ShuXiZhuanYeYouHeZhuanChang", record.specialty),
        ("QuanRiZhiJiaoYu_XueLi", record.full_time.level),
        ("QuanRiZhiJiaoYu_XueWei", record.full_time.degree),
        ("QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", record.full_time.level_school),
        ("QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", record.full_time.degree_school),
        ("ZaiZhiJiaoYu_XueLi", record.in_service.level),
        ("ZaiZhiJiaoYu_XueWei", record.in_service.degree),
        ("ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", record.in_service.level_school),
        ("ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", record.in_service.degree_school),
        ("XianRenZhiWu", record.current_posts),
        ("NiRenZhiWu", record.proposed_posts),
        ("NiMianZhiWu", record.removed_posts),
        ("JianLi", format_resume(record.resume)),
        ("JiangChengQingKuang", record.rewards),
        ("NianDuKaoHeJieGuo", reviews),
        ("RenMianLiYou", record.reason),
        ("JiaTingChengYuan", ""),
        ("ChengBaoDanWei", record.reporting_unit),
        ("JiSuanNianLingShiJian", _date_text(record.age_date)),
        ("TianBiaoShiJian", _date_text(record.filled_date)),
        ("TianBiaoRen", record.filled_by),
        ("ShenFenZheng", record.id_number),
        ("ZhaoPian", base64.b64encode(record.photo).decode("ascii") if record.photo else ""),
        ("Version", record.version or DEFAULT_VERSION),
    ]


# ---------------------------------------------------------------------------------------------
# .lrm (legacy): "field","field",… in GBK; `@` separates 全日制@在职 and the family lists, `#`
# separates 学历#学位. Zhongjian reads and writes the fields in this order, the form's.

LRM_FIELDS: tuple[str, ...] = (
    "XingMing",
    "XingBie",
    "ChuShengNianYue",
    "MinZu",
    "JiGuan",
    "ChuShengDi",
    "RuDangShiJian",
    "CanJiaGongZuoShiJian",
    "JianKangZhuangKuang",
    "ZhuanYeJiShuZhiWu",
    "ShuXiZhuanYeYouHeZhuanChang",
    "XueLiXueWei",  # 全日制学历#学位@在职学历#学位
    "BiYeYuanXiaoXi",  # 全日制院校（学历）#院校（学位）@在职院校（学历）#院校（学位）
    "XianRenZhiWu",
    "NiRenZhiWu",
    "NiMianZhiWu",
    "JianLi",
    "JiangChengQingKuang",
    "NianDuKaoHeJieGuo",
    "RenMianLiYou",
    "JiaTingChengYuan_ChengWei",
    "JiaTingChengYuan_XingMing",
    "JiaTingChengYuan_ChuShengRiQi",
    "JiaTingChengYuan_ZhengZhiMianMao",
    "JiaTingChengYuan_GongZuoDanWeiJiZhiWu",
    "ChengBaoDanWei",
    "JiSuanNianLingShiJian",
    "TianBiaoShiJian",
    "TianBiaoRen",
    "ShenFenZheng",
)


def _lrm_fields(text: str) -> list[str]:
    """Split `"a","b",…` into fields; a doubled quote inside a field is a quote."""
    fields: list[str] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " \t\r\n,":
            i += 1
        if i >= n:
            break
        if text[i] != '"':
            end = text.find(",", i)
            end = n if end < 0 else end
            fields.append(text[i:end].strip())
            i = end + 1
            continue
        i += 1
        chunk: list[str] = []
        while i < n:
            if text[i] == '"':
                if i + 1 < n and text[i + 1] == '"':
                    chunk.append('"')
                    i += 2
                    continue
                i += 1
                break
            chunk.append(text[i])
            i += 1
        fields.append("".join(chunk))
    return fields


def read_lrm(data: bytes, *, filename: str = "", photo: bytes = b"") -> ReadResult:
    """Parse one legacy .lrm file (GBK); PHOTO is the sibling .pic file's bytes, if any."""
    result = ReadResult(filename=filename, record=None)
    if len(data) > MAX_FILE_BYTES:
        result.problems.append(f"文件超过 {MAX_FILE_BYTES // 2**20} MB，不像是一个人的任免审批表。")
        return result
    for encoding in ("gb18030", "utf-8-sig"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        result.problems.append("文件既不是 GBK 也不是 UTF-8 编码的文本，可能不是 .lrm 文件。")
        return result
    if text.startswith("\ufeff"):
        text = text[1:]
    fields = _lrm_fields(text)
    if len(fields) < 3 or text.lstrip().startswith("<"):
        result.problems.append("文件不是 .lrm 格式（应为用英文引号和逗号分隔的字段）。")
        return result
    named = dict(zip(LRM_FIELDS, fields, strict=False))
    if len(fields) < len(LRM_FIELDS):
        result.warnings.append(
            f"文件只有 {len(fields)} 个字段（应为 {len(LRM_FIELDS)} 个），缺少的字段按空白处理。"
        )
    values = {tag: named.get(tag, "") for tag in ELEMENTS if tag in named}
    full, _, service = named.get("XueLiXueWei", "").partition("@")
    full_school, _, service_school = named.get("BiYeYuanXiaoXi", "").partition("@")
    for prefix, levels, schools in (
        ("QuanRiZhiJiaoYu", full, full_school),
        ("ZaiZhiJiaoYu", service, service_school),
    ):
        level, _, degree = levels.partition("#")
        level_school, _, degree_school = schools.partition("#")
        values[f"{prefix}_XueLi"] = level
        values[f"{prefix}_XueWei"] = degree
        values[f"{prefix}_XueLi_BiYeYuanXiaoXi"] = level_school
        values[f"{prefix}_XueWei_BiYeYuanXiaoXi"] = degree_school
    columns = [named.get(f"JiaTingChengYuan_{sub}", "").split("@") for sub in FAMILY_ELEMENTS]
    count = min(max(len(column) for column in columns), MAX_FAMILY_MEMBERS)
    family = [
        FamilyMember(*(column[i].strip() if i < len(column) else "" for column in columns))
        for i in range(count)
    ]
    family = [member for member in family if any(vars(member).values())]
    if photo:
        values["ZhaoPian"] = base64.b64encode(photo).decode("ascii")
    result.record = _record_from_values(values, family=family, extra=[], result=result)
    return result


def write_lrm(record: FormRecord) -> tuple[bytes, bytes]:
    """The record as a legacy .lrm file (GBK) and its .pic photo (empty when there is none)."""
    values = dict(_element_values(record))
    values["XueLiXueWei"] = "@".join(
        f"{e.level}#{e.degree}" for e in (record.full_time, record.in_service)
    )
    values["BiYeYuanXiaoXi"] = "@".join(
        f"{e.level_school}#{e.degree_school}" for e in (record.full_time, record.in_service)
    )
    for sub, attribute in zip(
        FAMILY_ELEMENTS, ("relation", "name", "birth", "political_status", "work"), strict=True
    ):
        values[f"JiaTingChengYuan_{sub}"] = "@".join(
            getattr(member, attribute) for member in record.family
        )
    text = ",".join('"' + values.get(name, "").replace('"', '""') + '"' for name in LRM_FIELDS)
    return text.encode("gb18030"), record.photo


# ---------------------------------------------------------------------------------------------
# Batches: several files, or a .zip of them


@dataclass(frozen=True)
class BatchFile:
    filename: str
    data: bytes


def read_batch(files: Iterable[BatchFile]) -> list[ReadResult]:
    """Read every .lrmx/.lrm file given, unpacking .zip archives (one level) in memory.

    A .lrm's photo is the .pic file of the same stem beside it. Other files are reported, not read.
    """
    flat: list[BatchFile] = []
    total = 0
    problems: list[ReadResult] = []
    for item in files:
        if item.filename.lower().endswith(".zip"):
            members, refused = _unzip(item)
            problems.extend(refused)
            flat.extend(members)
        else:
            flat.append(item)
    if len(flat) > MAX_BATCH_FILES:
        return [
            ReadResult(
                filename="",
                record=None,
                problems=[f"一次最多导入 {MAX_BATCH_FILES} 个文件，本次有 {len(flat)} 个。"],
            )
        ]
    pictures = {_stem(f.filename): f.data for f in flat if f.filename.lower().endswith(".pic")}
    results: list[ReadResult] = list(problems)
    for item in flat:
        total += len(item.data)
        lower = item.filename.lower()
        if total > MAX_BATCH_BYTES:
            results.append(
                ReadResult(
                    filename=item.filename,
                    record=None,
                    problems=[f"一批文件合计超过 {MAX_BATCH_BYTES // 2**20} MB，请分批导入。"],
                )
            )
            break
        if lower.endswith(".lrmx"):
            results.append(read_lrmx(item.data, filename=item.filename))
        elif lower.endswith(".lrm"):
            photo = pictures.get(_stem(item.filename), b"")
            if len(photo) > MAX_PHOTO_BYTES:
                photo = b""
            results.append(read_lrm(item.data, filename=item.filename, photo=photo))
        elif not lower.endswith(".pic") and not _ignorable(item.filename):
            results.append(
                ReadResult(
                    filename=item.filename,
                    record=None,
                    problems=["不是 .lrmx 或 .lrm 文件，已跳过。"],
                )
            )
    return results


def _stem(filename: str) -> str:
    return filename.rsplit(".", 1)[0].lower()


def _ignorable(filename: str) -> bool:
    name = filename.rsplit("/", 1)[-1]
    return filename.endswith("/") or name.startswith(".") or filename.startswith("__MACOSX/")


def _unzip(item: BatchFile) -> tuple[list[BatchFile], list[ReadResult]]:
    def refused(message: str, name: str = item.filename) -> list[ReadResult]:
        return [ReadResult(filename=name, record=None, problems=[message])]

    try:
        archive = zipfile.ZipFile(io.BytesIO(item.data))
    except zipfile.BadZipFile:
        return [], refused("不是有效的 .zip 压缩包。")
    members: list[BatchFile] = []
    problems: list[ReadResult] = []
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > MAX_BATCH_FILES:
            return [], refused(
                f"压缩包中有 {len(infos)} 个文件，一次最多导入 {MAX_BATCH_FILES} 个。"
            )
        if sum(info.file_size for info in infos) > MAX_BATCH_BYTES:
            return [], refused(f"压缩包解压后超过 {MAX_BATCH_BYTES // 2**20} MB，请分批导入。")
        for info in infos:
            name = _zip_name(info)
            if _ignorable(name):
                continue
            if info.file_size > MAX_FILE_BYTES:
                problems += refused(
                    f"文件超过 {MAX_FILE_BYTES // 2**20} MB，不像是一个人的任免审批表。", name
                )
                continue
            try:
                members.append(BatchFile(name, archive.read(info)))
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError):
                problems += refused("无法解压（压缩包已损坏或加密）。", name)
    return members, problems


def _zip_name(info: zipfile.ZipInfo) -> str:
    """Member names from Chinese Windows zips are GBK with the UTF-8 flag unset."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


# ---------------------------------------------------------------------------------------------
# JSON, for keeping a parsed batch between upload and confirmation


_TEXT_FIELDS = tuple(f.name for f in dataclass_fields(FormRecord) if f.type in ("str", str))


def record_to_json(record: FormRecord) -> dict[str, object]:
    def date(value: PartialDate | None) -> list[int | None] | None:
        return [value.year, value.month, value.day] if value else None

    return {
        **{name: getattr(record, name) for name in _TEXT_FIELDS},
        "birth": date(record.birth),
        "party_join": date(record.party_join),
        "work_start": date(record.work_start),
        "age_date": date(record.age_date),
        "filled_date": date(record.filled_date),
        "full_time": list(vars(record.full_time).values()),
        "in_service": list(vars(record.in_service).values()),
        "resume": [
            [date(line.start), date(line.end), line.text, list(line.details)]
            for line in record.resume
        ],
        "reviews": [[review.year, review.rating] for review in record.reviews],
        "family": [list(vars(member).values()) for member in record.family],
        "photo": base64.b64encode(record.photo).decode("ascii"),
        "extra": list(record.extra),
    }


def record_from_json(data: dict[str, object]) -> FormRecord:
    def date(value: object) -> PartialDate | None:
        return PartialDate(*value) if isinstance(value, list) else None  # type: ignore[arg-type]

    plain = {name: data[name] for name in _TEXT_FIELDS}
    return FormRecord(
        **plain,  # type: ignore[arg-type]
        birth=date(data["birth"]),
        party_join=date(data["party_join"]),
        work_start=date(data["work_start"]),
        age_date=date(data["age_date"]),
        filled_date=date(data["filled_date"]),
        full_time=Education(*data["full_time"]),  # type: ignore[misc]
        in_service=Education(*data["in_service"]),  # type: ignore[misc]
        resume=tuple(
            ResumeLine(date(start), date(end), text, tuple(details))
            for start, end, text, details in data["resume"]  # type: ignore[attr-defined]
        ),
        reviews=tuple(AnnualReview(y, r) for y, r in data["reviews"]),  # type: ignore[attr-defined]
        family=tuple(FamilyMember(*m) for m in data["family"]),  # type: ignore[attr-defined]
        photo=base64.b64decode(str(data["photo"])),
        extra=tuple(data["extra"]),  # type: ignore[arg-type]
    )
