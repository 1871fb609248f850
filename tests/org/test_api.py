"""The registry API answers each persona exactly as the pages do, and validates its input."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.conftest import Personas, bearer
from tests.dataio.factories import make_id
from zhongjian.core.models import AuditLog
from zhongjian.org.models import Appointment, Cadre, Post, Unit

GOOD_ID = make_id(birth=datetime.date(1990, 2, 3), male=True)
BAD_CHECK = GOOD_ID[:17] + ("1" if GOOD_ID[17] != "1" else "2")
PERSONAS = ("org", "head_a", "head_b", "cadre", "counselor", "admin", "auditor", "outsider_org")
Request = tuple[str, str, Callable[[Personas], dict[str, Any] | None]]


def _unit_body(p: Personas) -> dict[str, Any]:
    return {"code": "NEW1", "name": "新单位", "kind": "township", "parent_id": p.unit_a.pk}


def _post_body(p: Personas) -> dict[str, Any]:
    return {
        "unit_id": p.unit_a.pk,
        "title": "新岗位",
        "tier": "guji",
        "required_establishment": "administrative",
    }


def _cadre_body(p: Personas) -> dict[str, Any]:
    return {
        "staff_no": "NEW1",
        "name": "赵六",
        "gender": "male",
        "birth_date": "1990-02-03",
        "education": "bachelor",
        "party_status": "member",
        "establishment": "administrative",
        "work_start_date": "2012-07-01",
        "unit_id": p.unit_a.pk,
        "id_number": GOOD_ID,
    }


def _appointment_body(p: Personas) -> dict[str, Any]:
    post, _created = Post.objects.get_or_create(
        county=p.county,
        unit=p.unit_a,
        title="空岗",
        defaults={"tier": "guji", "required_establishment": "administrative"},
    )
    return {"cadre_id": p.cadre_a.pk, "post_id": post.pk, "start_date": "2025-01-01"}


def _appointment_a(p: Personas) -> int:
    return Appointment.objects.get(cadre=p.cadre_a).pk


# (method, path template, body) → expected status per persona, in the order of PERSONAS.
CASES: list[
    tuple[str, Callable[[Personas], str], Callable[[Personas], Any] | None, tuple[int, ...]]
] = [
    ("get", lambda p: "/api/v1/units", None, (200, 200, 200, 403, 403, 403, 403, 200)),
    (
        "get",
        lambda p: f"/api/v1/units/{p.unit_a.pk}",
        None,
        (200, 200, 404, 403, 403, 403, 403, 404),
    ),
    ("post", lambda p: "/api/v1/units", _unit_body, (201, 403, 403, 403, 403, 403, 403, 404)),
    (
        "patch",
        lambda p: f"/api/v1/units/{p.unit_a.pk}",
        lambda p: {"name": "改名"},
        (200, 403, 403, 403, 403, 403, 403, 404),
    ),
    ("get", lambda p: "/api/v1/posts", None, (200, 200, 200, 403, 403, 403, 403, 200)),
    (
        "get",
        lambda p: f"/api/v1/posts/{p.post_a.pk}",
        None,
        (200, 200, 404, 403, 403, 403, 403, 404),
    ),
    ("post", lambda p: "/api/v1/posts", _post_body, (201, 403, 403, 403, 403, 403, 403, 404)),
    (
        "patch",
        lambda p: f"/api/v1/posts/{p.post_a.pk}",
        lambda p: {"headcount": 2},
        (200, 403, 403, 403, 403, 403, 403, 404),
    ),
    ("get", lambda p: "/api/v1/cadres", None, (200, 200, 200, 200, 403, 403, 403, 200)),
    (
        "get",
        lambda p: f"/api/v1/cadres/{p.cadre_a.pk}",
        None,
        (200, 200, 404, 200, 403, 403, 403, 404),
    ),
    (
        "get",
        lambda p: f"/api/v1/cadres/{p.cadre_b.pk}",
        None,
        (200, 404, 200, 404, 403, 403, 403, 404),
    ),
    ("post", lambda p: "/api/v1/cadres", _cadre_body, (201, 403, 403, 403, 403, 403, 403, 404)),
    (
        "patch",
        lambda p: f"/api/v1/cadres/{p.cadre_a.pk}",
        lambda p: {"rank": "clerk_1"},
        (200, 403, 403, 403, 403, 403, 403, 404),
    ),
    ("get", lambda p: "/api/v1/appointments", None, (200, 200, 200, 200, 403, 403, 403, 200)),
    (
        "get",
        lambda p: f"/api/v1/appointments/{_appointment_a(p)}",
        None,
        (200, 200, 404, 200, 403, 403, 403, 404),
    ),
    (
        "post",
        lambda p: "/api/v1/appointments",
        _appointment_body,
        (201, 403, 403, 403, 403, 403, 403, 404),
    ),
    (
        "patch",
        lambda p: f"/api/v1/appointments/{_appointment_a(p)}",
        lambda p: {"document_no": "城组干〔2022〕3号"},
        (200, 403, 403, 403, 403, 403, 403, 404),
    ),
]


@pytest.mark.parametrize(("method", "path", "body", "expected"), CASES)
def test_every_endpoint_is_scoped(
    personas: Personas,
    method: str,
    path: Callable[[Personas], str],
    body: Callable[[Personas], Any] | None,
    expected: tuple[int, ...],
) -> None:
    """Each persona gets the status of its scope: 403 for roles without access, 404 outside the
    county or unit, and errors as {detail, errors}."""
    statuses = []
    for persona, want in zip(PERSONAS, expected, strict=True):
        client = Client(headers=bearer(personas.all_users()[persona]))
        kwargs = (
            {} if body is None else {"data": body(personas), "content_type": "application/json"}
        )
        response = getattr(client, method)(path(personas), **kwargs)
        statuses.append(response.status_code)
        if response.status_code >= 400:
            assert set(response.json()) == {"detail", "errors"}, response.content
        if (
            want < 400
            and method == "get"
            and path(personas).endswith(("units", "posts", "cadres", "appointments"))
        ):
            assert set(response.json()) == {"items", "count"}
    assert tuple(statuses) == expected


def test_lists_hold_only_the_scope(personas: Personas) -> None:
    """A unit head's lists hold their unit only; a cadre's the cadre only; another county's none."""

    def ids(user: Any, path: str) -> set[int]:
        return {item["id"] for item in Client(headers=bearer(user)).get(path).json()["items"]}

    assert ids(personas.head_a, "/api/v1/units") == {personas.unit_a.pk}
    assert ids(personas.head_a, "/api/v1/cadres") == {personas.cadre_a.pk}
    assert ids(personas.cadre, "/api/v1/cadres") == {personas.cadre_a.pk}
    assert ids(personas.org, "/api/v1/cadres") == {personas.cadre_a.pk, personas.cadre_b.pk}
    assert ids(personas.outsider_org, "/api/v1/cadres") == set()


