"""The audit log is append-only and readable by auditors only."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from tests.conftest import Personas, client_for
from zhongjian.core.audit import audit_record
from zhongjian.core.models import AuditLog


def test_rows_cannot_be_updated_or_deleted_through_the_orm(personas: Personas) -> None:
    """Saving an existing row, deleting it, or bulk update/delete raise."""
    row = audit_record(actor=personas.org, action="read", object_type="cadre", object_id=1)
    row.summary = "changed"
    with pytest.raises(TypeError):
        row.save()
    with pytest.raises(TypeError):
        row.delete()
    with pytest.raises(TypeError):
        AuditLog.objects.all().update(summary="x")
    with pytest.raises(TypeError):
        AuditLog.objects.all().delete()


def test_database_refuses_update(personas: Personas) -> None:
    """Even raw SQL cannot rewrite an audit row (trigger)."""
    row = audit_record(actor=personas.org, action="read", object_type="cadre", object_id=1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditlog SET summary = 'x' WHERE id = %s", [row.pk])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE trigger is PostgreSQL only")
def test_database_refuses_delete_on_postgresql(personas: Personas) -> None:
    """On PostgreSQL raw DELETE is refused too."""
    row = audit_record(actor=personas.org, action="read", object_type="cadre", object_id=1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditlog WHERE id = %s", [row.pk])


def test_login_and_failed_login_are_audited(personas: Personas, client) -> None:  # type: ignore[no-untyped-def]
    """Sign-in and a failed sign-in leave audit rows with the client IP."""
    client.post(reverse("login"), {"username": personas.org.username, "password": "wrong"})
    client.post(reverse("login"), {"username": personas.org.username, "password": "Test-Passw0rd!"})
    failed = AuditLog.objects.get(action="login_failed")
    assert (failed.object_id, failed.summary) == (str(personas.org.pk), "")
    assert failed.ip == "127.0.0.1"
    assert AuditLog.objects.filter(action="login", actor_id=personas.org.pk).exists()


@pytest.mark.parametrize("persona", ["org", "head_a", "cadre", "counselor", "admin"])
def test_only_auditor_reads_the_log(personas: Personas, persona: str) -> None:
    """Every role but the auditor gets 403 on the audit log page."""
    response = client_for(personas.all_users()[persona]).get(reverse("audit_log"))
    assert response.status_code == 403


def test_auditor_filters_the_log(personas: Personas) -> None:
    """The auditor sees rows and can filter by actor and action."""
    audit_record(actor=personas.org, action="export", object_type="cadre", summary="导出名册")
    audit_record(actor=personas.head_a, action="read", object_type="care_note")
    client = client_for(personas.auditor)
    page = client.get(reverse("audit_log"), {"action": "export"}).text
    assert "导出名册" in page
    assert "care_note" not in page
    page = client.get(
        reverse("audit_log"), {"actor": personas.head_a.username, "since": "bad-date"}
    ).text
    assert "care_note" in page


def test_admin_site_does_not_expose_audit_log(personas: Personas) -> None:
    """The audit log is not editable in the admin."""
    client = client_for(personas.admin)
    assert client.get("/admin/core/auditlog/").status_code == 404
