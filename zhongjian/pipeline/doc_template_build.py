"""Builds the default document templates: `python -m zhongjian.pipeline.doc_template_build`."""

import io
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt
from docx.table import Table, _Cell
from lxml import etree

from zhongjian.pipeline.choices import DocumentKind
from zhongjian.pipeline.documents import (
    FAMILY_MEMBER_FIELDS,
    FAMILY_MEMBER_ROWS,
    family_member_key,
)

TEMPLATE_DIR = Path(__file__).parent / "data" / "doc_templates"

# GB/T 9704-2012 (党政机关公文格式) 7.3: 仿宋 for the body, 小标宋 for the title. Where the
# GB2312 releases of these faces are missing, Word and WPS fall back to the named alternatives
# (the font table's altName), which Windows ships.
EAST_ASIAN_FONT = "宋体"
BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
FONT_FALLBACKS = {BODY_FONT: "仿宋", TITLE_FONT: "华文中宋", EAST_ASIAN_FONT: "SimSun"}
LATIN_FONT = "Times New Roman"
# Chinese type sizes: 二号 for titles, 三号 for letters, 小四 for the form.
TITLE_SIZE = Pt(22)
LETTER_SIZE = Pt(16)
FORM_SIZE = Pt(12)

# A fixed timestamp for every zip member, so that rebuilding an unchanged template gives the
# same bytes and git sees no change.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_BLANK_SIGNATURE = "（盖章）\n年　　月　　日"


def build_templates() -> dict[DocumentKind, bytes]:
    """The three default templates as .docx bytes."""
    return {kind: _stable_bytes(build()) for kind, build in _BUILDERS.items()}


def main() -> None:
    """Write the default templates into the package's data folder."""
    TEMPLATE_DIR.mkdir(parents=True, exist_ok=True)
    for kind, blob in build_templates().items():
        (TEMPLATE_DIR / f"{kind.value}.docx").write_bytes(blob)


def _resignation_report() -> Document:
    return _letter(
        title="辞职报告",
        body=(
            "本人{{姓名}}，{{性别}}，{{民族}}，{{出生年月}}出生，{{政治面貌}}，{{学历}}，"
            "{{参加工作时间}}参加工作，现任{{工作单位}}{{现任职务}}{{职级}}。",
            # No law is named: 公务员法 第十三章 and the 事业单位 rules both apply in a county
            # where administrative posts are held by staff of either establishment (混编混岗).
            "因{{辞职原因}}，经慎重考虑，本人根据有关规定申请辞去公职。",
            "{{具体情况}}",
            "在组织批准之前，本人将继续履行职责、坚守岗位；批准之后，按规定办理工作交接和离职"
            "手续，并遵守离职后从业限制的有关规定。",
            "恳请组织予以批准。",
        ),
        signer="申请人：{{姓名}}",
    )


def _decline_statement() -> Document:
    return _letter(
        title="关于不接受提拔任职的情况说明",
        body=(
            "本人{{姓名}}，现任{{工作单位}}{{现任职务}}。在{{拟任职务}}的选任工作中，组织拟提拔"
            "本人担任该职务。经慎重考虑，本人不接受此次提拔，现将有关情况说明如下：",
            "一、主要原因：{{不接受原因}}。",
            "二、具体情况：{{具体情况}}",
            "本人感谢组织的信任，将继续做好本职工作。",
            "特此说明。",
        ),
        signer="说明人：{{姓名}}",
    )


def _letter(*, title: str, body: Sequence[str], signer: str) -> Document:
    """A letter to the organization, laid out after the 党政机关公文格式 (GB/T 9704) margins."""
    document = _new_document(title=title, margins=(Mm(37), Mm(26), Mm(35), Mm(28)))
    _paragraph(document, title, size=TITLE_SIZE, font=TITLE_FONT, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "", size=LETTER_SIZE)
    _paragraph(document, "{{呈报机关}}：", size=LETTER_SIZE, font=BODY_FONT)
    for text in body:
        _paragraph(
            document, text, size=LETTER_SIZE, font=BODY_FONT, first_line_indent=LETTER_SIZE * 2
        )
    _paragraph(document, "", size=LETTER_SIZE)
    for text in (signer, "{{日期}}"):
        _paragraph(document, text, size=LETTER_SIZE, font=BODY_FONT, align=WD_ALIGN_PARAGRAPH.RIGHT)
    return document


