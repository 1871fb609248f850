"""Documents generated from records open in python-docx and carry the cadre's data; uploads."""

import datetime
import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Personas, client_for
from tests.pipeline.conftest import Selection
from zhongjian.core.errors import ValidationError
from zhongjian.core.models import AuditLog
from zhongjian.pipeline.models import DocumentTemplate
from zhongjian.pipeline.services.departures import departure_record, exit_interview_record
from zhongjian.pipeline.services.documents import template_upload
from zhongjian.pipeline.services.selection import candidate_decline

D = datetime.date


def text_of(blob: bytes) -> str:
    document = docx.Document(io.BytesIO(blob))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def download(client, url: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment; filename*=UTF-8''" in response["Content-Disposition"]
    return text_of(response.content)


def test_decline_statement_carries_the_decline(running: Selection) -> None:
    """不接受提拔情况说明: name, unit, current post, offered post, reason and date."""
    decline = candidate_decline(
        actor=running.personas.org,
        candidate=running.first,
        declined_on=D(2024, 8, 3),
        reason="family_care",
        note="父母年迈，需要就近照顾",
    )
    text = download(
        client_for(running.personas.org),
        reverse("pipeline:decline_statement", args=[decline.pk]),
    )
    for expected in (
        "张伟",
        "青石镇",
        "党政综合办公室主任",
        "县财政局副局长",
        "家庭照顾",
        "父母年迈",
        "2024年8月3日",
        "中共示例县委组织部",
    ):
        assert expected in text
    assert "{{" not in text
    assert AuditLog.objects.filter(action="export", object_type="decline").exists()


def test_appointment_form_has_the_record_and_resume(running: Selection) -> None:
    """干部任免审批表: personal data, the posts held, the post proposed and the 简历."""
    text = download(
        client_for(running.personas.org),
        reverse("pipeline:appointment_form", args=[running.first.pk]),
    )
    for expected in (
        "张伟",
        "1985.03",
        "汉族",
        "2007.07",
        "大学本科",
        "县财政局副局长",
        "原副局长退休",
        "2022.03—",
    ):
        assert expected in text


def test_resignation_report_uses_the_exit_interview(personas: Personas) -> None:
    """辞职报告: the cadre's record, the post left and the reasons from the exit interview."""
    departure = departure_record(
        actor=personas.org,
        cadre=personas.cadre_a,
        kind="resignation",
        destination_level="outside",
        departed_on=D(2024, 11, 1),
    )
    exit_interview_record(
        actor=personas.org,
        departure=departure,
        interviewed_on=D(2024, 11, 1),
        reasons=["far_from_home"],
        details="家在外省",
    )
    text = download(
        client_for(personas.org), reverse("pipeline:resignation_report", args=[departure.pk])
    )
    for expected in (
        "张伟",
        "男",
        "1985年3月",
        "中共党员",
        "青石镇",
        "党政综合办公室主任",
        "离家远",
        "家在外省",
        "2024年11月1日",
    ):
        assert expected in text


def test_resignation_report_only_for_resignations(personas: Personas) -> None:
    """A 遴选 departure has no 辞职报告: a Chinese 400."""
    departure = departure_record(
        actor=personas.org,
        cadre=personas.cadre_a,
        kind="upward_selection",
        destination_level="city",
        departed_on=D(2024, 11, 1),
    )
    response = client_for(personas.org).get(
        reverse("pipeline:resignation_report", args=[departure.pk])
    )
    assert response.status_code == 400 and "只有以辞职方式离岗的" in response.text


def custom_template(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def upload(personas: Personas, name: str, content: bytes, kind: str = "decline_statement"):  # type: ignore[no-untyped-def]
    return client_for(personas.org).post(
        reverse("pipeline:templates"),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
    )


def test_uploaded_version_is_used_from_then_on(running: Selection) -> None:
    """An uploaded template becomes version 1 and fills the next document; a second is v2."""
    personas = running.personas
    response = upload(
        personas, "说明.docx", custom_template("本县格式：{{姓名}}因{{不接受原因}}不接受提拔。")
    )
    assert response.status_code == 302
    assert DocumentTemplate.objects.get().version == 1
    assert AuditLog.objects.filter(object_type="document_template").exists()
    decline = candidate_decline(
        actor=personas.org, candidate=running.first, declined_on=D(2024, 8, 3), reason="health"
    )
    text = download(
        client_for(personas.org), reverse("pipeline:decline_statement", args=[decline.pk])
    )
    assert "本县格式：张伟因身体原因不接受提拔。" in text
    upload(personas, "说明2.docx", custom_template("{{姓名}}"))
    assert list(DocumentTemplate.objects.values_list("version", flat=True)) == [2, 1]
    page = client_for(personas.org).get(reverse("pipeline:templates")).text
    assert "正在使用第 2 版" in page
    current = client_for(personas.org).get(
        reverse("pipeline:template_download", args=["decline_statement"])
    )
    assert text_of(current.content) == "{{姓名}}"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("garbage.docx", b"this is not a word file", "不是有效的 Word 文档"),
        ("old.doc", b"\xd0\xcf\x11\xe0", "请上传 .docx 格式"),
        ("typo.docx", custom_template("{{姓 名}}"), "不完整"),
        ("unknown.docx", custom_template("{{身高}}"), "{{身高}} 不是本类文书可用的占位符"),
        ("huge.docx", b"0" * (5 * 1024 * 1024 + 1), "不能超过 5 MB"),
    ],
)
def test_bad_uploads_are_400_in_chinese(
    personas: Personas, name: str, content: bytes, message: str
) -> None:
    """Garbage, old formats, broken or unknown placeholders and oversized files are refused."""
    response = upload(personas, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DocumentTemplate.objects.exists()


def test_only_the_organization_department_uploads(personas: Personas) -> None:
    """A unit head cannot open the template page or upload."""
    response = client_for(personas.head_a).post(
        reverse("pipeline:templates"),
        {"kind": "decline_statement", "file": SimpleUploadedFile("a.docx", custom_template("x"))},
    )
    assert response.status_code == 403


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=2000))
def test_any_bytes_are_refused_cleanly(personas: Personas, content: bytes) -> None:
    """Whatever bytes arrive as a template, the service answers a ValidationError."""
    with pytest.raises(ValidationError):
        template_upload(
            actor=personas.org,
            county=personas.county,
            kind="resignation_report",
            filename="x.docx",
            content=content,
        )
