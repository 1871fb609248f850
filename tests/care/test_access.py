"""Who may open which care page and API endpoint: the role matrix, and 404 for others' cases."""

from typing import Any

import pytest

from tests.care.conftest import NOTE_TEXT, REQUEST_TEXT
from tests.conftest import Personas, bearer, client_for
from zhongjian.accounts.models import User
from zhongjian.care import services
from zhongjian.care.models import Case, Referral

pytestmark = pytest.mark.django_db

EVERYONE = ("org", "head_a", "head_b", "counselor", "cadre", "admin", "auditor", "outsider_org")


def pages(case: Case, referral: Referral) -> list[tuple[str, str, tuple[str, ...]]]:
    """(method, path, roles that may use it); every other persona gets 403."""
    c = case.pk
    return [
        ("get", "/care/", ("counselor",)),
        ("get", "/care/cases/new/", ("counselor",)),
        ("get", f"/care/cases/{c}/", ("counselor",)),
        ("get", f"/care/cases/{c}/screening/phq9/", ("counselor",)),
        ("post", f"/care/cases/{c}/schedule/", ("counselor",)),
        ("post", f"/care/cases/{c}/urgent/", ("counselor",)),
        ("get", "/care/help/", ("cadre",)),
        ("post", f"/care/help/{c}/delete/", ("cadre",)),
        ("post", f"/care/help/referrals/{referral.pk}/", ("cadre",)),
        ("get", "/care/referrals/", ("head_a", "head_b", "org", "outsider_org")),
        ("get", "/care/overview/", ("org", "outsider_org")),
        ("get", "/care/assignments/", ("org", "outsider_org")),
    ]


@pytest.fixture
def referral(personas: Personas) -> Referral:
    return services.referral_suggest(user=personas.head_a, cadre=personas.cadre_a)


def test_role_matrix_of_pages(personas: Personas, case: Case, referral: Referral) -> None:
    """A role outside a page's list gets 403; the listed roles do not."""
    users = personas.all_users()
    for method, path, allowed in pages(case, referral):
        for name in EVERYONE:
            response = getattr(client_for(users[name]), method)(path)
            if name in allowed:
                assert response.status_code not in (403, 500), (name, path, response.status_code)
            else:
                assert response.status_code == 403, (name, path, response.status_code)


def test_anonymous_is_sent_to_login(client: Any, case: Case) -> None:
    """Every care page asks an anonymous visitor to sign in."""
    for path in ("/care/", f"/care/cases/{case.pk}/", "/care/help/", "/care/overview/"):
        response = client.get(path)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_counselor_a_cannot_open_counselor_b_case(
    personas: Personas, case: Case, counselor_b: User
) -> None:
    """Another counselor's case is a 404 on every page and in the API, and shows no note."""
    other = client_for(counselor_b)
    for path in (
        f"/care/cases/{case.pk}/",
        f"/care/cases/{case.pk}/screening/gad7/",
    ):
        assert other.get(path).status_code == 404
    for path in ("contact", "schedule", "close", "urgent", "delete"):
        assert other.post(f"/care/cases/{case.pk}/{path}/").status_code == 404
    response = other.get(f"/api/v1/care/cases/{case.pk}", headers=bearer(counselor_b))
    assert response.status_code == 404
    assert NOTE_TEXT not in response.content.decode()
    assert other.get("/care/").content.decode().count(case.reference) == 0


def test_cadre_sees_only_own_cases(personas: Personas, case: Case) -> None:
    """Another cadre cannot withdraw or delete someone else's case (404) nor see it."""
    from tests import factories
    from zhongjian.accounts.roles import Role

    other = factories.user(
        role=Role.CADRE, county=personas.county, unit=personas.unit_b, cadre=personas.cadre_b
    )
    client = client_for(other)
    assert client.post(f"/care/help/{case.pk}/withdraw/").status_code == 404
    assert client.post(f"/care/help/{case.pk}/delete/").status_code == 404
    assert case.reference not in client.get("/care/help/").content.decode()
    api = client.get("/api/v1/care/my/requests", headers=bearer(other))
    assert api.json() == []


def test_nobody_else_reads_a_note(personas: Personas, case: Case) -> None:
    """No page that another role may open shows the note or request text."""
    users = personas.all_users()
    for name in EVERYONE:
        if name == "counselor":
            continue
        client = client_for(users[name])
        for path in (
            "/care/",
            "/care/help/",
            "/care/overview/",
            "/care/assignments/",
            "/care/referrals/",
            "/audit/",
            "/admin/care/",
            f"/care/cases/{case.pk}/",
        ):
            body = client.get(path).content.decode()
            assert NOTE_TEXT not in body and REQUEST_TEXT not in body, (name, path)


def test_admin_site_has_no_care_models(personas: Personas) -> None:
    """System administrators find no care model in the admin (三员分立)."""
    client = client_for(personas.admin)
    assert client.get("/admin/care/case/").status_code == 404


