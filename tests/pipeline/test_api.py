"""The pipeline's JSON API: scoped as the pages, writes for the organization department only."""

import datetime
import json

import pytest

from tests.conftest import Personas, client_for
from tests.pipeline.conftest import Selection, to_notice
from zhongjian.pipeline.models import Departure, SelectionProcess
from zhongjian.pipeline.services.selection import candidate_decline

API = "/api/v1/pipeline"
D = datetime.date


def call(user, method: str, path: str, body: dict | None = None):  # type: ignore[no-untyped-def]
    client = client_for(user)
    return getattr(client, method)(
        API + path,
        data=json.dumps(body) if body is not None else None,
        content_type="application/json",
    )


@pytest.fixture
def declined(running: Selection) -> Selection:
    candidate_decline(
        actor=running.personas.org,
        candidate=running.second,
        declined_on=D(2024, 8, 3),
        reason="health",
    )
    return running


READS = ["/vacancies", "/processes", "/departures", "/bench", "/indicators"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("org", 200),
        ("head_a", 200),
        ("head_b", 200),
        ("outsider_org", 200),
        ("counselor", 403),
        ("cadre", 403),
        ("admin", 403),
        ("auditor", 403),
    ],
)
def test_reads_by_role(declined: Selection, persona: str, status: int) -> None:
    """Lists answer the organization department and unit heads; other roles get 403 JSON."""
    user = declined.personas.all_users()[persona]
    for path in READS:
        response = call(user, "get", path)
        assert response.status_code == status, path
        if status == 403:
            assert response.json() == {"detail": "您的角色无权执行此操作。", "errors": []}


def test_lists_follow_the_scope(declined: Selection) -> None:
    """Unit B's vacancy and selection appear for head B and the county, not for head A or the
    other county."""
    personas = declined.personas
    for user, expected in (
        (personas.org, 1),
        (personas.head_b, 1),
        (personas.head_a, 0),
        (personas.outsider_org, 0),
    ):
        assert call(user, "get", "/processes").json()["count"] == expected
        vacancies = call(user, "get", "/vacancies").json()["items"]
        assert len([v for v in vacancies if v["post_id"] == declined.post.pk]) == expected
    vacancy = call(personas.org, "get", "/vacancies").json()["items"][0]
    assert vacancy["unit_name"] == "县财政局" and vacancy["days_open"] > 0


def test_process_detail_hides_reasons_from_unit_heads(declined: Selection) -> None:
    """The county sees the decline reason and the possible moves; head B sees neither; head A
    and the other county get 404."""
    personas, pk = declined.personas, declined.process.pk
    org = call(personas.org, "get", f"/processes/{pk}").json()
    assert org["stage_label"] == "分析研判和动议"
    assert {c["cadre_name"]: c["decline_reason"] for c in org["candidates"]}["李娜"] == "health"
    assert org["allowed_targets"] == ["recommendation", "terminated"]
    head = call(personas.head_b, "get", f"/processes/{pk}").json()
    assert (
        all(c["decline_reason"] is None for c in head["candidates"])
        and head["allowed_targets"] == []
    )
    for user in (personas.head_a, personas.outsider_org):
        response = call(user, "get", f"/processes/{pk}")
        assert response.status_code == 404 and "detail" in response.json()


