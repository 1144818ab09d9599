"""Exclusive, expiring leases: in the database (embedded) or in Redis (scaled).

A holder acquires a lease for ``ttl`` seconds and must renew it before it runs out; when a holder
dies, its lease expires and another process may take over. A holder that fails to renew has lost
the lease and must stop what it guards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from sotong.core.models import Lease


@dataclass(frozen=True)
class LeaseHolder:
    name: str
    holder: str
    until: str


class LeaseStore(Protocol):
    def acquire(self, name: str, holder: str, ttl: int) -> bool: ...
    def renew(self, name: str, holder: str, ttl: int) -> bool: ...
    def release(self, name: str, holder: str) -> None: ...
    def current(self, name: str) -> LeaseHolder | None: ...


class DatabaseLeaseStore:
    def acquire(self, name: str, holder: str, ttl: int) -> bool:
        now = timezone.now()
        expires = now + timedelta(seconds=ttl)
        with transaction.atomic():
            taken = (
                Lease.objects.filter(name=name)
                .filter(Q(expires_at__lte=now) | Q(holder=holder))
                .update(holder=holder, acquired_at=now, expires_at=expires)
            )
            if taken:
                return True
        try:
            with transaction.atomic():
                Lease.objects.create(name=name, holder=holder, acquired_at=now, expires_at=expires)
        except IntegrityError:
            return False  # someone else holds it and it has not expired
        return True

    def renew(self, name: str, holder: str, ttl: int) -> bool:
        now = timezone.now()
        return bool(
            Lease.objects.filter(name=name, holder=holder, expires_at__gt=now).update(
                expires_at=now + timedelta(seconds=ttl)
            )
        )

    def release(self, name: str, holder: str) -> None:
        Lease.objects.filter(name=name, holder=holder).delete()

    def current(self, name: str) -> LeaseHolder | None:
        lease = Lease.objects.filter(name=name, expires_at__gt=timezone.now()).first()
        if lease is None:
            return None
        return LeaseHolder(name=name, holder=lease.holder, until=lease.expires_at.isoformat())


# Compare-and-act scripts keep renew and release atomic: only the holder may touch its lease.
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


class RedisLeaseStore:
    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)

    def _key(self, name: str) -> str:
        return f"sotong:lease:{name}"

    def acquire(self, name: str, holder: str, ttl: int) -> bool:
        key = self._key(name)
        if self.client.set(key, holder, nx=True, px=ttl * 1000):
            return True
        return bool(self.client.eval(_RENEW, 1, key, holder, ttl * 1000))

    def renew(self, name: str, holder: str, ttl: int) -> bool:
        return bool(self.client.eval(_RENEW, 1, self._key(name), holder, ttl * 1000))

    def release(self, name: str, holder: str) -> None:
        self.client.eval(_RELEASE, 1, self._key(name), holder)

    def current(self, name: str) -> LeaseHolder | None:
        key = self._key(name)
        holder = self.client.get(key)
        if holder is None:
            return None
        ttl_ms = self.client.pttl(key)
        until = timezone.now() + timedelta(milliseconds=max(int(ttl_ms), 0))
        return LeaseHolder(
            name=name,
            holder=holder.decode() if isinstance(holder, bytes) else str(holder),
            until=until.isoformat(),
        )


def lease_store() -> LeaseStore:
    if settings.REDIS_URL:
        return RedisLeaseStore(settings.REDIS_URL)
    return DatabaseLeaseStore()
