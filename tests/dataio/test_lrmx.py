"""The .lrmx/.lrm reader and writer: typed records, tolerance, refusals and round trips."""

import base64
import dataclasses
import zipfile

from hypothesis import given
from hypothesis import strategies as st

from tests.dataio.lrmx_fixtures import RESUME, lrm_text, lrmx_xml, tiny_png, zip_of
from zhongjian.dataio import lrmx
from zhongjian.dataio.lrmx import AnnualReview, PartialDate, ResumeLine


def test_lrmx_reads_every_part_of_the_form() -> None:
    """A complete file becomes a typed record: dates, schools, 简历, reviews, family, photo."""
    result = lrmx.read_lrmx(lrmx_xml(), filename="王建国.lrmx")
    assert result.problems == [] and result.warnings == []
    record = result.record
    assert record is not None
    assert (record.name, record.gender, record.ethnicity) == ("王建国", "男", "汉族")
    assert record.birth == PartialDate(1987, 3)
    assert record.party_join == PartialDate(2008, 6)
    assert record.work_start == PartialDate(2009, 7)
    assert record.full_time.level == "大学" and record.in_service.level == "研究生"
    assert record.filled_date == PartialDate(2024, 11, 15)
    assert record.id_number == "510903198703150019"
    assert record.photo == tiny_png()
    assert [member.relation for member in record.family] == ["妻子", "父亲"]
    assert record.family[1].work == "已去世"
    assert record.reviews == (
        AnnualReview(2021, "称职"),
        AnnualReview(2022, "称职"),
        AnnualReview(2023, "优秀"),
    )


def test_resume_lines_keep_their_continuations() -> None:
    """Each dated line opens an entry; a （其间：…） line stays with the entry above; an open
    line has no end."""
    lines = lrmx.parse_resume(RESUME)
    assert [(line.start, line.end) for line in lines] == [
        (PartialDate(2005, 9), PartialDate(2009, 7)),
        (PartialDate(2009, 7), PartialDate(2012, 3)),
        (PartialDate(2012, 3), PartialDate(2016, 5)),
        (PartialDate(2016, 5), None),
    ]
    assert lines[2].text == "青石镇党政综合办公室主任"
    assert lines[2].details == (
        "（其间：2013.09--2015.07 在省委党校在职研究生班经济管理专业学习）",
    )
    assert lines[3].text == "县财政局副局长"


def test_resume_tolerates_other_dashes_and_wrapped_lines() -> None:
    """Em dashes, 至今 and a wrapped line without a date are read; text before any date is kept."""
    lines = lrmx.parse_resume(
        "说明文字\n1998.9—2002.7 某大学学习\n2002.07—至今 县农业农村局科员、\n    办公室副主任"
    )
    assert lines[0] == ResumeLine(start=None, end=None, text="说明文字")
    assert lines[1].start == PartialDate(1998, 9) and lines[1].end == PartialDate(2002, 7)
    assert lines[2].end is None and lines[2].details == ("办公室副主任",)


def test_dates_in_every_spelling_the_editors_use() -> None:
    """yyyyMM, yyyyMMdd, dotted, dashed and 年月 forms are dates; nonsense is an error."""
    assert lrmx.parse_date("200907") == PartialDate(2009, 7)
    assert lrmx.parse_date("20090715") == PartialDate(2009, 7, 15)
    assert lrmx.parse_date("2009.07") == PartialDate(2009, 7)
    assert lrmx.parse_date("2009.7") == PartialDate(2009, 7)
    assert lrmx.parse_date("2009-07-15") == PartialDate(2009, 7, 15)
    assert lrmx.parse_date("2009年7月") == PartialDate(2009, 7)
    assert lrmx.parse_date(" ") is None
    for bad in ("2009.13", "20090231", "七月", "19"):
        try:
            lrmx.parse_date(bad)
        except ValueError:
            continue
        raise AssertionError(bad)


def test_reviews_parse_lists_and_ranges() -> None:
    """Years listed together share a rating; a range covers each year; no year, no review."""
    assert lrmx.parse_reviews("2019—2021年度均为称职，2022年度考核结果为优秀") == (
        AnnualReview(2019, "称职"),
        AnnualReview(2020, "称职"),
        AnnualReview(2021, "称职"),
        AnnualReview(2022, "优秀"),
    )
    assert lrmx.parse_reviews("2020年度考核基本称职") == (AnnualReview(2020, "基本称职"),)
    assert lrmx.parse_reviews("历年考核均为称职") == ()


