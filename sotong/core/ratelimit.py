"""A fixed-window rate limit in the cache (Redis when scaled, process memory when embedded)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    seconds: int


def client_address(request: HttpRequest) -> str:
    # uvicorn has already replaced REMOTE_ADDR with the client's address for trusted proxies.
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def hit(limit: Limit, key: str) -> bool:
    """Count one use; False when the limit for this window is already reached."""
    window = int(time.time() // limit.seconds)
    cache_key = f"ratelimit:{limit.name}:{key}:{window}"
    timeout = limit.seconds + 5
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        # One round trip: INCR creates the counter at 1, EXPIRE keeps it from outliving its window.
        # (Django's add + incr took three: SET NX, then EXISTS and INCRBY for every later use.)
        full_key = cache.make_and_validate_key(cache_key)
        client = cache._cache.get_client(full_key, write=True)  # type: ignore[attr-defined]
        with client.pipeline(transaction=False) as pipe:
            pipe.incr(full_key)
            pipe.expire(full_key, timeout)
            used, _expiry_set = pipe.execute()
        return int(used) <= limit.count
    if cache.add(cache_key, 1, timeout=timeout):
        return True
    try:
        used = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=timeout)
        return True
    return int(used) <= limit.count


def allow(request: HttpRequest, limit: Limit, key: str | None = None) -> bool:
    return hit(limit, key or client_address(request))
