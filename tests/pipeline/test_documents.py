"""Tests of .docx generation from templates."""

import io
import itertools
import zipfile

import docx
import pytest
from docx.blkcntnr import BlockItemContainer
from docx.document import Document
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.text.paragraph import Paragraph
from hypothesis import given, settings
from hypothesis import strategies as st

from zhongjian.core.errors import ValidationError
from zhongjian.pipeline import documents
from zhongjian.pipeline.choices import DocumentKind
from zhongjian.pipeline.doc_template_build import build_templates
from zhongjian.pipeline.documents import (
    PLACEHOLDER,
    PLACEHOLDERS,
    default_template,
    family_member_key,
    render_docx,
    template_placeholders,
    validate_template,
)


def saved(document: Document) -> bytes:
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def opened(blob: bytes) -> Document:
    return docx.Document(io.BytesIO(blob))


def all_text(document: Document) -> str:
    """Every paragraph of the body, its tables (nested too), headers and footers."""
    texts: list[str] = []

    def walk(container: Document | BlockItemContainer) -> None:
        texts.extend(paragraph.text for paragraph in container.paragraphs)
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)

    walk(document)
    for section in document.sections:
        for part in (
            section.header,
            section.footer,
            section.first_page_header,
            section.first_page_footer,
        ):
            walk(part)
    return "\n".join(texts)


def split_runs(paragraph: Paragraph, pieces: list[str]) -> None:
    """Add `pieces` as runs, alternating bold, with a spelling mark between them as Word does."""
    for index, piece in enumerate(pieces):
        paragraph.add_run(piece).bold = index % 2 == 0
        paragraph._p.append(OxmlElement("w:proofErr"))


def word_like_template() -> bytes:
    """A template whose placeholders Word split over runs in body, nested table, header, footer."""
    document = docx.Document()
    split_runs(document.add_paragraph(), ["申请人：{", "{姓", "名}", "}，特此报告。"])
    outer = document.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "单位"
    inner = outer.cell(0, 1).add_table(rows=1, cols=1)
    split_runs(inner.cell(0, 0).paragraphs[0], ["{{ 工作", "单位 }}"])
    section = document.sections[0]
    split_runs(section.header.paragraphs[0], ["{{姓名}", "}的辞职报告"])
    section.different_first_page_header_footer = True
    section.first_page_footer.paragraphs[0].text = "第一页 {{日期}}"
    split_runs(section.footer.paragraphs[0], ["{{日", "期}}"])
    return saved(document)


CONTEXT = {"姓名": "李明", "工作单位": "青山镇人民政府", "日期": "2024年10月8日"}


def test_split_placeholders_are_filled_everywhere() -> None:
    """Placeholders split across runs are found in body, nested tables, headers and footers."""
    assert template_placeholders(template=word_like_template()) == set(CONTEXT)
    document = opened(render_docx(template=word_like_template(), context=CONTEXT))
    text = all_text(document)
    assert "申请人：李明，特此报告。" in text
    assert "青山镇人民政府" in text
    assert "李明的辞职报告" in text
    assert "第一页 2024年10月8日" in text
    assert "{" not in text
    assert "}" not in text


def test_value_takes_the_formatting_of_the_run_where_the_placeholder_starts() -> None:
    """The bold run that held "{" now holds the name; the text around keeps its own runs."""
    document = opened(render_docx(template=word_like_template(), context=CONTEXT))
    runs = document.paragraphs[0].runs
    assert [(run.text, run.bold) for run in runs if run.text] == [
        ("申请人：李明", True),
        ("，特此报告。", False),
    ]


def test_text_boxes_are_paragraphs_of_their_own() -> None:
    """A text box inside a paragraph is filled on its own and does not split the outer text."""
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("{{")
    paragraph._p.append(
        parse_xml(
            f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml">'
            "<w:pict><v:shape><v:textbox><w:txbxContent>"
            "<w:p><w:r><w:t>{{乙}}</w:t></w:r></w:p>"
            "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
        )
    )
    paragraph.add_run("甲}}")
    rendered = opened(render_docx(template=saved(document), context={"甲": "外", "乙": "内"}))
    [outer] = rendered.paragraphs
    assert outer.text == "外"
    assert [node.text for node in outer._p.iter(qn("w:t")) if node.text] == ["外", "内"]


