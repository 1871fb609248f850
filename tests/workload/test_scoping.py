"""Fan-out and scoping of the workload pages and API (403 for other roles, 404 outside scope)."""

import datetime
import json

import pytest

from tests import factories
from tests.conftest import Personas, bearer, client_for
from tests.workload.conftest import register
from zhongjian.core.errors import PermissionDenied
from zhongjian.core.models import AuditLog
from zhongjian.workload.models import DemandReceipt
from zhongjian.workload.services import demand_register


def test_fan_out_registers_once(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """One demand to two units: one demand row, one receipt per unit, each counted by its unit;
    registering it again for a further unit adds only that receipt."""
    demand = register(
        personas, organs["city"], title="通知", units=[personas.unit_a, personas.unit_b]
    )
    assert set(DemandReceipt.objects.filter(demand=demand).values_list("unit_id", flat=True)) == {
        personas.unit_a.pk,
        personas.unit_b.pk,
    }
    values = {"title": "通知", "kind": "document", "issued_on": datetime.date(2025, 3, 10)}
    extra = factories.unit(county=personas.county, name="第三单位")
    again, added = demand_register(
        actor=personas.org, organ=organs["city"], units=[personas.unit_a, extra], values=values
    )
    assert again == demand and added == 1
    assert DemandReceipt.objects.filter(demand=demand).count() == 3
    assert (
        AuditLog.objects.filter(object_type="demand_receipt", object_id=str(demand.pk)).count() == 3
    )


def test_unit_head_registers_for_own_unit_only(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """A unit head may register for their unit, never for another one."""
    values = {"title": "填表", "kind": "data_request", "issued_on": datetime.date(2025, 3, 1)}
    _demand, added = demand_register(
        actor=personas.head_a, organ=organs["city"], units=[personas.unit_a], values=values
    )
    assert added == 1
    with pytest.raises(PermissionDenied):
        demand_register(
            actor=personas.head_a, organ=organs["city"], units=[personas.unit_b], values=values
        )


def test_pages_are_scoped(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """Unit head B gets 404 for unit A and its demand; cadre and counselor 403; org sees all."""
    demand = register(personas, organs["city"], title="只给青石镇")
    unit_a = f"/workload/units/{personas.unit_a.pk}/"
    detail = f"/workload/demands/{demand.pk}/"
    assert client_for(personas.org).get("/workload/").status_code == 200
    assert client_for(personas.org).get(unit_a).status_code == 200
    assert client_for(personas.org).get(detail).status_code == 200
    assert client_for(personas.head_a).get(unit_a).status_code == 200
    head_b = client_for(personas.head_b)
    assert head_b.get(unit_a).status_code == 404
    assert head_b.get(detail).status_code == 404
    assert head_b.get("/workload/").status_code == 302  # to their own unit
    for user in (personas.cadre, personas.counselor, personas.auditor):
        assert client_for(user).get("/workload/").status_code == 403
        assert client_for(user).get(unit_a).status_code == 403
    assert client_for(personas.outsider_org).get(unit_a).status_code == 404
    assert client_for(personas.outsider_org).get(detail).status_code == 404
    assert client_for(personas.org).get("/workload/alerts/").status_code == 200
    assert client_for(personas.head_a).get("/workload/rules/").status_code == 200


def test_api_is_scoped(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """The API answers like the pages: 404 for another unit's demand, 403 for other roles."""
    from django.test import Client

    demand = register(personas, organs["city"], title="API事项")
    client = Client()
    assert (
        client.get(
            f"/api/v1/workload/demands/{demand.pk}", headers=bearer(personas.head_b)
        ).status_code
        == 404
    )
    assert client.get("/api/v1/workload/demands", headers=bearer(personas.cadre)).status_code == 403
    assert (
        client.get("/api/v1/workload/organs", headers=bearer(personas.counselor)).status_code == 403
    )
    answer = client.get(
        f"/api/v1/workload/indicators?from=2025-03&to=2025-03&unit_id={personas.unit_a.pk}",
        headers=bearer(personas.head_b),
    )
    assert answer.status_code == 404
    listed = client.get("/api/v1/workload/demands", headers=bearer(personas.head_b)).json()
    assert listed["count"] == 0
    own = client.get("/api/v1/workload/demands", headers=bearer(personas.head_a)).json()
    assert own["count"] == 1


def test_api_create_update_complete(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """Create with fan-out, update, complete for one unit; a bad deadline is a 400 in Chinese."""
    from django.test import Client

    client, headers = Client(), bearer(personas.org)
    body = {
        "title": "安全检查",
        "kind": "inspection",
        "issued_on": "2025-03-03",
        "deadline": "2025-03-05",
        "onsite": True,
        "organ_id": organs["city"].pk,
        "unit_ids": [personas.unit_a.pk, personas.unit_b.pk],
    }
    created = client.post(
        "/api/v1/workload/demands",
        json.dumps(body),
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert len(created.json()["receipts"]) == 2 and created.json()["lead_days"] == 2
    bad = client.post(
        "/api/v1/workload/demands",
        json.dumps({**body, "title": "倒填", "deadline": "2025-03-01"}),
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 400 and "早于下达日期" in bad.json()["detail"]
    updated = client.put(
        f"/api/v1/workload/demands/{pk}",
        json.dumps(
            {
                "title": "安全检查（改）",
                "kind": "inspection",
                "issued_on": "2025-03-03",
                "deadline": "2025-03-10",
            }
        ),
        content_type="application/json",
        headers=headers,
    )
    assert updated.status_code == 200 and updated.json()["lead_days"] == 7
    done = client.post(
        f"/api/v1/workload/demands/{pk}/complete",
        json.dumps({"unit_id": personas.unit_a.pk, "completed_on": "2025-03-06"}),
        content_type="application/json",
        headers=headers,
    )
    assert done.status_code == 200
    assert DemandReceipt.objects.get(
        demand_id=pk, unit=personas.unit_a
    ).completed_on == datetime.date(2025, 3, 6)
    assert DemandReceipt.objects.get(demand_id=pk, unit=personas.unit_b).lead_days == 7
    # Unit head B may not touch a demand that also reaches unit A.
    refused = client.put(
        f"/api/v1/workload/demands/{pk}",
        json.dumps({"title": "改", "kind": "inspection", "issued_on": "2025-03-03"}),
        content_type="application/json",
        headers=bearer(personas.head_b),
    )
    assert refused.status_code == 403
    indicators = client.get(
        "/api/v1/workload/indicators?from=2025-03&to=2025-03", headers=headers
    ).json()
    assert indicators[0]["demands"] == 2 and indicators[0]["onsite_inspections"] == 2


def test_rules_edit_is_org_only_and_audited(personas: Personas) -> None:
    """The 组织部 adds a county version of a rule (audited); a unit head is refused."""
    data = {
        "key": "short_deadline_days",
        "value": "5",
        "effective_from": "2025-01-01",
        "source": "本县方案",
    }
    assert client_for(personas.head_a).post("/workload/rules/", data).status_code == 403
    assert client_for(personas.org).post("/workload/rules/", data).status_code == 302
    assert AuditLog.objects.filter(object_type="workload_rule").count() == 1
