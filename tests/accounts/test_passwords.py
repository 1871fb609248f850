"""Passwords (issue #13.5): everyone changes their own; the 组织部 resets unit heads' and cadres'
with a one-time password shown once; tokens expire and die with the old password."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.conftest import Personas, bearer, client_for
from zhongjian.accounts.models import ApiToken
from zhongjian.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_account_page_shows_identity_and_scope(personas: Personas) -> None:
    """我的账号 shows name, role, scope, last login and the links to password and tokens."""
    page = client_for(personas.head_a).get(reverse("accounts:account"))
    text = page.content.decode()
    assert page["Cache-Control"] == "no-store"
    assert "单位负责人" in text and "青石镇" in text and "修改密码" in text and "API 令牌" in text


def test_user_changes_own_password_with_validators(personas: Personas) -> None:
    """A weak password is refused with the validator's message beside the field; a good one works,
    revokes the user's API tokens and writes an audit row."""
    user = personas.cadre
    headers = bearer(user)
    client = client_for(user)
    url = reverse("accounts:password")
    weak = client.post(
        url,
        {"old_password": factories.PASSWORD, "new_password": "abc", "new_password_again": "abc"},
    )
    assert weak.status_code == 200 and "至少" in weak.content.decode()
    wrong = client.post(
        url,
        {
            "old_password": "nope",
            "new_password": "Gd-Pass-2031x",
            "new_password_again": "Gd-Pass-2031x",
        },
    )
    assert "原密码不正确" in wrong.content.decode()
    ok = client.post(
        url,
        {
            "old_password": factories.PASSWORD,
            "new_password": "Gd-Pass-2031x",
            "new_password_again": "Gd-Pass-2031x",
        },
    )
    assert ok.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Gd-Pass-2031x") and user.password_changed_at is not None
    assert client.get(reverse("accounts:account")).status_code == 200  # still signed in
    assert Client(headers=headers).get("/api/v1/cadres").status_code == 401
    assert AuditLog.objects.filter(
        object_type="user", object_id=str(user.pk), summary__startswith="password_change"
    ).exists()


def test_org_resets_cadre_password_once(personas: Personas) -> None:
    """The 组织部 resets a cadre's password: the one-time password is on that response only
    (no-store), audited, and the cadre must change it at the next sign-in."""
    target = personas.cadre
    headers = bearer(target)
    client = client_for(personas.org)
    assert target.username in client.get(reverse("accounts:users")).content.decode()
    response = client.post(reverse("accounts:password_reset", args=[target.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    password = response.context["password"]
    assert password in response.content.decode()
    assert password not in client.get(reverse("accounts:users")).content.decode()
    assert Client(headers=headers).get("/api/v1/cadres").status_code == 401
    row = AuditLog.objects.get(object_type="user", summary__startswith="password_reset")
    assert row.actor_id == personas.org.pk and password not in row.summary
    fresh = Client()
    fresh.post(reverse("login"), {"username": target.username, "password": password})
    assert "_auth_user_id" in fresh.session
    assert fresh.get(reverse("overview")).url == reverse("accounts:password")
    assert fresh.get("/api/v1/cadres").status_code == 403
    fresh.post(
        reverse("accounts:password"),
        {
            "old_password": password,
            "new_password": "Nw-Pass-2031y",
            "new_password_again": "Nw-Pass-2031y",
        },
    )
    assert fresh.get(reverse("overview")).status_code == 200


@pytest.mark.parametrize("who", ["org", "counselor", "auditor", "admin"])
def test_org_cannot_reset_privileged_accounts(personas: Personas, who: str) -> None:
    """Only unit heads' and cadres' passwords are reset by the 组织部; others answer 404."""
    url = reverse("accounts:password_reset", args=[getattr(personas, who).pk])
    assert client_for(personas.org).post(url).status_code == 404


def test_reset_is_scoped(personas: Personas) -> None:
    """Another county's 组织部 gets 404; a unit head gets 403."""
    url = reverse("accounts:password_reset", args=[personas.cadre.pk])
    assert client_for(personas.outsider_org).post(url).status_code == 404
    assert client_for(personas.head_a).post(url).status_code == 403
    assert not AuditLog.objects.filter(summary__startswith="password_reset").exists()


def test_tokens_expire(personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    """A token stops working when its configured lifetime has passed."""
    settings.API_TOKEN_DAYS = 30
    headers = bearer(personas.org)
    token = ApiToken.objects.get(user=personas.org)
    assert token.expires_at - timezone.now() > datetime.timedelta(days=29)
    assert Client(headers=headers).get("/api/v1/cadres").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert Client(headers=headers).get("/api/v1/cadres").status_code == 401
