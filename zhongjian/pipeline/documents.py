"""Word (.docx) documents filled in from templates with {{占位符}} placeholders.

python-docx and lxml load where a document is read or written, not with the URLs (forms and
views read only the constants).
"""

from __future__ import annotations

import bisect
import functools
import io
import itertools
import re
import zipfile
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from zhongjian.core.errors import ValidationError
from zhongjian.pipeline.choices import DocumentKind

if TYPE_CHECKING:
    from docx.document import Document
    from lxml import etree


def qn(tag: str) -> str:
    from docx.oxml.ns import qn as name

    return name(tag)


def OxmlElement(tag: str) -> Any:  # noqa: N802 (python-docx's name)
    from docx import oxml

    return oxml.OxmlElement(tag)


# Chinese keys read naturally for the clerks who edit the templates in Word or WPS: {{姓名}}.
# Spaces inside the braces are tolerated because editors like to add them.
PLACEHOLDER = re.compile(r"\{\{\s*([^{}\s]+)\s*\}\}")

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
# A small .docx can unpack to gigabytes (a zip bomb); real templates unpack to well under this.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024

# The parts a clerk edits as text: the body (with its tables, nested too) and every header and
# footer, whichever section or page kind they belong to.
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
_TEXT_PARTS = frozenset({f"{_WML}.document.main+xml", f"{_WML}.header+xml", f"{_WML}.footer+xml"})
_LINE_BREAKS = re.compile(r"\r\n?")
_BREAKS = re.compile(r"([\n\t])")
# Characters XML 1.0 cannot carry; they reach a record only when pasted from odd sources.
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

FAMILY_MEMBER_ROWS = 6
FAMILY_MEMBER_FIELDS = ("称谓", "姓名", "年龄", "政治面貌", "工作单位及职务")


def family_member_key(*, row: int, field: str) -> str:
    """Placeholder key of one cell of the 家庭主要成员 table, rows counted from 1: 家庭成员1姓名."""
    return f"家庭成员{row}{field}"


# The placeholders each kind of document may use; uploads are validated against these and the
# service fills every one of them (with an empty string where the record has nothing).
PLACEHOLDERS: Mapping[DocumentKind, frozenset[str]] = {
    DocumentKind.RESIGNATION_REPORT: frozenset(
        {
            "呈报机关",
            "姓名",
            "性别",
            "民族",
            "出生年月",
            "政治面貌",
            "学历",
            "参加工作时间",
            "工作单位",
            "现任职务",
            "职级",
            "辞职原因",
            "具体情况",
            "日期",
        }
    ),
    DocumentKind.DECLINE_STATEMENT: frozenset(
        {
            "呈报机关",
            "姓名",
            "工作单位",
            "现任职务",
            "拟任职务",
            "不接受原因",
            "具体情况",
            "日期",
        }
    ),
    DocumentKind.APPOINTMENT_FORM: frozenset(
        {
            "姓名",
            "性别",
            "出生年月",
            "民族",
            "籍贯",
            "出生地",
            "入党时间",
            "参加工作时间",
            "健康状况",
            "专业技术职务",
            "熟悉专业有何专长",
            "全日制学历学位",
            "全日制毕业院校系及专业",
            "在职学历学位",
            "在职毕业院校系及专业",
            "现任职务",
            "拟任职务",
            "拟免职务",
            "简历",
            "奖惩情况",
            "年度考核结果",
            "任免理由",
            "呈报单位",
            "填表人",
            "照片",
            *(
                family_member_key(row=row, field=field)
                for row in range(1, FAMILY_MEMBER_ROWS + 1)
                for field in FAMILY_MEMBER_FIELDS
            ),
        }
    ),
}


def default_template(*, kind: DocumentKind) -> bytes:
    """The template shipped with Zhongjian for `kind`, used until the department uploads its own."""
    return (
        resources.files("zhongjian.pipeline") / "data" / "doc_templates" / f"{kind.value}.docx"
    ).read_bytes()


PHOTO_WIDTH_MM = 25
_IMAGE_MARK = "\ue000"


