"""Rate limits count exactly, per bucket and window, in the per-process cache and in Redis."""

import datetime
import threading
import time
import uuid
import zoneinfo
from typing import Any

import pytest
from django.core.cache import cache

from zhongjian.core.ratelimit import (
    Limit,
    _client,
    rate_exceeded,
    rate_gate,
    rate_hit,
    rate_reset,
)

# The start of the current 10-minute window: counters expire at a window boundary in real time
# (Redis's EXPIREAT), so a window long past would be gone at once.
NOW = float(int(time.time()) // 600 * 600)


@pytest.fixture(params=["cache", "redis"])
def backend(request: pytest.FixtureRequest) -> str:
    """Each test once with the counts in Django's cache and once in Redis."""
    cache.clear()
    if request.param == "redis":
        request.getfixturevalue("shared_rates")
    return request.param


def _scope() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def test_hits_are_counted_per_bucket_and_window(backend: str) -> None:
    scope = _scope()
    results = [
        rate_hit(scope=scope, bucket="10.0.0.66", limit=10, window_seconds=600, now=NOW)
        for _ in range(30)
    ]
    assert results == [True] * 10 + [False] * 20
    assert rate_exceeded(scope=scope, bucket="10.0.0.66", limit=10, window_seconds=600, now=NOW)
    assert not rate_exceeded(scope=scope, bucket="10.0.0.7", limit=10, window_seconds=600, now=NOW)
    assert rate_hit(scope=scope, bucket="10.0.0.7", limit=10, window_seconds=600, now=NOW)
    # The next window starts afresh; a reset forgets this window's count.
    assert rate_hit(scope=scope, bucket="10.0.0.66", limit=10, window_seconds=600, now=NOW + 600)
    rate_reset(scope=scope, bucket="10.0.0.66", window_seconds=600, now=NOW)
    assert not rate_exceeded(scope=scope, bucket="10.0.0.66", limit=10, window_seconds=600, now=NOW)


def test_gate_looks_at_one_limit_and_counts_the_other(backend: str) -> None:
    guesses, lookups = Limit(_scope(), 3, 600), Limit(_scope(), 5, 600)

    def gate(bucket: str = "10.0.0.1") -> bool:
        return rate_gate(bucket=bucket, check=guesses, hit=lookups, now=NOW)

    assert [gate() for _ in range(7)] == [True] * 5 + [False] * 2
    other = "10.0.0.2"
    assert gate(other)
    for _ in range(3):  # three wrong codes use up the other address's guesses
        rate_hit(scope=guesses.scope, bucket=other, limit=3, window_seconds=600, now=NOW)
    assert not gate(other)
    # Refused for its guesses, the address's lookups were not counted: 1 of 5 so far.
    assert not rate_exceeded(
        scope=lookups.scope, bucket=other, limit=2, window_seconds=600, now=NOW
    )


def test_concurrent_hits_lose_no_count(backend: str) -> None:
    """8 threads count 200 events against a limit of 100: exactly 100 are let through."""
    scope, allowed, lock = _scope(), [], threading.Lock()
    start = threading.Barrier(8)

    def worker() -> None:
        start.wait()
        mine = [
            rate_hit(scope=scope, bucket="b", limit=100, window_seconds=600, now=NOW)
            for _ in range(25)
        ]
        with lock:
            allowed.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 100
    assert rate_exceeded(scope=scope, bucket="b", limit=200, window_seconds=600, now=NOW)
    assert not rate_exceeded(scope=scope, bucket="b", limit=201, window_seconds=600, now=NOW)


def test_redis_keeps_a_keyed_hash_for_two_windows_at_most(shared_rates: str) -> None:
    import redis

    scope = _scope()
    rate_hit(scope=scope, bucket="10.0.0.66", limit=10, window_seconds=600)
    rate_gate(bucket="10.0.0.66", check=Limit(_scope(), 1, 60), hit=Limit(scope, 10, 600))
    client: Any = redis.Redis.from_url(shared_rates)
    keys = client.keys(f"zj:rate:{scope}:*")
    assert len(keys) == 1 and b"10.0.0.66" not in keys[0]
    assert int(client.get(keys[0])) == 2
    assert 0 < client.ttl(keys[0]) <= 1200


def test_redis_counts_on_after_a_script_flush_and_a_dropped_connection(shared_rates: str) -> None:
    """A restarted Redis knows no scripts and has closed every connection: the next call loads
    the script again on a new connection and counts on."""
    import redis

    scope = _scope()
    admin: Any = redis.Redis.from_url(shared_rates)
    assert rate_hit(scope=scope, bucket="b", limit=3, window_seconds=600, now=NOW)
    mine = _client(shared_rates).call("CLIENT", "ID")  # this thread's connection
    admin.script_flush()
    assert admin.client_kill_filter(_id=mine) == 1
    assert rate_hit(scope=scope, bucket="b", limit=3, window_seconds=600, now=NOW)
    assert rate_gate(bucket="b", check=Limit(_scope(), 1, 600), hit=Limit(scope, 3, 600), now=NOW)
    assert not rate_hit(scope=scope, bucket="b", limit=3, window_seconds=600, now=NOW)


def test_a_counters_lifetime_does_not_date_its_first_event(shared_rates: str) -> None:
    """The adversary reads Redis (keys, values, expiry): two buckets whose first events of a
    window came 395 seconds apart expire at the same second, the window's boundary."""
    import redis

    scope = _scope()
    rate_hit(scope=scope, bucket="early", limit=5, window_seconds=600, now=NOW + 5)
    rate_gate(bucket="late", check=Limit(_scope(), 5, 600), hit=Limit(scope, 5, 600), now=NOW + 400)
    client: Any = redis.Redis.from_url(shared_rates)
    keys = client.keys(f"zj:rate:{scope}:*")
    assert len(keys) == 2
    assert {client.expiretime(key) for key in keys} == {int(NOW) + 1200}


def test_a_daily_limit_ends_at_local_midnight(backend: str) -> None:
    """The board's "请明天再试" holds: a day's count ends at midnight in TIME_ZONE (Beijing),
    not at 08:00 there (midnight UTC)."""
    zone = zoneinfo.ZoneInfo("Asia/Shanghai")
    day = datetime.datetime.now(tz=zone).date() + datetime.timedelta(days=2)
    midnight = datetime.datetime.combine(day, datetime.time(0), tzinfo=zone).timestamp()
    scope, day_seconds = _scope(), 24 * 3600

    def hit(at: float) -> bool:
        return rate_hit(scope=scope, bucket="b", limit=1, window_seconds=day_seconds, now=at)

    assert hit(midnight - 60)  # 23:59
    assert hit(midnight + 60)  # 00:01: another day
    assert not hit(midnight + 8 * 3600 + 60)  # 08:01: still the same day
