"""The scoping mechanism and the admin's role gates (等保 三员分立)."""

import pytest

from tests.conftest import Personas, client_for
from zhongjian.core.permissions import scoped
from zhongjian.org.models import Cadre


def test_scoped_rows_by_role(personas: Personas) -> None:
    """Scope: county for the organization department, unit for a unit head, self for a cadre."""

    def names(user: object) -> set[str]:
        visible = scoped(Cadre.objects.all(), user, cadre_field="id")
        return set(visible.values_list("name", flat=True))

    assert names(personas.org) == {"张伟", "李娜"}
    assert names(personas.head_a) == {"张伟"}
    assert names(personas.head_b) == {"李娜"}
    assert names(personas.cadre) == {"张伟"}
    assert names(personas.counselor) == set()
    assert names(personas.admin) == set()
    assert names(personas.auditor) == set()
    assert names(personas.outsider_org) == set()


def test_inactive_user_sees_nothing(personas: Personas) -> None:
    """A deactivated account's scope is empty."""
    personas.org.is_active = False
    assert not scoped(Cadre.objects.all(), personas.org).exists()


@pytest.mark.parametrize(
    ("persona", "path", "expected"),
    [
        ("admin", "/admin/accounts/user/", 200),
        ("admin", "/admin/org/cadre/", 403),
        ("org", "/admin/org/cadre/", 200),
        ("org", "/admin/accounts/user/", 403),
        ("head_a", "/admin/org/cadre/", 302),
        ("auditor", "/admin/", 302),
    ],
)
def test_admin_by_role(personas: Personas, persona: str, path: str, expected: int) -> None:
    """The system admin manages users but cannot read cadres; the org department the reverse."""
    assert client_for(personas.all_users()[persona]).get(path).status_code == expected


def test_org_admin_lists_only_own_county(personas: Personas) -> None:
    """The registry admin shows the organization department its own county only."""
    from tests import factories

    other = factories.unit(county=personas.outsider_org.county, name="外县单位")
    factories.cadre(unit=other, name="外县人")
    page = client_for(personas.org).get("/admin/org/cadre/").text
    assert "张伟" in page
    assert "外县人" not in page


def test_admin_cannot_change_own_role(personas: Personas) -> None:
    """The system admin's own role and scope are read-only in the user admin."""
    client = client_for(personas.admin)
    page = client.get(f"/admin/accounts/user/{personas.admin.pk}/change/").text
    assert 'name="role"' not in page
    other = client.get(f"/admin/accounts/user/{personas.org.pk}/change/").text
    assert 'name="role"' in other


def test_api_refuses_nul_characters(personas: Personas) -> None:
    """A NUL in an API query string or JSON body is a 400 with a JSON error, never a 500."""
    client = client_for(personas.org)
    response = client.get("/api/v1/pipeline/vacancies", {"tier": "a\x00b"})
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
    response = client.post(
        "/api/v1/pipeline/processes", data='{"reason": "x\\u0000"}', content_type="application/json"
    )
    assert response.status_code == 400
