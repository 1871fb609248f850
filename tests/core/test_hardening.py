"""Smaller hardening (issue #8.12): bad API input gets the JSON error, never an HTML 400/500;
security headers on every page; no caching of signed-in pages."""

import json

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.conftest import Personas, bearer, client_for
from zhongjian.core.middleware import RejectNulMiddleware


def _refusal(body: bytes, content_type: str = "application/json"):  # type: ignore[no-untyped-def]
    request = RequestFactory().post("/api/v1/x", data=body, content_type=content_type)
    return RejectNulMiddleware._refusal(request)


def test_lone_surrogates_refused_pairs_pass() -> None:
    """A lone high or low surrogate escape is refused; a real pair (an emoji), an escaped
    backslash before "ud800" and plain text pass."""
    assert _refusal(json.dumps({"note": "\ud800"}).encode()).status_code == 400
    assert _refusal(b'{"note": "x\\udc00"}').status_code == 400
    assert _refusal(b'{"a": [{"b": "\\ud800"}]}').status_code == 400
    assert _refusal(json.dumps({"note": "😀"}).encode()) is None
    assert _refusal(b'{"note": "\\\\ud800 is text"}') is None
    assert _refusal(json.dumps({"note": "干部"}, ensure_ascii=False).encode()) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"name": "\\ud800"}', "application/json"),
        (b"name=\x00", "text/plain"),
        (b"name=%00", "application/x-www-form-urlencoded"),
        (b'{"name": "\\u0000"}', "application/json"),
    ],
    ids=["surrogate", "nul-text-plain", "nul-form", "nul-json"],
)
def test_bad_bodies_get_the_json_error(personas: Personas, body: bytes, content_type: str) -> None:
    """Through the API: the JSON error format with a Chinese message and a 400."""
    client = Client(headers=bearer(personas.org))
    response = client.post("/api/v1/cadres", data=body, content_type=content_type)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"detail", "errors"}


@pytest.mark.django_db
def test_oversized_body_gets_the_json_error(personas: Personas) -> None:
    """A 25 MB body gets the JSON error, not Django's HTML 400."""
    client = Client(headers=bearer(personas.org))
    body = b'{"name": "' + b"x" * (25 * 1024 * 1024) + b'"}'
    response = client.post("/api/v1/cadres", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "过大" in response.json()["detail"]


@pytest.mark.django_db
def test_security_headers_and_no_store(personas: Personas) -> None:
    """Every page has CSP and Permissions-Policy; signed-in pages and API answers are no-store."""
    login = Client().get(reverse("login"))
    assert "default-src 'self'" in login["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in login["Content-Security-Policy"]
    assert "camera=()" in login["Permissions-Policy"]
    client = client_for(personas.org)
    for url in (reverse("overview"), reverse("org:cadre_detail", args=[personas.cadre_a.pk])):
        assert client.get(url)["Cache-Control"] == "no-store"
    assert Client(headers=bearer(personas.org)).get("/api/v1/cadres")["Cache-Control"] == "no-store"
