"""Fixed-window rate limits in the shared cache (issue #8.9).

The counts live in Django's default cache: per process by default, Redis when REDIS_URL is set, so
that every worker and host of a deployment counts together. Only a keyed hash of the bucket (an
address, a session, an account) and a count per window are kept, for at most two windows.

Any app may use it: `rate_hit(scope="login", bucket=request_ip(request), limit=…, window_seconds=…)`
counts one event and answers whether it is within the limit; `rate_exceeded` only looks.
"""

import time

from django.core.cache import cache

from zhongjian.core.crypto import keyed_hash
from zhongjian.core.errors import DomainError


class TooManyRequests(DomainError):
    status_code = 429


def _key(scope: str, bucket: str, window_seconds: int, now: float | None = None) -> str:
    window = int((time.time() if now is None else now) // window_seconds)
    return f"zj:rate:{scope}:{keyed_hash(bucket, purpose=f'rate:{scope}')[:32]}:{window}"


def rate_exceeded(
    *, scope: str, bucket: str, limit: int, window_seconds: int, now: float | None = None
) -> bool:
    """Whether BUCKET has already used up its LIMIT events of this window."""
    return int(cache.get(_key(scope, bucket, window_seconds, now), 0)) >= limit


def rate_hit(
    *, scope: str, bucket: str, limit: int, window_seconds: int, now: float | None = None
) -> bool:
    """Count one event for BUCKET; False once it is over LIMIT in this window.

    `add` then `incr` is atomic on Redis (INCR), so concurrent workers never lose a count.
    """
    key = _key(scope, bucket, window_seconds, now)
    cache.add(key, 0, timeout=2 * window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=2 * window_seconds)
        count = 1
    return count <= limit


def rate_reset(*, scope: str, bucket: str, window_seconds: int, now: float | None = None) -> None:
    """Forget BUCKET's count of this window (after a successful sign-in, say)."""
    cache.delete(_key(scope, bucket, window_seconds, now))
