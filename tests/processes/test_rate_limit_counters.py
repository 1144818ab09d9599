"""The rate-limit counter: one window per limit and key, in process memory (embedded) or in Redis
(scaled, one round trip per use), refusing the use after the limit until the window turns."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches

from sotong.core import ratelimit
from sotong.core.ratelimit import Limit
from tests.clock import MONDAY_MORNING

LIMIT = Limit("test.counter", count=3, seconds=600)


def _uses(key: str, times: int) -> list[bool]:
    return [ratelimit.hit(LIMIT, key) for _ in range(times)]


def _check_counting() -> None:
    assert _uses("10.0.0.1", 5) == [True, True, True, False, False]
    # Another address has its own count.
    assert _uses("10.0.0.2", 1) == [True]


# At the start of a window (windows are fixed): five uses fall in one, whenever the suite runs.
@pytest.mark.time_machine(MONDAY_MORNING)
def test_the_process_memory_counter_refuses_after_the_limit(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    caches["default"].clear()
    _check_counting()


@pytest.mark.redis
def test_the_redis_counter_refuses_after_the_limit_and_expires_with_its_window(
    settings: Any, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import redis

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "sotong-test-rl",
        }
    }
    cache = caches["default"]
    cache.delete_many(
        [f"ratelimit:{LIMIT.name}:10.0.0.{n}:{w}" for n in (1, 2) for w in (2, 3)]
    )  # a dead run's
    monkeypatch.setattr(ratelimit.time, "time", lambda: 1_200.0)  # window 2
    _check_counting()

    client = redis.Redis.from_url(redis_url)
    key = cache.make_and_validate_key(f"ratelimit:{LIMIT.name}:10.0.0.1:2")
    assert int(client.get(key) or 0) == 5
    assert 0 < client.ttl(key) <= LIMIT.seconds + 5
    # Django's cache reads the same counter (an integer, not a pickled value).
    assert cache.get(f"ratelimit:{LIMIT.name}:10.0.0.1:2") == 5

    # The next window starts again from nothing.
    monkeypatch.setattr(ratelimit.time, "time", lambda: 1_800.0)  # window 3
    assert _uses("10.0.0.1", 1) == [True]
    client.delete(key, cache.make_and_validate_key(f"ratelimit:{LIMIT.name}:10.0.0.1:3"))
    client.delete(cache.make_and_validate_key(f"ratelimit:{LIMIT.name}:10.0.0.2:2"))
