"""A candidate's 干部任免审批表 as .lrmx and .docx: one record, the same content."""

import io
import zipfile

from django.urls import reverse

from tests.conftest import Personas, client_for
from tests.pipeline.conftest import Selection
from zhongjian.dataio import lrmx
from zhongjian.pipeline.models import Departure


def test_candidate_lrmx_and_docx_agree(running: Selection) -> None:
    """A candidate's .lrmx and .docx carry the same 拟任 and 拟免; the docx has the photo box."""
    sel = running
    org = sel.personas.org
    candidate = sel.first
    client = client_for(org)
    lrmx_answer = client.get(reverse("pipeline:candidate_lrmx", args=[candidate.pk]))
    record = lrmx.read_lrmx(lrmx_answer.content).record
    assert record is not None
    assert record.proposed_posts == "县财政局副局长"
    assert record.removed_posts == "青石镇党政综合办公室主任"
    docx_answer = client.get(reverse("pipeline:appointment_form", args=[candidate.pk]))
    with zipfile.ZipFile(io.BytesIO(docx_answer.content)) as archive:
        body = archive.read("word/document.xml").decode()
    assert "县财政局副局长" in body and "青石镇党政综合办公室主任" in body
    assert "青石镇青石镇" not in body
    zipped = client.get(reverse("pipeline:process_candidates_lrmx", args=[sel.process.pk]))
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
        assert len(archive.namelist()) == 3
    assert client_for(sel.personas.head_a).get(
        reverse("pipeline:candidate_lrmx", args=[candidate.pk])
    ).status_code in (403, 404)


def _docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("word/document.xml").decode()


def test_resignation_report_comes_before_the_departure(personas: Personas) -> None:
    """The 辞职报告 is drafted while the cadre still holds the post, names the post once with its
    unit, and registers nothing."""
    url = reverse("pipeline:resignation_application", args=[personas.cadre_a.pk])
    client = client_for(personas.org)
    assert client.get(url).status_code == 200
    answer = client.post(
        url, {"on": "2024-11-01", "reasons": ["far_from_home"], "details": "家在外省"}
    )
    assert answer.status_code == 200
    text = _docx_text(answer.content)
    assert "现任青石镇党政综合办公室主任" in text and "青石镇青石镇" not in text
    assert "家在外省" in text and "2024年11月1日" in text
    assert not Departure.objects.exists()
    assert client.post(url, {"on": "", "reasons": ["nope"]}).status_code == 400
    assert client_for(personas.head_a).get(url).status_code == 403
    assert client_for(personas.outsider_org).get(url).status_code == 404


def test_the_photo_is_placed_in_the_form() -> None:
    """The {{照片}} box takes the photo as a picture; without one it keeps the word 照片."""
    from tests.dataio.lrmx_fixtures import tiny_png
    from zhongjian.pipeline.choices import DocumentKind
    from zhongjian.pipeline.documents import PLACEHOLDERS, default_template, render_docx

    template = default_template(kind=DocumentKind.APPOINTMENT_FORM)
    context = dict.fromkeys(PLACEHOLDERS[DocumentKind.APPOINTMENT_FORM], "")
    with_photo = render_docx(template=template, context=context, images={"照片": tiny_png()})
    with zipfile.ZipFile(io.BytesIO(with_photo)) as archive:
        assert any(name.startswith("word/media/") for name in archive.namelist())
        assert "<w:drawing>" in archive.read("word/document.xml").decode()
    without = render_docx(template=template, context={**context, "照片": "照片"})
    assert "照片" in _docx_text(without)
