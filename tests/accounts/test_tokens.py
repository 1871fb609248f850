"""Personal API tokens: shown once, stored hashed, revocable; a bad token is always a 401."""

import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import Personas, client_for
from zhongjian.accounts.models import ApiToken
from zhongjian.core.models import AuditLog


def make_token(client: Client, name: str = "同步脚本") -> str:
    response = client.post(reverse("accounts:tokens"), {"name": name})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return response.context["new_token"]


def test_token_is_shown_once_and_stored_hashed(personas: Personas) -> None:
    """The new token appears on the page that made it and never again; only its hash is kept."""
    client = client_for(personas.org)
    raw = make_token(client)
    assert raw.startswith("zj_") and len(raw) > 40
    page = client.get(reverse("accounts:tokens")).content.decode()
    assert raw not in page
    assert raw[:11] in page  # the prefix identifies it in the list
    token = ApiToken.objects.get(user=personas.org)
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = [str(getattr(token, field.attname)) for field in ApiToken._meta.concrete_fields]
    assert not any(raw in value for value in stored)
    assert AuditLog.objects.filter(object_type="api_token", action="create").count() == 1


def test_token_authenticates_until_revoked(personas: Personas) -> None:
    """A token works as its owner; after revocation it is a 401 with the error format."""
    client = client_for(personas.org)
    raw = make_token(client)
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    assert api.get("/api/v1/units").status_code == 200
    token = ApiToken.objects.get(user=personas.org)
    assert token.last_used_at is not None

    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    response = api.get("/api/v1/units")
    assert (response.status_code, response.json()) == (
        401,
        {"detail": "未登录或令牌无效。", "errors": []},
    )


@pytest.mark.parametrize(
    "header",
    [
        "Bearer zj_forgedforgedforgedforgedforgedforgedforged",
        "Bearer not-even-ours",
        "Bearer " + "zj_" + "x" * 200,
    ],
)
def test_forged_tokens_are_401(personas: Personas, header: str) -> None:
    """Unknown tokens are refused, even from a browser that also has a session."""
    assert Client(headers={"Authorization": header}).get("/api/v1/cadres").status_code == 401
    session = client_for(personas.org)
    assert session.get("/api/v1/cadres", headers={"Authorization": header}).status_code == 401
    assert session.get("/api/v1/cadres").status_code == 200


def test_token_of_a_deactivated_user_is_401(personas: Personas) -> None:
    """Deactivating the account stops its tokens."""
    raw = make_token(client_for(personas.head_a))
    personas.head_a.is_active = False
    personas.head_a.save()
    response = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/units")
    assert response.status_code == 401


def test_tokens_are_private(personas: Personas) -> None:
    """Nobody sees or revokes another user's token; signed-out visitors go to the login page."""
    make_token(client_for(personas.org))
    token = ApiToken.objects.get(user=personas.org)
    other = client_for(personas.head_a)
    assert token.prefix not in other.get(reverse("accounts:tokens")).content.decode()
    assert other.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert Client().get(reverse("accounts:tokens")).status_code == 302


def test_every_role_reaches_the_token_page(personas: Personas) -> None:
    """我的账号 is in everyone's menu; the token acts with the owner's scope only."""
    for user in personas.all_users().values():
        response = client_for(user).get(reverse("accounts:tokens"))
        assert response.status_code == 200
        assert "我的账号" in response.content.decode()
    raw = make_token(client_for(personas.auditor))
    assert (
        Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/units").status_code == 403
    )


def test_blank_name_and_token_limit(personas: Personas) -> None:
    """A token needs a name; at most ten are active at once."""
    client = client_for(personas.cadre)
    assert client.post(reverse("accounts:tokens"), {"name": "  "}).context["new_token"] is None
    for n in range(10):
        make_token(client, f"t{n}")
    response = client.post(reverse("accounts:tokens"), {"name": "one more"})
    assert response.status_code == 400
    assert "有效令牌已达 10 个" in response.content.decode()
