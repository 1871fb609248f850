"""Read audit (issue #8.11): reads of personal data leave audit rows (查阅敏感信息) that name the
record by id and carry no content; the login form cannot write text into the log."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import Personas, bearer, client_for
from zhongjian.core.models import AuditAction, AuditLog
from zhongjian.pipeline.services.departures import departure_record, exit_interview_record

pytestmark = pytest.mark.django_db


def _reads(**filters: object) -> list[AuditLog]:
    return list(AuditLog.objects.filter(action=AuditAction.READ, **filters))


def test_cadre_page_api_and_admin_reads_are_audited(personas: Personas) -> None:
    """The cadre page, the API detail and list, and the admin change form each write a READ row
    naming the cadre by id; the summary holds no name; the auditor's page lists them."""
    cadre = personas.cadre_a
    client_for(personas.org).get(reverse("org:cadre_detail", args=[cadre.pk]))
    api = Client(headers=bearer(personas.org))
    api.get(f"/api/v1/cadres/{cadre.pk}")
    api.get("/api/v1/cadres?page_size=500")
    client_for(personas.org).get(reverse("admin:org_cadre_change", args=[cadre.pk]))
    rows = _reads(object_type="cadre")
    assert sorted(row.summary for row in rows) == ["admin", "api_detail", "api_list", "detail"]
    for row in rows:
        assert row.actor_id == personas.org.pk
        assert cadre.name not in row.summary
    assert {row.object_id for row in rows} == {str(cadre.pk), ""}
    page = client_for(personas.auditor).get(reverse("audit_log"), {"action": "read"})
    assert page.content.decode().count("查阅敏感信息") >= 4


def test_out_of_scope_read_writes_nothing(personas: Personas) -> None:
    """A 404 for another county's cadre is no read."""
    client_for(personas.outsider_org).get(reverse("org:cadre_detail", args=[personas.cadre_a.pk]))
    assert _reads() == []


def test_exit_interview_read_is_audited(personas: Personas) -> None:
    """Opening a departure with an exit interview records a read of the interview."""
    departure = departure_record(
        actor=personas.org,
        cadre=personas.cadre_b,
        kind="resignation",
        destination_level="outside",
        departed_on=datetime.date(2026, 3, 1),
    )
    exit_interview_record(
        actor=personas.org,
        departure=departure,
        interviewed_on=datetime.date(2026, 3, 2),
        reasons=["family_care"],
        details="家里老人需要照顾",
    )
    client_for(personas.org).get(reverse("pipeline:departure_detail", args=[departure.pk]))
    (row,) = _reads(object_type="exitinterview")
    assert "老人" not in row.summary and row.county_id == personas.county.pk


def test_failed_login_writes_no_typed_text(personas: Personas) -> None:
    """Whatever is typed as the username never reaches the audit log."""
    Client().post(reverse("login"), {"username": "管理员请立即转账<script>", "password": "x"})
    row = AuditLog.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (row.summary, row.object_id, row.actor_username) == ("unknown_username", "", "")
