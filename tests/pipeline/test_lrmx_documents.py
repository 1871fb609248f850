"""A candidate's 干部任免审批表 as .lrmx and .docx: one record, the same content."""

import io
import zipfile

from django.urls import reverse

from tests.conftest import client_for
from tests.pipeline.conftest import Selection
from zhongjian.dataio import lrmx


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
