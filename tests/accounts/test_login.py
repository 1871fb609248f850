"""Sign-in, lockout, password rules and the idle timeout."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.conftest import Personas
from tests.factories import PASSWORD


def test_login_page_is_chinese(client) -> None:  # type: ignore[no-untyped-def]
    """The login page speaks Chinese."""
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录中坚" in response.text


def test_login_and_logout(personas: Personas, client) -> None:  # type: ignore[no-untyped-def]
    """A correct password signs in and lands on the overview; logout signs out."""
    response = client.post(
        reverse("login"), {"username": personas.org.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("overview")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("overview")).status_code == 302


def test_wrong_password_shows_message(personas: Personas, client) -> None:  # type: ignore[no-untyped-def]
    """A wrong password shows a Chinese message, not an error page."""
    response = client.post(
        reverse("login"), {"username": personas.org.username, "password": "nope"}
    )
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.text


def test_lockout_after_five_failures(personas: Personas, client) -> None:  # type: ignore[no-untyped-def]
    """After 5 failed logins the account is locked, even with the right password."""
    for _ in range(5):
        client.post(reverse("login"), {"username": personas.org.username, "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": personas.org.username, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "暂时锁定" in response.text


@pytest.mark.parametrize("password", ["short1A", "alllowercase", "lowerUPPER", "12345678a"])
def test_weak_passwords_are_refused(password: str) -> None:
    """Passwords need 8 characters and three character classes."""
    with pytest.raises(ValidationError):
        validate_password(password)


def test_strong_password_passes() -> None:
    """A long password with three classes passes."""
    validate_password("Kx7-penguin-lamp")


def test_idle_timeout_is_thirty_minutes() -> None:
    """Sessions expire after 30 idle minutes by default and every request renews them."""
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
