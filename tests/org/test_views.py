"""Registry pages answer each persona with its scope: 404 outside it, 403 for the wrong role."""

import pytest
from django.urls import reverse

from tests.conftest import Personas, client_for

DETAIL_EXPECTATIONS = {
    # persona: (unit A page, post A page, cadre A page, cadre B page)
    "org": (200, 200, 200, 200),
    "head_a": (200, 200, 200, 404),
    "head_b": (404, 404, 404, 200),
    "cadre": (403, 403, 200, 404),
    "counselor": (403, 403, 403, 403),
    "admin": (403, 403, 403, 403),
    "auditor": (403, 403, 403, 403),
    "outsider_org": (404, 404, 404, 404),
}


@pytest.mark.parametrize("persona", DETAIL_EXPECTATIONS)
def test_detail_pages_are_scoped(personas: Personas, persona: str) -> None:
    """Detail pages answer 200 inside the persona's scope, 404 outside it, 403 for other roles."""
    client = client_for(personas.all_users()[persona])
    urls = (
        reverse("org:unit_detail", args=[personas.unit_a.pk]),
        reverse("org:post_detail", args=[personas.post_a.pk]),
        reverse("org:cadre_detail", args=[personas.cadre_a.pk]),
        reverse("org:cadre_detail", args=[personas.cadre_b.pk]),
    )
    statuses = tuple(client.get(url).status_code for url in urls)
    assert statuses == DETAIL_EXPECTATIONS[persona]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("org", 200),
        ("head_a", 200),
        ("cadre", 403),
        ("counselor", 403),
        ("admin", 403),
        ("auditor", 403),
    ],
)
def test_list_pages_by_role(personas: Personas, persona: str, expected: int) -> None:
    """Unit and cadre lists are open to the organization department and unit heads only."""
    client = client_for(personas.all_users()[persona])
    assert client.get(reverse("org:unit_list")).status_code == expected
    assert client.get(reverse("org:cadre_list")).status_code == expected


def test_unit_head_list_shows_only_own_unit(personas: Personas) -> None:
    """A unit head's cadre list holds their unit's cadres and nobody else."""
    response = client_for(personas.head_a).get(reverse("org:cadre_list"))
    assert "张伟" in response.text
    assert "李娜" not in response.text


def test_cadre_list_search_and_unit_filter(personas: Personas) -> None:
    """The organization department finds a cadre by name and narrows the list to one unit."""
    client = client_for(personas.org)
    assert "李娜" in client.get(reverse("org:cadre_list"), {"q": "李"}).text
    filtered = client.get(reverse("org:cadre_list"), {"unit": personas.unit_a.pk}).text
    assert "张伟" in filtered and "李娜" not in filtered


def test_anonymous_is_sent_to_login(personas: Personas, client) -> None:  # type: ignore[no-untyped-def]
    """Without a session every registry page redirects to the login page."""
    response = client.get(reverse("org:unit_detail", args=[personas.unit_a.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_wrong_id_is_404_not_500(personas: Personas) -> None:
    """An ID that does not exist is a 404 page, never an error."""
    client = client_for(personas.org)
    assert client.get(reverse("org:cadre_detail", args=[999999])).status_code == 404


def test_post_page_marks_mixed_posting(personas: Personas) -> None:
    """A 事业编 cadre in an administrative post is flagged as 混编混岗 on the post page."""
    personas.cadre_a.establishment = "public_institution"
    personas.cadre_a.save()
    response = client_for(personas.org).get(reverse("org:post_detail", args=[personas.post_a.pk]))
    assert "混编混岗" in response.text
