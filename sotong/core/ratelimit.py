"""A fixed-window rate limit in the cache (Redis when scaled, process memory when embedded)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache
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
    added = cache.add(cache_key, 1, timeout=limit.seconds + 5)
    if added:
        return True
    try:
        used = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=limit.seconds + 5)
        return True
    return used <= limit.count


def allow(request: HttpRequest, limit: Limit, key: str | None = None) -> bool:
    return hit(limit, key or client_address(request))
