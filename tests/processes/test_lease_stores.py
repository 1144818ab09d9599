"""The scheduler's lease, in the database (embedded) and in Redis (scaled): one holder at a time."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from typing import Any

import pytest

from sotong.core.leases import DatabaseLeaseStore, LeaseStore, RedisLeaseStore

TTL = 30
SHORT_TTL = 1


@pytest.fixture(
    params=[
        pytest.param("database", marks=pytest.mark.django_db),
        pytest.param("redis", marks=pytest.mark.redis),
    ]
)
def store(request: Any) -> Iterator[LeaseStore]:
    if request.param == "database":
        yield DatabaseLeaseStore()
        return
    redis_store = RedisLeaseStore(request.getfixturevalue("redis_url"))
    try:
        yield redis_store
    finally:
        redis_store.client.close()


@pytest.fixture
def name() -> str:
    # A lease of its own per test: a real scheduler on the same Redis never sees it.
    return f"test-{secrets.token_hex(4)}"


def test_a_free_lease_is_acquired(store: LeaseStore, name: str) -> None:
    assert store.current(name) is None
    assert store.acquire(name, "alice", TTL) is True
    current = store.current(name)
    assert current is not None
    assert current.holder == "alice"


def test_a_second_holder_is_refused_while_the_lease_runs(store: LeaseStore, name: str) -> None:
    assert store.acquire(name, "alice", TTL)
    assert store.acquire(name, "bob", TTL) is False
    current = store.current(name)
    assert current is not None
    assert current.holder == "alice"


def test_the_holder_may_acquire_its_own_lease_again(store: LeaseStore, name: str) -> None:
    assert store.acquire(name, "alice", TTL)
    assert store.acquire(name, "alice", TTL) is True


def test_only_the_holder_renews(store: LeaseStore, name: str) -> None:
    assert store.acquire(name, "alice", SHORT_TTL)
    assert store.renew(name, "bob", TTL) is False
    assert store.renew(name, "alice", TTL) is True
    time.sleep(SHORT_TTL + 0.2)
    # Renewed for TTL seconds: still alice's after the first term ran out.
    current = store.current(name)
    assert current is not None
    assert current.holder == "alice"
    assert store.acquire(name, "bob", TTL) is False


def test_an_expired_lease_is_taken_over_and_its_old_holder_cannot_renew(store: LeaseStore, name: str) -> None:
    assert store.acquire(name, "alice", SHORT_TTL)
    time.sleep(SHORT_TTL + 0.2)
    assert store.current(name) is None
    assert store.renew(name, "alice", TTL) is False
    assert store.acquire(name, "bob", TTL) is True
    current = store.current(name)
    assert current is not None
    assert current.holder == "bob"
    assert store.renew(name, "alice", TTL) is False


def test_only_the_holder_releases(store: LeaseStore, name: str) -> None:
    assert store.acquire(name, "alice", TTL)
    store.release(name, "bob")
    current = store.current(name)
    assert current is not None
    assert current.holder == "alice"
    store.release(name, "alice")
    assert store.current(name) is None
    assert store.acquire(name, "bob", TTL) is True


def test_a_released_lease_cannot_be_renewed(store: LeaseStore, name: str) -> None:
    assert store.acquire(name, "alice", TTL)
    store.release(name, "alice")
    assert store.renew(name, "alice", TTL) is False
