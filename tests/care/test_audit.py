"""Every read of a note, a request text or a screening result leaves an audit row."""

import datetime

import pytest

from tests.conftest import Personas, bearer, client_for
from zhongjian.care import services
from zhongjian.care.choices import Instrument
from zhongjian.care.models import Case
from zhongjian.core.models import AuditAction, AuditLog

pytestmark = pytest.mark.django_db


def reads() -> list[tuple[str, str]]:
    return list(
        AuditLog.objects.filter(action=AuditAction.READ)
        .order_by("id")
        .values_list("object_type", "actor_username")
    )


def test_page_view_audits_each_item(personas: Personas, case: Case) -> None:
    """Opening the case page writes one read row for the request text, each note and each
    screening; summaries name the case reference, never the content."""
    services.screening_record(
        counselor=personas.counselor,
        case=case,
        instrument=Instrument.GAD7,
        answers=[2] * 7,
        consent=True,
        on=datetime.date(2026, 11, 20),
    )
    AuditLog.objects.filter(action=AuditAction.READ)  # nothing read yet
    assert reads() == []
    response = client_for(personas.counselor).get(f"/care/cases/{case.pk}/")
    assert response.status_code == 200
    name = personas.counselor.username
    assert reads() == [("care.request", name), ("care.note", name), ("care.screening", name)]
    for row in AuditLog.objects.filter(action=AuditAction.READ):
        assert row.county_id == personas.county.pk
        assert case.reference in row.summary
        assert "14" not in row.summary and "失眠" not in row.summary
    client_for(personas.counselor).get(f"/care/cases/{case.pk}/")
    assert len(reads()) == 6


def test_api_read_is_audited_like_the_page(personas: Personas, case: Case) -> None:
    """Reading a case through the API writes the same rows; a list without content writes none."""
    client = client_for(personas.counselor)
    headers = bearer(personas.counselor)
    client.get("/api/v1/care/cases", headers=headers)
    assert reads() == []
    client.get(f"/api/v1/care/cases/{case.pk}", headers=headers)
    assert [kind for kind, _ in reads()] == ["care.request", "care.note"]


def test_refused_read_reads_nothing(personas: Personas, case: Case) -> None:
    """A refused or 404 request writes no read row, as nothing was read."""
    for user in (personas.org, personas.admin, personas.auditor):
        client_for(user).get(f"/care/cases/{case.pk}/")
    assert reads() == []


def test_writes_are_audited(personas: Personas, case: Case) -> None:
    """Creating the case and recording the contact left rows, without content in them."""
    rows = AuditLog.objects.filter(object_type="care.case").order_by("id")
    assert [row.summary for row in rows] == [
        f"新建疏导个案 {case.reference}",
        f"记录联系 {case.reference}",
    ]
    assert rows[0].actor_username == personas.cadre.username