def test_assignment_page_shows_no_names_or_topics(personas: Personas, case: Case) -> None:
    """The 组织部's reassignment page lists references only."""
    body = client_for(personas.org).get("/care/assignments/").content.decode()
    assert case.reference in body
    assert personas.cadre_a.name not in body
    assert "工作压力" not in body
    outsider = client_for(personas.outsider_org).get("/care/assignments/").content.decode()
    assert case.reference not in outsider
    assert (
        client_for(personas.outsider_org)
        .post(f"/care/assignments/{case.pk}/", {"counselor": personas.counselor.pk})
        .status_code
        == 404
    )


API = (
    ("get", "/api/v1/care/cases", ("counselor",)),
    ("get", "/api/v1/care/my/requests", ("cadre",)),
    ("get", "/api/v1/care/aggregates?year=2026", ("org", "outsider_org")),
)


def test_role_matrix_of_the_api(personas: Personas, case: Case) -> None:
    """Each endpoint answers its roles and 403 with the JSON error to every other one."""
    users = personas.all_users()
    paths = [*API, ("get", f"/api/v1/care/cases/{case.pk}", ("counselor",))]
    for method, path, allowed in paths:
        for name in EVERYONE:
            client = client_for(users[name])
            response = getattr(client, method)(path, headers=bearer(users[name]))
            if name in allowed:
                assert response.status_code == 200, (name, path, response.content)
            else:
                assert response.status_code == 403, (name, path, response.status_code)
                assert response.json()["detail"]
    for name in EVERYONE:
        if name == "counselor":
            continue
        response = client_for(users[name]).post(
            f"/api/v1/care/cases/{case.pk}/contacts",
            {"contact_on": "2026-11-20", "contact_way": "phone", "note": "x"},
            content_type="application/json",
            headers=bearer(users[name]),
        )
        assert response.status_code == 403


def test_api_counselor_reads_and_records(personas: Personas, case: Case) -> None:
    """The counselor lists cases, reads one with its notes, and records a contact."""
    headers = bearer(personas.counselor)
    client = client_for(personas.counselor)
    listed = client.get("/api/v1/care/cases", headers=headers).json()
    assert [row["reference"] for row in listed] == [case.reference]
    detail = client.get(f"/api/v1/care/cases/{case.pk}", headers=headers).json()
    assert detail["notes"][0]["body"] == NOTE_TEXT
    assert detail["request_text"] == REQUEST_TEXT
    created = client.post(
        f"/api/v1/care/cases/{case.pk}/contacts",
        {"contact_on": "2026-11-20", "contact_way": "video", "note": "第二次\n谈话"},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201
    assert created.json()["status"] == "ongoing"
    bad = client.post(
        f"/api/v1/care/cases/{case.pk}/contacts",
        {"contact_on": "2026-11-20", "contact_way": "fax", "note": "x"},
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 422
    assert client.get("/api/v1/care/cases/999999999", headers=headers).status_code == 404


def test_api_cadre_requests_and_withdraws(personas: Personas) -> None:
    """A cadre asks through the API (consent required) and withdraws."""
    headers = bearer(personas.cadre)
    client = client_for(personas.cadre)
    body = {"topic": "career", "contact_way": "phone", "contact_time": "any", "text": "想聊聊"}
    refused = client.post(
        "/api/v1/care/my/requests",
        {**body, "consent": False},
        content_type="application/json",
        headers=headers,
    )
    assert refused.status_code == 400 and "同意" in refused.json()["detail"]
    assert not Case.objects.exists()
    created = client.post(
        "/api/v1/care/my/requests",
        {**body, "consent": True},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    withdrawn = client.post(f"/api/v1/care/my/requests/{pk}/withdraw", headers=headers)
    assert withdrawn.json()["status"] == "closed"
    assert withdrawn.json()["consent_withdrawn"] is True


def test_api_aggregates_out_of_range_year(personas: Personas) -> None:
    """A year outside 2000–2100 is a 400 with a Chinese message."""
    response = client_for(personas.org).get(
        "/api/v1/care/aggregates?year=1800", headers=bearer(personas.org)
    )
    assert response.status_code == 400


def test_overdue_flag_on_home_page(personas: Personas, case: Case) -> None:
    """The counselor's home page lists the case flagged with its overdue follow-up (due on
    2026-11-17, before any day these tests run)."""
    body = client_for(personas.counselor).get("/care/").content.decode()
    assert case.reference in body and personas.cadre_a.name in body
    assert "逾期跟进 1 次" in body


def test_contact_date_is_not_prefilled(personas: Personas, case: Case) -> None:
    """The counselor chooses the day of the contact; the form does not assume today."""
    import re

    page = client_for(personas.counselor).get(f"/care/cases/{case.pk}/").content.decode()
    field = re.search(r'<input[^>]*name="contact_on"[^>]*>', page)
    assert field is not None and "value=" not in field.group(0)