def render_docx(
    *,
    template: bytes,
    context: Mapping[str, str],
    images: Mapping[str, bytes] | None = None,
) -> bytes:
    """Fill every placeholder of `template` with its value from `context`.

    A placeholder named in `images` becomes that picture (a JPEG or PNG photo, 25 mm wide) where
    it stands; a picture the image library cannot read leaves the placeholder's text value.

    A placeholder that Word split over several runs (after an edit, a spelling mark or a format
    change) is still found; its value takes the formatting of the run where the placeholder
    starts. Line breaks and tabs in a value become real breaks and tabs. A placeholder without a
    value is refused rather than printed, so no document leaves with "{{…}}" in it.
    """
    document = _open(template)
    # Templates stored before external references were refused are checked again here.
    if outside := external_references(template=template):
        raise ValidationError(" ".join(outside), errors=outside)
    missing = sorted(_placeholders(document).difference(context))
    if missing:
        raise ValidationError(
            _("模板中有占位符没有对应的数据：%(keys)s。")
            % {"keys": "、".join(f"{{{{{key}}}}}" for key in missing)},
            errors=missing,
        )
    marked = dict(context)
    for key in images or {}:
        marked[key] = f"{_IMAGE_MARK}{key}{_IMAGE_MARK}"
    for nodes, text in _paragraphs(document):
        _fill(nodes=nodes, text=text, context=marked)
    if images:
        _place_images(document, images=images, context=context)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def _place_images(
    document: Document, *, images: Mapping[str, bytes], context: Mapping[str, str]
) -> None:
    for part in document.part.package.iter_parts():
        if part.content_type not in _TEXT_PARTS:
            continue
        for node in list(part.element.iter(qn("w:t"))):
            if not node.text or _IMAGE_MARK not in node.text:
                continue
            before, key, after = node.text.split(_IMAGE_MARK, 2)
            try:
                from docx.shared import Mm

                inline = part.new_pic_inline(io.BytesIO(images[key]), width=Mm(PHOTO_WIDTH_MM))
            except Exception:  # an unreadable picture: python-docx raises several kinds
                _write(node, before + context.get(key, "") + after)
                continue
            _write(node, before + after)
            run = OxmlElement("w:r")
            drawing = OxmlElement("w:drawing")
            drawing.append(inline)
            run.append(drawing)
            node.getparent().addnext(run)


def template_placeholders(*, template: bytes) -> set[str]:
    """The placeholder keys `template` uses, wherever they are and however Word split them."""
    return _placeholders(_open(template))


# Field codes that make Word fetch or embed something from elsewhere when the document opens or
# its fields update (a remote picture, another file's text, a DDE link to a program).
_FETCHING_FIELDS = re.compile(
    r"\b(INCLUDEPICTURE|INCLUDETEXT|INCLUDE|LINK|DDE|DDEAUTO|IMPORT|AUTOTEXTLIST|DATABASE)\b",
    re.IGNORECASE,
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


# No entities, no DTDs, no network: the parts of an uploaded file are untrusted.
@functools.cache
def _safe_xml() -> etree.XMLParser:
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def external_references(*, template: bytes) -> list[str]:
    """Everything in TEMPLATE that reaches outside the file (issue #8.10), as messages: external
    relationships (TargetMode="External": a remote image, a linked object, a hyperlink), an
    attached template (attachedTemplate, which Word loads from its path or URL, even file://),
    frames of other files, and field codes that fetch (INCLUDEPICTURE, INCLUDETEXT, LINK, DDE…).

    A generated document copies its template, so whoever opened it would make that request, or
    send their Windows credentials to that address. Such templates are refused, never repaired.
    """
    from lxml import etree

    problems: list[str] = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(template))
    except zipfile.BadZipFile:
        return []  # _open reports a damaged file
    with archive:
        for info in archive.infolist():
            name = info.filename
            if not name.endswith((".rels", ".xml")):
                continue
            try:
                root = etree.fromstring(archive.read(info), _safe_xml())
            except etree.XMLSyntaxError:
                continue  # _open reports broken XML where it matters
            if name.endswith(".rels"):
                for rel in root.iter(f"{{{_REL}}}Relationship"):
                    kind = rel.get("Type", "").rsplit("/", 1)[-1]
                    if (
                        rel.get("TargetMode", "").lower() == "external"
                        or kind == "attachedTemplate"
                    ):
                        problems.append(
                            _("模板引用了外部地址（%(kind)s：%(target)s），请删除后再上传。")
                            % {"kind": kind, "target": rel.get("Target", "")[:80]}
                        )
                continue
            if root.find(f".//{{{_W}}}attachedTemplate") is not None:
                problems.append(
                    _("模板附加了外部模板（attachedTemplate），请在 Word 中取消后再上传。")
                )
            if root.find(f".//{{{_W}}}frameset") is not None:
                problems.append(_("模板含有框架（frameset），会载入其他文件，请删除后再上传。"))
            codes = [
                "".join(t.text or "" for t in paragraph.iter(f"{{{_W}}}instrText"))
                for paragraph in root.iter(f"{{{_W}}}p")
            ]
            codes += [field.get(f"{{{_W}}}instr", "") for field in root.iter(f"{{{_W}}}fldSimple")]
            for code in codes:
                if found := _FETCHING_FIELDS.search(code):
                    problems.append(
                        _("模板含有会从外部取数据的域代码 %(field)s，请删除该域后再上传。")
                        % {"field": found.group(1).upper()}
                    )
    return list(dict.fromkeys(problems))


