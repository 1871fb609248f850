"""三员分立 (issue #8.6, #13.2, #13.5): the system admin cannot make itself or anyone a 组织部
user, counselor or auditor alone, cannot reset their passwords, and cannot write registry rows."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.conftest import Personas, bearer, client_for
from zhongjian.accounts.models import GrantStatus, RoleGrant, User
from zhongjian.accounts.roles import Role
from zhongjian.core.models import AuditLog

pytestmark = pytest.mark.django_db


def _admin_add_user(personas: Personas, role: str, **extra: object) -> User:
    client = client_for(personas.admin)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newclerk",
            "password1": "Xy7-long-Passw0rd",
            "password2": "Xy7-long-Passw0rd",
            "usable_password": "true",
            "display_name": "新同志",
            "role": role,
            "county": personas.county.pk,
            **extra,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return User.objects.get(username="newclerk")


def test_admin_created_org_user_waits_for_the_county_org_department(personas: Personas) -> None:
    """A 组织部 account made by the admin is inactive and cannot sign in until a 组织部 user of
    the county confirms; the admin itself cannot confirm it; grant and confirmation are audited."""
    user = _admin_add_user(personas, Role.ORG_DEPARTMENT)
    assert user.is_active is False
    grant = RoleGrant.objects.get(user=user)
    assert grant.status == GrantStatus.PENDING and grant.requested_by == personas.admin
    login = Client().post(
        reverse("login"), {"username": "newclerk", "password": "Xy7-long-Passw0rd"}
    )
    assert "_auth_user_id" not in login.client.session
    decide = reverse("accounts:grant_decide", args=[grant.pk])
    assert client_for(personas.admin).post(decide, {"decision": "confirm"}).status_code == 404
    assert (
        client_for(personas.outsider_org).post(decide, {"decision": "confirm"}).status_code == 404
    )
    page = client_for(personas.org).get(reverse("accounts:account")).content.decode()
    assert "newclerk" in page
    assert client_for(personas.org).post(decide, {"decision": "confirm"}).status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.role == Role.ORG_DEPARTMENT
    assert AuditLog.objects.filter(object_type="role_grant").count() == 2
    assert AuditLog.objects.filter(object_type="user", object_id=str(user.pk)).exists()


def test_admin_cannot_promote_an_existing_user_alone(personas: Personas) -> None:
    """Changing a unit head to auditor in the admin keeps the old role until confirmed."""
    client = client_for(personas.admin)
    target = personas.head_a
    url = reverse("admin:accounts_user_change", args=[target.pk])
    response = client.post(
        url,
        {
            "username": target.username,
            "display_name": "x",
            "role": Role.AUDITOR,
            "county": personas.county.pk,
            "unit": "",
            "cadre": "",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    target.refresh_from_db()
    assert target.role == Role.UNIT_HEAD and target.unit_id == personas.unit_a.pk
    grant = RoleGrant.objects.get(user=target)
    assert grant.role == Role.AUDITOR
    # The org department does not confirm auditors; the auditor does.
    assert not client_for(personas.org).get(reverse("accounts:account")).context["grants"]
    decide = reverse("accounts:grant_decide", args=[grant.pk])
    assert client_for(personas.auditor).post(decide, {"decision": "confirm"}).status_code == 302
    target.refresh_from_db()
    assert target.role == Role.AUDITOR


def test_admin_cannot_change_own_role(personas: Personas) -> None:
    """The admin's own role, scope and activity are read-only on its own change form."""
    admin_user = personas.admin
    client = client_for(admin_user)
    form = client.get(reverse("admin:accounts_user_change", args=[admin_user.pk]))
    assert 'name="role"' not in form.content.decode()


@pytest.mark.parametrize("who", ["org", "counselor", "auditor", "cadre", "head_a"])
def test_admin_cannot_reset_business_passwords(personas: Personas, who: str) -> None:
    """The admin's password form is refused for every business or audit account (403): it could
    otherwise sign in as them."""
    target = getattr(personas, who)
    url = reverse("admin:auth_user_password_change", args=[target.pk])
    client = client_for(personas.admin)
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"password1": "Xy7-long-Passw0rd", "password2": "Xy7-long-Passw0rd"}
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert not target.check_password("Xy7-long-Passw0rd")


def test_admin_resets_another_admins_password_audited(personas: Personas) -> None:
    """An admin may reset another admin's password; it is audited and revokes their tokens."""
    other = factories.user(role=Role.SYSTEM_ADMIN, county=personas.county)
    headers = bearer(other)
    url = reverse("admin:auth_user_password_change", args=[other.pk])
    response = client_for(personas.admin).post(
        url,
        {
            "password1": "Xy7-long-Passw0rd",
            "password2": "Xy7-long-Passw0rd",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    assert AuditLog.objects.filter(
        object_type="user", object_id=str(other.pk), summary__startswith="password_reset"
    ).exists()
    assert Client(headers=headers).get("/api/v1/cadres").status_code == 401


def test_admin_reads_no_registry(personas: Personas) -> None:
    """The system admin cannot open any registry page of the admin."""
    client = client_for(personas.admin)
    for model in ("unit", "post", "cadre", "appointment", "rankgrant"):
        assert client.get(reverse(f"admin:org_{model}_changelist")).status_code == 403
    assert client.get(reverse("org:cadre_list")).status_code == 403


def test_registry_admin_is_read_only(personas: Personas) -> None:
    """One write path: POSTs to the add and change URLs of every registry model are refused, even
    for the 组织部, and nothing changes."""
    client = client_for(personas.org)
    objects = {
        "unit": personas.unit_a,
        "post": personas.post_a,
        "cadre": personas.cadre_a,
        "appointment": personas.cadre_a.appointments.first(),
        "rankgrant": None,
    }
    for model, obj in objects.items():
        add = client.post(reverse(f"admin:org_{model}_add"), {"name": "x", "title": "x"})
        assert add.status_code == 403, model
        if obj is not None:
            change_url = reverse(f"admin:org_{model}_change", args=[obj.pk])
            assert client.get(change_url).status_code == 200  # view only
            assert client.post(change_url, {"name": "改名", "title": "改名"}).status_code == 403
    personas.unit_a.refresh_from_db()
    assert personas.unit_a.name == "青石镇"


def test_rules_stay_editable_in_admin_and_audited(personas: Personas) -> None:
    """The 组织部 adds its county's holiday row in the admin; an audit row records it."""
    client = client_for(personas.org)
    response = client.post(
        reverse("admin:core_holiday_add"), {"day": "2031-10-08", "kind": "workday", "name": "调休"}
    )
    assert response.status_code == 302
    assert AuditLog.objects.filter(object_type="holiday", county_id=personas.county.pk).exists()


def test_console_bootstrap_grants_and_audits(personas: Personas) -> None:
    """`zhongjian grant_role` gives the first 组织部 user of a county its role, audited."""
    from django.core.management import call_command

    user = factories.user(role=Role.SYSTEM_ADMIN, county=None)
    call_command("grant_role", user.username, Role.ORG_DEPARTMENT, "--county", personas.county.code)
    user.refresh_from_db()
    assert (user.role, user.county_id, user.is_active) == (
        Role.ORG_DEPARTMENT,
        personas.county.pk,
        True,
    )
    row = AuditLog.objects.get(object_type="role_grant", summary__startswith="console")
    assert row.actor_id is None and row.county_id == personas.county.pk
