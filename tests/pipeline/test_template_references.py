"""Document templates that reach outside the file (issue #8.10) are refused: a remote image, a
remote or file:// attachedTemplate, fields that fetch (INCLUDEPICTURE, INCLUDETEXT, LINK…)."""

import io
import zipfile

import pytest

from tests.conftest import Personas
from zhongjian.core.errors import ValidationError
from zhongjian.pipeline.choices import DocumentKind
from zhongjian.pipeline.documents import (
    PLACEHOLDERS,
    default_template,
    external_references,
    render_docx,
    validate_template,
)
from zhongjian.pipeline.services.documents import template_upload

KIND = DocumentKind.DECLINE_STATEMENT


def _patched(template: bytes, edits: dict[str, "bytes | callable"]) -> bytes:  # type: ignore[valid-type]
    """TEMPLATE with parts replaced (bytes) or transformed (a function of the old bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, zipfile.ZipFile(out, "w") as target:
        names = set(source.namelist())
        for name in source.namelist():
            data = source.read(name)
            edit = edits.get(name)
            target.writestr(
                name, edit(data) if callable(edit) else edit if edit is not None else data
            )
        for name, edit in edits.items():
            if name not in names:
                target.writestr(name, edit if isinstance(edit, bytes) else edit(b""))
    return out.getvalue()


def _in_body(xml: bytes) -> "callable":  # type: ignore[valid-type]
    return lambda data: data.replace(b"<w:body>", b"<w:body>" + xml, 1)


def _add_rel(rel: bytes) -> "callable":  # type: ignore[valid-type]
    return lambda data: data.replace(b"</Relationships>", rel + b"</Relationships>", 1)


REMOTE_IMAGE = {
    "word/_rels/document.xml.rels": _add_rel(
        b'<Relationship Id="rIdX1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/image" Target="http://attacker.example/p.png" TargetMode="External"/>'
    )
}
ATTACHED_TEMPLATE = {
    "word/_rels/settings.xml.rels": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas'
        b'.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdT" Type="http://schemas'
        b'.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
        b'Target="file://fileserver/share/t.dotm" TargetMode="External"/></Relationships>'
    ),
    "word/settings.xml": lambda data: data.replace(
        b"</w:settings>",
        b'<w:attachedTemplate xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships" r:id="rIdT"/></w:settings>',
        1,
    ),
}
# INCLUDEPICTURE split over two runs, as Word writes it after an edit.
INCLUDE_PICTURE = {
    "word/document.xml": _in_body(
        b'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        b'<w:r><w:instrText xml:space="preserve"> INCLUDE</w:instrText></w:r>'
        b'<w:r><w:instrText>PICTURE "http://attacker.example/x.png" \\d </w:instrText></w:r>'
        b'<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
}
SIMPLE_LINK = {
    "word/document.xml": _in_body(
        b'<w:p><w:fldSimple w:instr=" LINK Excel.Sheet.12 \\\\\\\\server\\\\s.xlsx A1 "/></w:p>'
    )
}
INCLUDE_TEXT_IN_FOOTER = {
    "word/document.xml": _in_body(
        b'<w:p><w:fldSimple w:instr="INCLUDETEXT &quot;C:\\\\x.docx&quot;"/></w:p>'
    )
}


@pytest.mark.parametrize(
    ("edits", "needle"),
    [
        (REMOTE_IMAGE, "attacker.example"),
        (ATTACHED_TEMPLATE, "attachedTemplate"),
        (INCLUDE_PICTURE, "INCLUDEPICTURE"),
        (SIMPLE_LINK, "LINK"),
        (INCLUDE_TEXT_IN_FOOTER, "INCLUDETEXT"),
    ],
    ids=["remote-image", "attached-template", "includepicture", "link", "includetext"],
)
def test_crafted_templates_are_refused(edits: dict, needle: str) -> None:
    """Each crafted template is refused with a message naming what reaches outside; rendering
    one that slipped in earlier is refused too."""
    crafted = _patched(default_template(kind=KIND), edits)
    problems = validate_template(template=crafted, allowed=set(PLACEHOLDERS[KIND]))
    assert any(needle in problem for problem in problems), problems
    with pytest.raises(ValidationError):
        render_docx(template=crafted, context={key: "x" for key in PLACEHOLDERS[KIND]})


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_shipped_templates_reach_nothing_outside(kind: DocumentKind) -> None:
    """The templates Zhongjian ships pass; a plain HYPERLINK-free body has no fetching field."""
    assert external_references(template=default_template(kind=kind)) == []


@pytest.mark.django_db
def test_upload_refuses_a_remote_template(personas: Personas) -> None:
    """Through the service: the upload is refused and nothing is stored."""
    crafted = _patched(default_template(kind=KIND), ATTACHED_TEMPLATE)
    with pytest.raises(ValidationError) as refused:
        template_upload(
            actor=personas.org,
            county=personas.county,
            kind=KIND,
            filename="说明.docx",
            content=crafted,
        )
    assert "attachedTemplate" in refused.value.message
