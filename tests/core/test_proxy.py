"""Behind a proxy (issue #8.9): X-Forwarded-For is believed only from TRUSTED_PROXIES, so audit
rows and rate limits see the real client; rate limits count in the shared cache."""

import os
import subprocess
import sys
import time

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.conftest import Personas
from zhongjian.core.middleware import request_ip
from zhongjian.core.models import AuditAction, AuditLog
from zhongjian.core.ratelimit import rate_exceeded, rate_hit, rate_reset


def _ip(settings, remote: str, forwarded: str | None, proxies: list[str]) -> str | None:  # type: ignore[no-untyped-def]
    settings.TRUSTED_PROXIES = proxies
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return request_ip(RequestFactory().get("/", **meta))


def test_forwarded_for_only_from_trusted_proxies(settings) -> None:  # type: ignore[no-untyped-def]
    """Unset, the header is ignored; from a trusted proxy the nearest untrusted hop counts; a
    client cannot put itself elsewhere by writing the header; garbage keeps the proxy address."""
    assert _ip(settings, "127.0.0.1", "6.6.6.6", []) == "127.0.0.1"
    assert _ip(settings, "127.0.0.1", "10.1.2.3", ["127.0.0.1"]) == "10.1.2.3"
    # The client wrote "6.6.6.6" itself; nginx appended the address it saw.
    assert _ip(settings, "127.0.0.1", "6.6.6.6, 10.1.2.3", ["127.0.0.1"]) == "10.1.2.3"
    # Two proxies of ours (a load balancer in 10.0.0.0/8, then nginx on localhost).
    assert (
        _ip(settings, "127.0.0.1", "10.1.2.3, 10.9.9.9", ["127.0.0.1", "10.9.0.0/16"]) == "10.1.2.3"
    )
    assert _ip(settings, "203.0.113.5", "10.1.2.3", ["127.0.0.1"]) == "203.0.113.5"
    assert _ip(settings, "127.0.0.1", "not-an-ip", ["127.0.0.1"]) == "127.0.0.1"


@pytest.mark.django_db
def test_audit_rows_carry_the_client_address(personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    """A sign-in through the proxy is audited with the client's address, not the proxy's."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.20.30.40")
    client.post(reverse("login"), {"username": personas.org.username, "password": "Test-Passw0rd!"})
    assert AuditLog.objects.get(action=AuditAction.LOGIN).ip == "10.20.30.40"


def test_one_client_cannot_exhaust_everyones_limit(settings) -> None:  # type: ignore[no-untyped-def]
    """The review's attack: 30 bad tries from one client behind the proxy. Counted per client
    address, the client is limited and another client behind the same proxy is not."""
    cache.clear()
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    attacker = _ip(settings, "127.0.0.1", "10.0.0.66", ["127.0.0.1"])
    other = _ip(settings, "127.0.0.1", "10.0.0.7", ["127.0.0.1"])
    now = float(int(time.time()) // 600 * 600)  # counters expire at a real window's end
    results = [
        rate_hit(scope="test", bucket=attacker, limit=10, window_seconds=600, now=now)
        for _ in range(30)
    ]
    assert results.count(True) == 10 and not results[-1]
    assert rate_exceeded(scope="test", bucket=attacker, limit=10, window_seconds=600, now=now)
    assert not rate_exceeded(scope="test", bucket=other, limit=10, window_seconds=600, now=now)
    assert rate_hit(scope="test", bucket=other, limit=10, window_seconds=600, now=now)
    # The next window starts afresh; a reset forgets the count.
    assert rate_hit(scope="test", bucket=attacker, limit=10, window_seconds=600, now=now + 600)
    rate_reset(scope="test", bucket=attacker, window_seconds=600, now=now)
    assert not rate_exceeded(scope="test", bucket=attacker, limit=10, window_seconds=600, now=now)
    # No address is stored in clear in the cache key.
    assert not any("10.0.0.66" in str(key) for key in getattr(cache, "_cache", {}))


def _settings_with(env: dict[str, str]) -> str:
    code = (
        "import django.conf, config.settings as s;"
        "print(s.CACHES['default']['BACKEND'], s.TRUSTED_PROXIES)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout + result.stderr


def test_settings_choose_redis_and_check_proxies() -> None:
    """REDIS_URL makes the cache Redis (shared by every worker); a bad TRUSTED_PROXIES stops the
    start with a clear message."""
    assert "RedisCache" in _settings_with({"REDIS_URL": "redis://127.0.0.1:6379/1"})
    assert "LocMemCache" in _settings_with({"REDIS_URL": ""})
    assert "TRUSTED_PROXIES holds a bad address" in _settings_with({"TRUSTED_PROXIES": "nginx"})
    assert "['127.0.0.1', '10.0.0.0/8']" in _settings_with(
        {"TRUSTED_PROXIES": "127.0.0.1,10.0.0.0/8"}
    )