def test_line_breaks_and_tabs_in_values_become_breaks_and_tabs() -> None:
    """A multi-line 简历 keeps its lines; Windows line ends and control characters are cleaned."""
    document = docx.Document()
    document.add_paragraph("简历：{{简历}}。")
    resume = "2009.07—2012.08\t青山镇科员\r\n2012.08—\x0b2024.10\t青山镇党政办主任"
    rendered = opened(render_docx(template=saved(document), context={"简历": resume}))
    assert rendered.paragraphs[0].text == (
        "简历：2009.07—2012.08\t青山镇科员\n2012.08—2024.10\t青山镇党政办主任。"
    )
    run = rendered.paragraphs[0]._p.r_lst[0]
    assert len(run.findall(qn("w:br"))) == 1
    assert len(run.findall(qn("w:tab"))) == 2


def test_spaces_at_the_edges_of_values_survive() -> None:
    """Values keep their leading and trailing spaces (xml:space="preserve")."""
    document = docx.Document()
    document.add_paragraph("[{{甲}}]")
    rendered = opened(render_docx(template=saved(document), context={"甲": "  两个空格  "}))
    assert rendered.paragraphs[0].text == "[  两个空格  ]"


def test_missing_values_are_refused() -> None:
    """A placeholder without a value stops the rendering and is named in the message."""
    with pytest.raises(ValidationError) as caught:
        render_docx(template=word_like_template(), context={"姓名": "李明"})
    assert caught.value.errors == ["工作单位", "日期"]
    assert "{{工作单位}}、{{日期}}" in caught.value.message


def test_extra_values_are_ignored() -> None:
    """A context may carry more keys than the template uses."""
    blob = render_docx(template=word_like_template(), context={**CONTEXT, "籍贯": "湖南长沙"})
    assert "湖南长沙" not in all_text(opened(blob))


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_default_templates_use_exactly_their_declared_placeholders(kind: DocumentKind) -> None:
    """Each shipped template uses every declared placeholder and no other, and validates."""
    template = default_template(kind=kind)
    assert template_placeholders(template=template) == PLACEHOLDERS[kind]
    assert validate_template(template=template, allowed=set(PLACEHOLDERS[kind])) == []


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_default_templates_render_every_value(kind: DocumentKind) -> None:
    """Every value shows up in the generated document and no placeholder is left."""
    context = {key: f"〔{key}的值〕" for key in PLACEHOLDERS[kind]}
    text = all_text(opened(render_docx(template=default_template(kind=kind), context=context)))
    assert all(value in text for value in context.values())
    assert "{{" not in text


def test_appointment_form_carries_the_cadre_record() -> None:
    """The 任免审批表 shows the record in its cells, 简历 line by line, family in rows."""
    context = dict.fromkeys(PLACEHOLDERS[DocumentKind.APPOINTMENT_FORM], "")
    context |= {
        "姓名": "王芳",
        "出生年月": "1986.03\n（38岁）",
        "简历": "2008.07—2013.05  青山镇科员\n2013.05—  青山镇党政办主任",
        family_member_key(row=1, field="称谓"): "丈夫",
        family_member_key(row=1, field="工作单位及职务"): "县第一中学教师",
    }
    blob = render_docx(
        template=default_template(kind=DocumentKind.APPOINTMENT_FORM), context=context
    )
    document = opened(blob)
    first, second = document.tables
    assert first.cell(0, 0).text == "姓名"
    assert first.cell(0, 1).text == "王芳"
    assert first.cell(0, 5).text == "1986.03\n（38岁）"
    assert first.cell(9, 0).text == "简历"
    assert first.cell(9, 1).text.splitlines() == [
        "2008.07—2013.05  青山镇科员",
        "2013.05—  青山镇党政办主任",
    ]
    assert [second.cell(3, column).text for column in range(1, 6)] == [
        "称谓",
        "姓名",
        "年龄",
        "政治面貌",
        "工作单位及职务",
    ]
    assert second.cell(4, 1).text == "丈夫"
    assert second.cell(4, 5).text == "县第一中学教师"