def test_id_numbers_are_never_returned(personas: Personas) -> None:
    """The API gives no ID number in any form (not even masked: the birth date sits beside it),
    also right after creating the cadre."""
    client = Client(headers=bearer(personas.org))
    body = _cadre_body(personas)
    created = client.post("/api/v1/cadres", body, content_type="application/json")
    assert created.status_code == 201
    number = body["id_number"]
    assert "id_number_masked" not in created.json()
    for response in (
        created,
        client.get(f"/api/v1/cadres/{created.json()['id']}"),
        client.get("/api/v1/cadres"),
    ):
        assert number not in response.content.decode()
    assert AuditLog.objects.filter(object_type="cadre", action="create").exists()


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"birth_date": "2999-01-01"}, 422, "请求参数不正确。"),
        ({"name": "x" * 40}, 422, "请求参数不正确。"),
        ({"name": "坏\x00名"}, 400, "请求中含有不允许的控制字符（NUL）。"),
        (
            {"id_number": BAD_CHECK},
            400,
            "身份证号校验位不正确；请逐位核对号码",
        ),
        (
            {"id_number": make_id(birth=datetime.date(1991, 2, 3), male=True)},
            400,
            "身份证号中的出生日期是 1991-02-03，与「出生日期」1990-02-03 不一致",
        ),
        ({"staff_no": "has space"}, 422, "请求参数不正确。"),
        ({"unit_id": 2**63}, 422, "请求参数不正确。"),
        ({"unit_id": 999999}, 404, "对象不存在，或不在您的查看范围内。"),
    ],
)
def test_bad_cadre_input_is_a_4xx(
    personas: Personas, body: dict[str, Any], status: int, detail: str
) -> None:
    """Input that breaks a rule answers its 4xx with a Chinese detail and writes nothing."""
    before = Cadre.objects.count()
    response = Client(headers=bearer(personas.org)).post(
        "/api/v1/cadres", {**_cadre_body(personas), **body}, content_type="application/json"
    )
    assert (response.status_code, response.json()["detail"]) == (status, detail)
    assert Cadre.objects.count() == before


def test_duplicate_keys_and_full_posts_are_400(personas: Personas) -> None:
    """Business rules (a taken staff number, a full post) answer 400 with the service's message."""
    client = Client(headers=bearer(personas.org))
    response = client.post(
        "/api/v1/cadres",
        {**_cadre_body(personas), "staff_no": personas.cadre_b.staff_no},
        content_type="application/json",
    )
    assert response.status_code == 400
    response = client.post(
        "/api/v1/appointments",
        {
            "cadre_id": personas.cadre_b.pk,
            "post_id": personas.post_a.pk,
            "start_date": "2025-01-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "已满" in response.json()["detail"]
    response = client.patch(
        f"/api/v1/posts/{personas.post_a.pk}", {"headcount": 0}, content_type="application/json"
    )
    assert response.status_code == 422


def test_ending_an_appointment(personas: Personas) -> None:
    """PATCH with end_date ends the appointment; ending it twice is a 400."""
    client = Client(headers=bearer(personas.org))
    path = f"/api/v1/appointments/{_appointment_a(personas)}"
    response = client.patch(
        path, {"end_date": "2024-12-31", "end_reason": "retired"}, content_type="application/json"
    )
    assert (response.status_code, response.json()["end_reason"]) == (200, "retired")
    again = client.patch(path, {"end_date": "2025-01-31"}, content_type="application/json")
    assert (again.status_code, again.json()["detail"]) == (400, "该任职已经结束。")


def test_filters_and_pages(personas: Personas) -> None:
    """Lists filter by their parameters and page with bounded page numbers."""
    client = Client(headers=bearer(personas.org))
    assert (
        client.get(f"/api/v1/cadres?unit_id={personas.unit_b.pk}").json()["items"][0]["id"]
        == personas.cadre_b.pk
    )
    assert client.get("/api/v1/cadres?q=张伟").json()["count"] == 1
    assert client.get("/api/v1/appointments?current=false").json()["count"] == 0
    assert client.get("/api/v1/units?page=99999").json()["items"] == []
    assert client.get("/api/v1/units?page=1000000000000").status_code == 422
    assert client.get("/api/v1/units?kind=nope").status_code == 422


def test_unauthenticated_is_401(personas: Personas) -> None:
    """Without a token or session every endpoint answers 401 in the error format."""
    response = Client().get("/api/v1/units")
    assert (response.status_code, response.json()) == (
        401,
        {"detail": "未登录或令牌无效。", "errors": []},
    )
    assert Unit.objects.exists()