def test_run_a_selection_through_the_api(personas: Personas, vacant_post) -> None:  # type: ignore[no-untyped-def]
    """Create, add a candidate, move, record votes; refusals come back as 4xx with Chinese."""
    org = personas.org
    created = call(
        org,
        "post",
        "/processes",
        {"post_id": vacant_post.pk, "started_on": "2024-08-01", "reason": "原任职者退休"},
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    candidate = call(
        org,
        "post",
        f"/processes/{pk}/candidates",
        {"cadre_id": personas.cadre_a.pk, "added_on": "2024-08-01"},
    )
    assert candidate.status_code == 201
    refused = call(
        org, "post", f"/processes/{pk}/transition", {"target": "vetting", "on": "2024-08-05"}
    )
    assert refused.status_code == 400 and refused.json()["detail"].startswith("不能从")
    moved = call(
        org, "post", f"/processes/{pk}/transition", {"target": "recommendation", "on": "2024-08-05"}
    )
    assert moved.status_code == 200 and moved.json()["stage"] == "recommendation"
    patched = call(
        org,
        "patch",
        f"/candidates/{candidate.json()['id']}",
        {"votes": 20, "is_vetting_target": True},
    )
    assert patched.status_code == 200 and patched.json()["votes"] == 20
    bad = call(org, "patch", f"/candidates/{candidate.json()['id']}", {"votes": -1})
    assert bad.status_code == 422 and bad.json()["detail"] == "请求参数不正确。"
    wrong_stage = call(org, "patch", f"/candidates/{candidate.json()['id']}", {"vetting_rank": 1})
    assert wrong_stage.status_code == 400 and "考察" in wrong_stage.json()["detail"]
    declined = call(
        org,
        "post",
        f"/candidates/{candidate.json()['id']}/decline",
        {"declined_on": "2024-08-06", "reason": "work_pressure"},
    )
    assert declined.status_code == 201 and declined.json()["outcome"] == "declined"
    assert SelectionProcess.objects.get(pk=pk).candidates.get().outcome == "declined"


def test_writes_are_for_the_organization_department(declined: Selection) -> None:
    """Unit heads and other roles get 403 on writes; another county gets 404 for our objects."""
    personas, pk = declined.personas, declined.process.pk
    body = {"target": "recommendation", "on": "2024-08-05"}
    assert call(personas.head_b, "post", f"/processes/{pk}/transition", body).status_code == 403
    assert call(personas.counselor, "post", f"/processes/{pk}/transition", body).status_code == 403
    assert (
        call(personas.outsider_org, "post", f"/processes/{pk}/transition", body).status_code == 404
    )
    assert (
        call(
            personas.outsider_org,
            "post",
            "/processes",
            {"post_id": declined.post.pk, "started_on": "2024-08-01"},
        ).status_code
        == 404
    )


def test_departure_and_exit_interview(personas: Personas) -> None:
    """A departure is recorded with its interview; bad kinds and other counties are refused."""
    org = personas.org
    body = {
        "cadre_id": personas.cadre_a.pk,
        "kind": "secondment",
        "destination_level": "city",
        "departed_on": "2024-03-01",
    }
    missing = call(org, "post", "/departures", body)
    assert missing.status_code == 400 and "计划返回时间" in missing.json()["detail"]
    created = call(org, "post", "/departures", {**body, "planned_return_on": "2024-06-01"})
    assert created.status_code == 201 and created.json()["overdue"] is True
    departure = Departure.objects.get()
    interview = call(
        org,
        "put",
        f"/departures/{departure.pk}/exit-interview",
        {"interviewed_on": "2024-03-01", "reasons": ["far_from_home"]},
    )
    assert interview.status_code == 200 and interview.json()["reasons"] == ["far_from_home"]
    assert call(org, "get", "/departures?overdue=true").json()["count"] == 1
    assert call(personas.head_b, "get", "/departures").json()["count"] == 0
    assert (
        call(
            personas.head_a,
            "put",
            f"/departures/{departure.pk}/exit-interview",
            {"interviewed_on": "2024-03-01", "reasons": ["far_from_home"]},
        ).status_code
        == 403
    )
    other = call(
        personas.outsider_org, "post", "/departures", {**body, "planned_return_on": "2024-06-01"}
    )
    assert other.status_code == 404


def test_indicators_reflect_declines(declined: Selection) -> None:
    """The indicators endpoint counts the decline; reasons only for the county."""
    org = call(declined.personas.org, "get", "/indicators").json()
    assert org["totals"]["declines"] == 1
    tier = {row["label"]: row for row in org["refusal_by_tier"]}
    assert tier["副科"]["percent"] == 33.3
    head = call(declined.personas.head_b, "get", "/indicators").json()
    assert head["decline_reasons"] is None and head["totals"]["declines"] == 1


def test_notice_end_is_in_the_detail(running: Selection) -> None:
    """A process on notice reports the last day of the notice under the holiday table."""
    to_notice(running)
    detail = call(running.personas.org, "get", f"/processes/{running.process.pk}").json()
    assert detail["notice_started_on"] == "2024-09-30" and detail["notice_ends_on"] == "2024-10-11"


def test_anonymous_gets_401(personas: Personas, client) -> None:  # type: ignore[no-untyped-def]
    """Without a session the API answers 401 in the common error format."""
    response = client.get(API + "/processes")
    assert response.status_code == 401 and response.json()["errors"] == []
