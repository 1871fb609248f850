"""Fixed-window rate limits kept in the cache, keyed by a hash of a bucket (session or address).

Only a keyed hash of the bucket and a count per window are kept, for at most two windows: no
post, comment or token is ever recorded with a bucket.
"""

import time

from django.core.cache import cache

from zhongjian.core.crypto import keyed_hash
from zhongjian.core.errors import DomainError


class TooManyRequests(DomainError):
    status_code = 429


def _key(scope: str, bucket: str, window_seconds: int) -> str:
    window = int(time.time() // window_seconds)
    return f"zj:rate:{scope}:{keyed_hash(bucket, purpose=f'rate:{scope}')[:32]}:{window}"


def rate_exceeded(*, scope: str, bucket: str, limit: int, window_seconds: int) -> bool:
    """Whether ``bucket`` has already used up its ``limit`` events of this window."""
    return int(cache.get(_key(scope, bucket, window_seconds), 0)) >= limit


def rate_hit(*, scope: str, bucket: str, limit: int, window_seconds: int) -> bool:
    """Counts one event for ``bucket``; False once it is over ``limit`` in this window."""
    key = _key(scope, bucket, window_seconds)
    # The counter usually exists already: one cache operation for every event but a window's
    # first (the answering page counts every lookup).
    try:
        count = cache.incr(key)
    except ValueError:  # the window's first event (or another request creates it meanwhile)
        count = 1 if cache.add(key, 1, timeout=2 * window_seconds) else cache.incr(key)
    return count <= limit
