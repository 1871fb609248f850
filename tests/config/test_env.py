"""Typed environment helpers fail loudly on bad values and read secrets from NAME_FILE."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str, secret_from_env_or_file


def test_bool_values(monkeypatch: pytest.MonkeyPatch) -> None:
    """1/true/yes are true, 0/false/no are false, anything else is an error."""
    monkeypatch.setenv("ZJ_FLAG", "yes")
    assert env_bool("ZJ_FLAG") is True
    monkeypatch.setenv("ZJ_FLAG", "0")
    assert env_bool("ZJ_FLAG", default=True) is False
    monkeypatch.setenv("ZJ_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("ZJ_FLAG")


def test_int_values(monkeypatch: pytest.MonkeyPatch) -> None:
    """Integers parse, junk and values under the minimum are errors."""
    monkeypatch.setenv("ZJ_N", "12")
    assert env_int("ZJ_N", 1) == 12
    monkeypatch.setenv("ZJ_N", "twelve")
    with pytest.raises(ImproperlyConfigured):
        env_int("ZJ_N", 1)
    monkeypatch.setenv("ZJ_N", "0")
    with pytest.raises(ImproperlyConfigured):
        env_int("ZJ_N", 1, minimum=1)


def test_secret_from_file(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """NAME_FILE supplies a secret; a generated one is kept in its file for the next start."""
    secret_file = tmp_path / "s"
    secret_file.write_text("from-file\n")
    monkeypatch.delenv("ZJ_SECRET", raising=False)
    monkeypatch.setenv("ZJ_SECRET_FILE", str(secret_file))
    assert env_str("ZJ_SECRET") == "from-file"
    monkeypatch.setenv("ZJ_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured):
        env_str("ZJ_SECRET")
    monkeypatch.delenv("ZJ_SECRET_FILE")
    generated = secret_from_env_or_file("ZJ_SECRET", tmp_path / "gen")
    assert generated == secret_from_env_or_file("ZJ_SECRET", tmp_path / "gen")
    assert len(generated) > 40


def test_list_values(monkeypatch: pytest.MonkeyPatch) -> None:
    """Comma-separated lists drop blanks."""
    monkeypatch.setenv("ZJ_HOSTS", "a.example, b.example,,")
    assert env_list("ZJ_HOSTS", []) == ["a.example", "b.example"]
