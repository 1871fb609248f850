"""The audit log for an auditor (issue #14.6): Chinese labels, unit names, select filters, a date
range, a link to an object's history and an audited Excel export."""

import io

import openpyxl
import pytest
from django.urls import reverse

from tests.conftest import Personas, client_for
from zhongjian.core.audit import audit_record
from zhongjian.core.models import AuditAction, AuditLog, AuditObject

pytestmark = pytest.mark.django_db


def _rows(personas: Personas) -> None:
    audit_record(
        actor=personas.org,
        action=AuditAction.UPDATE,
        object_type=AuditObject.SELECTION_PROCESS,
        object_id=796,
        unit_id=personas.unit_a.pk,
        summary="stage",
    )
    audit_record(
        actor=personas.head_b, action=AuditAction.READ, object_type=AuditObject.CADRE, object_id=5
    )


def test_labels_and_unit_names(personas: Personas) -> None:
    """Roles, actions and objects read in Chinese; the unit by its name; the object links to its
    history; the select lists offer the vocabularies."""
    _rows(personas)
    page = client_for(personas.auditor).get(reverse("audit_log"))
    text = page.content.decode()
    assert page["Cache-Control"] == "no-store"
    assert "组织部" in text and "选任流程 796" in text and "青石镇" in text
    assert "<td>org_department</td>" not in text
    assert "object_type=selectionprocess&amp;object_id=796" in text
    assert '<select id="object_type"' in text and '<option value="cadre">干部</option>' in text
    assert '<select id="role"' in text and '<select id="unit"' in text


def test_filters_and_history_link(personas: Personas) -> None:
    """Filters by role, object type and id, unit and date range narrow the rows."""
    _rows(personas)
    client = client_for(personas.auditor)
    lines = lambda **params: client.get(reverse("audit_log"), params).context["lines"]  # noqa: E731
    assert [line.row.object_id for line in lines(role="unit_head")] == ["5"]
    assert [
        line.row.object_id for line in lines(object_type="selectionprocess", object_id="796")
    ] == ["796"]
    assert [line.row.object_id for line in lines(unit=str(personas.unit_a.pk))] == ["796"]
    assert lines(since="2999-01-01") == []
    assert len(lines(since="2000-01-01", until="2999-01-01")) >= 2
    assert lines(object_type="not_a_type") != []  # unknown values are ignored, not errors


def test_excel_export_is_audited(personas: Personas) -> None:
    """The export has the page's rows with labels, and writes an export row of its own."""
    _rows(personas)
    response = client_for(personas.auditor).get(
        reverse("dataio:export", args=["audit_log"]), {"role": "org_department"}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    flat = [str(cell) for row in values for cell in row if cell is not None]
    assert "选任流程" in flat and "青石镇" in flat and "组织部" in flat
    assert "干部" not in [row[4] for row in values if row and len(row) > 4]
    assert AuditLog.objects.filter(
        action=AuditAction.EXPORT, object_type="audit_log", actor_id=personas.auditor.pk
    ).exists()


@pytest.mark.parametrize("persona", ["org", "admin", "counselor"])
def test_export_is_for_auditors_only(personas: Personas, persona: str) -> None:
    """Other roles get 403 on the export."""
    client = client_for(personas.all_users()[persona])
    assert client.get(reverse("dataio:export", args=["audit_log"])).status_code == 403