# Column widths of the 干部任免审批表 grid; they add up to the 170 mm between the margins.
_FORM_COLUMNS = (Mm(21), Mm(24), Mm(21), Mm(24), Mm(25), Mm(24), Mm(31))


def _appointment_form() -> Document:
    """The 干部任免审批表 in the layout of the standard form: personal data and 简历 on the first
    page, 奖惩, 考核, 任免理由, family and the approval boxes on the second."""
    document = _new_document(title="干部任免审批表", margins=(Mm(25), Mm(20), Mm(20), Mm(20)))
    _paragraph(
        document,
        "干部任免审批表",
        size=TITLE_SIZE,
        font=TITLE_FONT,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )

    # Heights leave the 简历 the rest of the first page, as on the printed form.
    first = _form_table(document, rows=(Mm(13),) * 3 + (Mm(12),) * 3 + (Mm(11),) * 3 + (Mm(112),))
    for row, cells in enumerate(
        (
            ("姓名", "{{姓名}}", "性别", "{{性别}}", "出生年月\n（岁）", "{{出生年月}}"),
            ("民族", "{{民族}}", "籍贯", "{{籍贯}}", "出生地", "{{出生地}}"),
            (
                "入党\n时间",
                "{{入党时间}}",
                "参加工作\n时间",
                "{{参加工作时间}}",
                "健康状况",
                "{{健康状况}}",
            ),
        )
    ):
        for column, text in enumerate(cells):
            _put(first, row, column, text, label=column % 2 == 0)
    _put(first, 0, 6, "{{照片}}", to_row=3)
    _put(first, 3, 0, "专业技术\n职务", label=True)
    _put(first, 3, 1, "{{专业技术职务}}", to_column=2)
    _put(first, 3, 3, "熟悉专业\n有何专长", to_column=4, label=True)
    _put(first, 3, 5, "{{熟悉专业有何专长}}")
    _put(first, 4, 0, "学历\n学位", to_row=5, label=True)
    for row, (education, prefix) in enumerate((("全日制\n教育", "全日制"), ("在职\n教育", "在职"))):
        _put(first, 4 + row, 1, education, label=True)
        _put(first, 4 + row, 2, f"{{{{{prefix}学历学位}}}}", to_column=3)
        _put(first, 4 + row, 4, "毕业院校\n系及专业", label=True)
        _put(first, 4 + row, 5, f"{{{{{prefix}毕业院校系及专业}}}}", to_column=6)
    for row, name in enumerate(("现任职务", "拟任职务", "拟免职务", "简历"), start=6):
        _put(first, row, 0, name, label=True)
        _put(first, row, 1, f"{{{{{name}}}}}", to_column=6, align=WD_ALIGN_PARAGRAPH.LEFT)
    first.rows[9].cells[1].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP

    document.add_page_break()
    family_rows = FAMILY_MEMBER_ROWS + 1
    second = _form_table(
        document,
        rows=(Mm(35), Mm(15), Mm(25)) + (Mm(9),) * family_rows + (Mm(28),) * 3,
    )
    for row, name in enumerate(("奖惩情况", "年度考核结果", "任免理由")):
        _put(second, row, 0, name, label=True)
        _put(second, row, 1, f"{{{{{name}}}}}", to_column=6, align=WD_ALIGN_PARAGRAPH.LEFT)
    _put(second, 3, 0, "家庭主要成员及重要社会关系", to_row=3 + FAMILY_MEMBER_ROWS, label=True)
    for column, field in enumerate(FAMILY_MEMBER_FIELDS, start=1):
        last_column = 6 if column == len(FAMILY_MEMBER_FIELDS) else column
        _put(second, 3, column, field, to_column=last_column, label=True)
        for member in range(1, FAMILY_MEMBER_ROWS + 1):
            key = family_member_key(row=member, field=field)
            _put(second, 3 + member, column, f"{{{{{key}}}}}", to_column=last_column)
    approvals = (
        ("呈报单位", "{{呈报单位}}\n" + _BLANK_SIGNATURE),
        ("审批机关\n意见", _BLANK_SIGNATURE),
        ("行政机关\n任免意见", _BLANK_SIGNATURE),
    )
    for row, (name, text) in enumerate(approvals, start=3 + family_rows):
        _put(second, row, 0, name, label=True)
        _put(second, row, 1, text, to_column=6, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, "填表人：{{填表人}}", size=FORM_SIZE)
    return document