def validate_template(*, template: bytes, allowed: set[str]) -> list[str]:
    """Problems that make `template` unusable, as messages for the clerk; empty when it is fine."""
    try:
        document = _open(template)
    except ValidationError as error:
        return [error.message]
    problems = external_references(template=template)
    for _nodes, text in _paragraphs(document):
        rest = PLACEHOLDER.sub("", text)
        if "{{" in rest or "}}" in rest:
            problems.append(
                _("“%(text)s”中的占位符不完整，应写成 {{名称}} 的形式。") % {"text": text.strip()}
            )
    problems.extend(
        _("占位符 {{%(key)s}} 不是本类文书可用的占位符，请检查拼写。") % {"key": key}
        for key in sorted(_placeholders(document) - allowed)
    )
    return problems


def _open(template: bytes) -> Document:
    if len(template) > MAX_TEMPLATE_BYTES:
        raise ValidationError(
            _("模板文件大小为 %(size).1f MB，超过了 %(limit).0f MB 的上限。")
            % {"size": len(template) / 2**20, "limit": MAX_TEMPLATE_BYTES / 2**20}
        )
    try:
        with zipfile.ZipFile(io.BytesIO(template)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise _not_docx() from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ValidationError(_("模板文件解压后过大，请删除其中的大图片后再上传。"))
    import docx

    try:
        return docx.Document(io.BytesIO(template))
    # python-docx, zipfile and lxml raise many kinds of errors on a damaged or foreign package
    # (another Office format, missing parts, broken XML); each means the upload is unusable.
    except Exception:
        raise _not_docx() from None


def _not_docx() -> ValidationError:
    return ValidationError(
        _(
            "文件不是有效的 Word 文档（.docx）。如是 .doc 或 .wps 文件，"
            "请用 Word 或 WPS 另存为 .docx 后再上传。"
        )
    )


def _placeholders(document: Document) -> set[str]:
    return {
        match.group(1)
        for _nodes, text in _paragraphs(document)
        for match in PLACEHOLDER.finditer(text)
    }


def _paragraphs(document: Document) -> Iterator[tuple[list[etree._Element], str]]:
    """The non-empty text nodes (w:t) of each paragraph, in reading order, and their text.

    Working on w:t rather than python-docx runs also reaches text inside hyperlinks, tracked
    insertions and content controls. A text box inside a paragraph is its own paragraph.
    """
    for part in document.part.package.iter_parts():
        if part.content_type not in _TEXT_PARTS:
            continue
        for paragraph in list(part.element.iter(qn("w:p"))):
            nodes = [
                node
                for node in paragraph.iter(qn("w:t"))
                if node.text and next(node.iterancestors(qn("w:p"))) is paragraph
            ]
            if nodes:
                yield nodes, "".join(node.text for node in nodes)


def _fill(*, nodes: list[etree._Element], text: str, context: Mapping[str, str]) -> None:
    starts = [0, *itertools.accumulate(len(node.text) for node in nodes[:-1])]
    # From the last placeholder backwards: an edit only touches text at or after its own start,
    # so the offsets of the placeholders still to be replaced stay valid.
    for match in reversed(list(PLACEHOLDER.finditer(text))):
        first = bisect.bisect_right(starts, match.start()) - 1
        last = bisect.bisect_right(starts, match.end() - 1) - 1
        head = nodes[first].text[: match.start() - starts[first]]
        tail = nodes[last].text[match.end() - starts[last] :]
        value = _XML_INVALID.sub("", _LINE_BREAKS.sub("\n", context[match.group(1)]))
        _put(nodes[first], before=head, value=value, after=tail if first == last else "")
        if last > first:
            for node in nodes[first + 1 : last]:
                _write(node, "")
            _write(nodes[last], tail)


def _put(node: etree._Element, *, before: str, value: str, after: str) -> None:
    """Write `before + value + after` into `node`, the value's breaks as w:br and w:tab."""
    pieces = _BREAKS.split(value)
    pieces[0] = before + pieces[0]
    pieces[-1] += after
    _write(node, pieces[0])
    anchor = node
    for separator, piece in zip(pieces[1::2], pieces[2::2], strict=True):
        mark = OxmlElement("w:br" if separator == "\n" else "w:tab")
        anchor.addnext(mark)
        anchor = OxmlElement("w:t")
        _write(anchor, piece)
        mark.addnext(anchor)


def _write(node: etree._Element, text: str) -> None:
    node.text = text
    # Without this Word drops the spaces at either end of the text.
    node.set(qn("xml:space"), "preserve")