def test_missing_and_unknown_elements_are_tolerated() -> None:
    """An absent element is empty; an element the reader does not know is kept for writing back."""
    data = lrmx_xml(JiGuan=None, ChuShengDi=None, ZhaoPian=None).replace(
        b"</Person>", "<ZhengZhiMianMao>中共党员</ZhengZhiMianMao></Person>".encode()
    )
    result = lrmx.read_lrmx(data)
    assert result.problems == []
    assert result.record is not None
    assert result.record.native_place == "" and result.record.photo == b""
    assert result.record.extra == ("<ZhengZhiMianMao>中共党员</ZhengZhiMianMao>",)
    written = lrmx.write_lrmx(result.record)
    assert b"<ZhengZhiMianMao>" in written


def test_bad_values_are_named_by_their_element() -> None:
    """A wrong date or ID number is a problem naming the element in Chinese; the rest is read."""
    result = lrmx.read_lrmx(lrmx_xml(ChuShengNianYue="1987年十月", ShenFenZheng="12345"))
    assert any("「出生年月」（ChuShengNianYue）" in p for p in result.problems)
    assert any("「身份证号」" in p for p in result.problems)
    assert not any("12345" in p for p in result.problems[1:])  # an ID is never echoed whole
    assert result.record is not None and result.record.name == "王建国"


def test_broken_xml_is_refused_with_its_position() -> None:
    result = lrmx.read_lrmx("<Person><XingMing>王</Person>".encode())
    assert result.record is None
    assert "不是完整的 XML" in result.problems[0]


def test_xml_bomb_and_external_entities_are_refused() -> None:
    """A billion-laughs DTD and an external entity are refused before anything is expanded."""
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE Person [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b"<Person><XingMing>&c;</XingMing></Person>"
    )
    external = (
        b'<?xml version="1.0"?><!DOCTYPE Person [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<Person><XingMing>&x;</XingMing></Person>"
    )
    for data in (bomb, external):
        result = lrmx.read_lrmx(data)
        assert result.record is None
        assert "DTD" in result.problems[0]


def test_oversized_file_and_wrong_root_are_refused() -> None:
    assert lrmx.read_lrmx(b" " * (lrmx.MAX_FILE_BYTES + 1)).record is None
    result = lrmx.read_lrmx(b"<Root/>")
    assert result.record is None and "<Person>" in result.problems[0]


def test_photo_that_is_not_an_image_is_dropped_with_a_warning() -> None:
    result = lrmx.read_lrmx(lrmx_xml(ZhaoPian=base64.b64encode(b"MZ\x90\x00 exe").decode()))
    assert result.record is not None and result.record.photo == b""
    assert any("照片" in w for w in result.warnings)


def test_legacy_lrm_in_gbk_with_its_photo() -> None:
    """A .lrm's @ and # sub-fields split into the two education rows and the family lists."""
    result = lrmx.read_lrm(lrm_text(), filename="赵敏.lrm", photo=tiny_png())
    assert result.problems == []
    record = result.record
    assert record is not None
    assert record.name == "赵敏" and record.gender == "女"
    assert record.full_time == lrmx.Education(
        "大学", "文学学士", "四川师范大学文学院汉语言文学专业", "四川师范大学文学院"
    )
    assert not record.in_service
    assert [(m.relation, m.name, m.birth) for m in record.family] == [
        ("丈夫", "陈刚", "198908"),
        ("女儿", "陈悦", "201805"),
    ]
    assert record.reviews == (AnnualReview(2022, "优秀"), AnnualReview(2023, "优秀"))
    assert record.photo == tiny_png()
    assert record.resume[-1].end is None


def test_lrm_written_and_read_again_is_the_same_record() -> None:
    record = lrmx.read_lrm(lrm_text(), photo=tiny_png()).record
    assert record is not None
    text, photo = lrmx.write_lrm(record)
    again = lrmx.read_lrm(text, photo=photo).record
    assert again == dataclasses.replace(record, version=again.version if again else "")


def test_lrm_that_is_not_one_is_refused() -> None:
    assert lrmx.read_lrm(lrmx_xml()).record is None
    assert lrmx.read_lrm(b"\xff\xfe\x00garbage\x81").record is None