def test_appointment_form_has_the_standard_labels_and_page_setup() -> None:
    """The form is A4 with 宋体 for Chinese text and carries the standard form's labels."""
    document = opened(default_template(kind=DocumentKind.APPOINTMENT_FORM))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    fonts = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    fonts = fonts.find(qn("w:rPr")).find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    assert fonts.get(qn("w:eastAsiaTheme")) is None
    labels = all_text(document).replace("\n", "")
    for label in (
        "干部任免审批表",
        "出生年月（岁）",
        "入党时间",
        "参加工作时间",
        "健康状况",
        "专业技术职务",
        "熟悉专业有何专长",
        "学历学位",
        "全日制教育",
        "在职教育",
        "毕业院校系及专业",
        "现任职务",
        "拟任职务",
        "拟免职务",
        "奖惩情况",
        "年度考核结果",
        "任免理由",
        "家庭主要成员及重要社会关系",
        "呈报单位",
        "审批机关意见",
        "行政机关任免意见",
    ):
        assert label in labels, label


def test_shipped_templates_match_the_build_script() -> None:
    """The .docx files in the package are what doc_template_build writes today."""
    for kind, blob in build_templates().items():
        with (
            zipfile.ZipFile(io.BytesIO(blob)) as built,
            zipfile.ZipFile(io.BytesIO(default_template(kind=kind))) as shipped,
        ):
            assert built.namelist() == shipped.namelist(), kind
            for name in built.namelist():
                assert built.read(name) == shipped.read(name), (kind, name)


def test_validation_names_unknown_and_broken_placeholders() -> None:
    """A misspelt key and a placeholder missing a brace are both reported in Chinese."""
    document = docx.Document()
    document.add_paragraph("{{姓明}}，{{工作单位}")
    problems = validate_template(template=saved(document), allowed={"姓名", "工作单位"})
    assert problems == [
        "“{{姓明}}，{{工作单位}”中的占位符不完整，应写成 {{名称}} 的形式。",
        "占位符 {{姓明}} 不是本类文书可用的占位符，请检查拼写。",
    ]


def test_validation_refuses_what_is_not_a_docx() -> None:
    """Plain bytes, a zip without a Word document and an old .xlsx-like package are refused."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
    for blob in (b"", b"%PDF-1.7 not a docx", archive.getvalue()):
        [problem] = validate_template(template=blob, allowed=set())
        assert problem.startswith("文件不是有效的 Word 文档（.docx）")


def test_validation_refuses_large_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files over the size limit, packed or unpacked, are refused before parsing."""
    template = word_like_template()
    [problem] = validate_template(template=b"0" * (documents.MAX_TEMPLATE_BYTES + 1), allowed=set())
    assert problem == "模板文件大小为 5.0 MB，超过了 5 MB 的上限。"
    monkeypatch.setattr(documents, "MAX_UNPACKED_BYTES", len(template))
    [problem] = validate_template(template=template, allowed=set(CONTEXT))
    assert problem.startswith("模板文件解压后过大")


# Template text made of CJK, braces and spaces, so that placeholders, near misses and splits
# all occur; keys are drawn from a small set so the same key can appear twice.
TEMPLATE_TEXT = st.lists(
    st.one_of(
        st.sampled_from(["{{甲}}", "{{ 乙 }}", "{{丙丁}}", "{", "}", "{{", "}}", " "]),
        st.text(alphabet="姓名单位 {}", min_size=1, max_size=4),
    ),
    max_size=12,
).map("".join)


@settings(max_examples=40, deadline=None)
@given(text=TEMPLATE_TEXT, cuts=st.lists(st.integers(min_value=0, max_value=60), max_size=8))
def test_rendering_equals_replacing_in_the_plain_text(text: str, cuts: list[int]) -> None:
    """However the text is split into runs, the result is the plain-text replacement."""
    bounds = sorted({0, len(text), *(cut for cut in cuts if cut < len(text))})
    document = docx.Document()
    split_runs(document.add_paragraph(), [text[a:b] for a, b in itertools.pairwise(bounds)])
    template = saved(document)
    keys = {match.group(1) for match in PLACEHOLDER.finditer(text)}
    assert template_placeholders(template=template) == keys
    context = {key: f"<{key}\n值>" for key in keys}
    rendered = opened(render_docx(template=template, context=context))
    expected = PLACEHOLDER.sub(lambda match: context[match.group(1)], text)
    assert rendered.paragraphs[0].text == expected


@settings(max_examples=60)
@given(blob=st.binary(max_size=2048))
def test_validation_never_crashes_on_arbitrary_bytes(blob: bytes) -> None:
    """Any upload gives a list of messages, never an exception."""
    assert validate_template(template=blob, allowed=set())