def _new_document(*, title: str, margins: tuple[Length, Length, Length, Length]) -> Document:
    """An empty A4 document whose text defaults to 宋体 for Chinese and Times New Roman otherwise.

    `margins` are top, right, bottom, left.
    """
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    (section.top_margin, section.right_margin, section.bottom_margin, section.left_margin) = margins
    properties = document.core_properties
    properties.title = title
    properties.author = "中坚"
    properties.last_modified_by = "中坚"
    properties.language = "zh-CN"

    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = run_defaults.find(qn("w:rFonts"))
    # Theme font attributes win over named fonts, so they go.
    fonts.attrib.clear()
    for attribute, font in (
        ("w:ascii", LATIN_FONT),
        ("w:hAnsi", LATIN_FONT),
        ("w:cs", LATIN_FONT),
        ("w:eastAsia", EAST_ASIAN_FONT),
    ):
        fonts.set(qn(attribute), font)
    run_defaults.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.attrib.clear()
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "360")
    spacing.set(qn("w:lineRule"), "auto")
    _declare_fonts(document)
    return document


def _declare_fonts(document: Document) -> None:
    """Name each Chinese face with its fallback in the font table (w:altName)."""
    part = next(
        p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"
    )
    table = etree.fromstring(part.blob)
    for name, alternative in FONT_FALLBACKS.items():
        font = etree.SubElement(table, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", alternative), ("w:charset", "86"), ("w:family", "modern")):
            etree.SubElement(font, qn(tag)).set(qn("w:val"), value)
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def _paragraph(
    document: Document,
    text: str,
    *,
    size: Length,
    bold: bool = False,
    font: str | None = None,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT,
    first_line_indent: Length | None = None,
) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.first_line_indent = first_line_indent
    run = paragraph.add_run(text)
    run.font.size = size
    run.font.bold = bold
    if font is not None:
        run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _form_table(document: Document, *, rows: Sequence[Length]) -> Table:
    table = document.add_table(rows=len(rows), cols=len(_FORM_COLUMNS))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, _FORM_COLUMNS, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
    for row, height in zip(table.rows, rows, strict=True):
        # At least: a long 简历 or 奖惩情况 may push the row, and the page, further.
        row.height = height
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    return table


def _put(
    table: Table,
    row: int,
    column: int,
    text: str,
    *,
    to_row: int | None = None,
    to_column: int | None = None,
    label: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
) -> _Cell:
    """Write `text` into a cell, merged down to `to_row` and across to `to_column`."""
    cell = table.cell(row, column)
    if to_row is not None or to_column is not None:
        cell = cell.merge(table.cell(row if to_row is None else to_row, to_column or column))
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if label else align
    # Single spacing inside the grid; the 1.5 lines of the letters would not fit the form.
    paragraph.paragraph_format.line_spacing = 1.0
    run = paragraph.add_run(text)
    run.font.size = FORM_SIZE
    return cell


def _stable_bytes(document: Document) -> bytes:
    saved = io.BytesIO()
    document.save(saved)
    stable = io.BytesIO()
    with (
        zipfile.ZipFile(saved) as source,
        zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            target.writestr(
                zipfile.ZipInfo(member.filename, date_time=_ZIP_TIME),
                source.read(member),
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return stable.getvalue()


_BUILDERS: dict[DocumentKind, Callable[[], Document]] = {
    DocumentKind.RESIGNATION_REPORT: _resignation_report,
    DocumentKind.DECLINE_STATEMENT: _decline_statement,
    DocumentKind.APPOINTMENT_FORM: _appointment_form,
}


if __name__ == "__main__":
    main()
