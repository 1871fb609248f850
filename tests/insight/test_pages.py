"""Insight pages and API: who may open what, records in scope, thresholds, audited flags."""

import pytest
from django.urls import reverse

from tests.conftest import Personas, bearer, client_for
from tests.insight.conftest import Hand
from zhongjian.core.models import AuditLog
from zhongjian.insight.models import Threshold

ORG_ONLY = ["insight:risk", "insight:flags", "insight:compare"]
BOTH = ["insight:catalogue", "insight:alerts", "insight:survival"]


@pytest.mark.parametrize("name", ORG_ONLY + BOTH)
def test_roles(personas: Personas, name: str) -> None:
    """The 组织部 opens every page; a unit head the shared ones (403 on the others); counselors,
    cadres, admins and auditors get 403."""
    url = reverse(name)
    assert client_for(personas.org).get(url).status_code == 200
    assert client_for(personas.head_a).get(url).status_code == (403 if name in ORG_ONLY else 200)
    for user in (personas.counselor, personas.cadre, personas.admin, personas.auditor):
        assert client_for(user).get(url).status_code == 403


def test_dashboard_scopes(hand: Hand) -> None:
    """The 组织部 drills down to a unit; a unit of another county, a bad unit type or year is a
    404; a unit head asking for another unit still sees their own."""
    p = hand.personas
    org = client_for(p.org)
    response = org.get(reverse("overview"), {"unit": p.unit_a.pk})
    assert 'data-testid="headcount">3<' in response.text
    assert 'data-code="pipeline.refusal_rate"' in response.text
    outsider_unit = p.outsider_org.county.units.create(code="X1", name="外县单位", kind="township")
    assert org.get(reverse("overview"), {"unit": outsider_unit.pk}).status_code == 404
    assert org.get(reverse("overview"), {"unit_kind": "nope"}).status_code == 404
    assert org.get(reverse("overview"), {"year": "1999"}).status_code == 404
    head = client_for(p.head_b).get(reverse("overview"), {"unit": p.unit_a.pk})
    assert 'data-testid="headcount">2<' in head.text


def test_records_behind_a_figure(hand: Hand) -> None:
    """明细 of the 混编混岗 tile lists the one 事业编 holder; a unit head of A does not see them."""
    p = hand.personas
    url = reverse("insight:records", args=["org.mixed_posting"])
    response = client_for(p.org).get(url)
    assert hand.stuck.name in response.text
    assert hand.stuck.name not in client_for(p.head_a).get(url).text
    assert (
        client_for(p.org).get(reverse("insight:records", args=["voice.who5_mean"])).status_code
        == 404
    )
    assert client_for(p.counselor).get(url).status_code == 403


def test_thresholds_raise_alerts(hand: Hand) -> None:
    """A threshold of 20 % on the vacancy rate (lower is better) alerts at 25 % in the county,
    with the evidence; a unit head cannot set thresholds; a bad value is refused in Chinese."""
    p = hand.personas
    org = client_for(p.org)
    url = reverse("insight:alerts")
    org.post(url, {"code": "org.mid_vacancy_rate", "value": "20", "note": "试行"})
    assert Threshold.objects.get(county=p.county).value == 20
    page = org.get(url).text
    assert "中层职数空缺率" in page and "1 / 4" in page
    assert "超过阈值" in org.get(reverse("overview")).text
    bad = org.post(url, {"code": "org.mid_vacancy_rate", "value": "abc"}, follow=True)
    assert "请填写阈值" in bad.text
    assert (
        client_for(p.head_a).post(url, {"code": "org.headcount", "value": "1"}).status_code == 404
    )
    org.post(url, {"code": "org.mid_vacancy_rate", "delete": "1"})
    assert not Threshold.objects.exists()


def test_flags_are_audited(hand: Hand) -> None:
    """The structural flags list the cadre ≥ 8 years in tier and the overdue secondment, and
    each read writes an audit row."""
    p = hand.personas
    before = AuditLog.objects.filter(object_type="insight.flags").count()
    page = client_for(p.org).get(reverse("insight:flags")).text
    assert hand.stuck.name in page and "借调超过计划返回日期" in page
    assert "1年内达到法定退休年龄" not in page  # the man of 1967 retires in 2028
    assert AuditLog.objects.filter(object_type="insight.flags").count() == before + 1


def test_compare_two_unit_types(hand: Hand) -> None:
    """Townships and county departments side by side: 3 and 2 active cadres."""
    page = client_for(hand.personas.org).get(
        reverse("insight:compare"), {"a": "kind:township", "b": "kind:county_department"}
    )
    assert page.status_code == 200
    rows = page.context["rows"]
    headcount = next(row for row in rows if row["indicator"].code == "org.headcount")
    assert headcount["a"].value == 3
    assert headcount["b"].value == 2


def test_api(hand: Hand) -> None:
    """Catalogue and values by token; a unit head gets their unit; errors are JSON 4xx."""
    from django.test import Client

    p = hand.personas
    client = Client()
    catalogue = client.get("/api/v1/insight/indicators", headers=bearer(p.org))
    assert catalogue.status_code == 200
    assert any(row["code"] == "org.stuck_share" for row in catalogue.json())
    values = client.get(
        "/api/v1/insight/values", {"unit": p.unit_a.pk, "module": "org"}, headers=bearer(p.org)
    )
    assert {v["code"]: v["value"] for v in values.json()["values"]}["org.headcount"] == 3
    head = client.get("/api/v1/insight/values", {"unit": p.unit_a.pk}, headers=bearer(p.head_b))
    assert head.json()["unit_id"] == p.unit_b.pk
    assert client.get("/api/v1/insight/values", headers=bearer(p.counselor)).status_code == 403
    outsider = client.get(
        "/api/v1/insight/values", {"unit": p.unit_a.pk}, headers=bearer(p.outsider_org)
    )
    assert outsider.status_code == 404 and outsider.json()["detail"]
    late = client.get("/api/v1/insight/values", {"end": "2999-01-01"}, headers=bearer(p.org))
    assert late.status_code == 400 and "今天" in late.json()["detail"]
    assert (
        client.get("/api/v1/insight/values", {"unit": "x"}, headers=bearer(p.org)).status_code
        == 422
    )


def test_flags_come_a_page_at_a_time(hand: Hand, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The list says how many flags there are and pages through them (the demo county's 644
    flags were one page 24,000 px tall)."""
    monkeypatch.setattr("zhongjian.insight.views.FLAGS_PAGE_SIZE", 1)
    org = client_for(hand.personas.org)
    first = org.get(reverse("insight:flags"))
    total = first.context["page"].paginator.count
    assert total >= 2 and f"共 {total} 条提示" in first.text
    assert len(first.context["page"].object_list) == 1 and "下一页" in first.text
    second = org.get(reverse("insight:flags"), {"page": 2})
    assert second.context["page"].object_list != first.context["page"].object_list
    assert org.get(reverse("insight:flags"), {"page": "x"}).status_code == 200