def test_batch_reads_a_zip_with_gbk_names_and_pairs_pic_files() -> None:
    """A Windows zip (GBK names) of a .lrmx, a .lrm with its .pic, and a stray file."""
    archive = zip_of(
        {
            "青石镇/王建国.lrmx": lrmx_xml(),
            "青石镇/赵敏.lrm": lrm_text(),
            "青石镇/赵敏.pic": tiny_png(),
            "青石镇/说明.txt": b"hello",
        },
        gbk_names=True,
    )
    results = lrmx.read_batch([lrmx.BatchFile("青石镇.zip", archive)])
    by_name = {r.filename: r for r in results}
    assert by_name["青石镇/王建国.lrmx"].record is not None
    assert by_name["青石镇/赵敏.lrm"].record.photo == tiny_png()  # type: ignore[union-attr]
    assert by_name["青石镇/说明.txt"].problems == ["不是 .lrmx 或 .lrm 文件，已跳过。"]


def test_batch_refuses_a_zip_bomb_and_a_broken_zip() -> None:
    """Declared sizes are checked before anything is unpacked."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.lrmx", b"\0" * (lrmx.MAX_FILE_BYTES + 10))
    results = lrmx.read_batch([lrmx.BatchFile("a.zip", buffer.getvalue())])
    assert results[0].record is None and "MB" in results[0].problems[0]
    results = lrmx.read_batch([lrmx.BatchFile("b.zip", b"PK\x03\x04broken")])
    assert results[0].problems == ["不是有效的 .zip 压缩包。"]


# Text a form field may hold: no control characters (XML 1.0 cannot carry them), no surrounding
# spaces (the reader strips them), not the CR the XML parser normalises away.
_text = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters="\ufeff"
    ),
    max_size=12,
).map(str.strip)
_date = st.builds(PartialDate, st.integers(1950, 2030), st.integers(1, 12), st.none())
_line = st.builds(
    ResumeLine,
    start=_date,
    end=st.one_of(st.none(), _date),
    text=_text.filter(lambda t: t and not t.startswith(("（", "("))),
    details=st.just(()),
)
_ratings = st.lists(
    st.tuples(st.integers(2000, 2030), st.sampled_from(lrmx.RATINGS)),
    max_size=4,
    unique_by=lambda pair: pair[0],
)


@st.composite
def records(draw: st.DrawFn) -> lrmx.FormRecord:
    reviews = tuple(AnnualReview(y, r) for y, r in sorted(draw(_ratings)))
    return lrmx.FormRecord(
        name=draw(_text.filter(bool)),
        gender=draw(st.sampled_from(("男", "女"))),
        birth=draw(_date),
        ethnicity=draw(_text),
        native_place=draw(_text),
        work_start=draw(st.one_of(st.none(), _date)),
        full_time=lrmx.Education(draw(_text), draw(_text), draw(_text), draw(_text)),
        current_posts=draw(_text),
        resume=tuple(draw(st.lists(_line, max_size=4))),
        reviews_text=lrmx.format_reviews(reviews),
        reviews=reviews,
        family=tuple(
            lrmx.FamilyMember(draw(_text.filter(bool)), draw(_text), "", draw(_text), draw(_text))
            for _ in range(draw(st.integers(0, 2)))
        ),
        id_number=draw(st.sampled_from(("", "510903198703150019"))),
        photo=draw(st.sampled_from((b"", tiny_png()))),
        version="3.2.1.16",
    )


@given(records())
def test_lrmx_round_trip_keeps_the_record(record: lrmx.FormRecord) -> None:
    """Writing a record and reading it back gives the same record."""
    result = lrmx.read_lrmx(lrmx.write_lrmx(record))
    assert result.problems == []
    assert result.record == record


@given(records())
def test_json_round_trip_keeps_the_record(record: lrmx.FormRecord) -> None:
    assert lrmx.record_from_json(lrmx.record_to_json(record)) == record


@given(st.binary(max_size=300))
def test_reader_never_crashes_on_arbitrary_bytes(data: bytes) -> None:
    """Any bytes give a result with problems or a record, never an exception."""
    for read in (lrmx.read_lrmx, lrmx.read_lrm):
        result = read(data)
        assert result.record is not None or result.problems
