"""Stream keys: a producer's encoder publishes to a broadcast with its key. A key is shown once when
issued and kept only as a keyed digest (core.crypto), like the Open311 keys; issuing a new one
revokes the old."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from sotong.accounts.models import User
from sotong.core.audit import audit_record
from sotong.tv.models import Broadcast

KEY_PREFIX = "sotong-tv-"
# 32 random bytes: as strong as the digest that keeps it.
KEY_BYTES = 32
# The longest key anyone may send: anything longer is refused before it is digested.
KEY_MAX_LENGTH = 120


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(KEY_BYTES)


def key_digest(raw: str) -> str:
    from sotong.core.crypto import digest

    return digest(raw)


@transaction.atomic
def stream_key_issue(broadcast: Broadcast, *, by: User, key: str | None = None) -> str:
    """A new stream key for the broadcast, returned this once; the one before stops working. ``key`` gives
    the key instead of drawing one (the demo's, printed in its banner)."""
    broadcast = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
    raw = key or new_key()
    broadcast.stream_key_digest = key_digest(raw)
    broadcast.stream_key_hint = raw[-4:]
    broadcast.stream_key_issued_at = timezone.now()
    broadcast.stream_key_issued_by = by
    broadcast.stream_key_revoked_at = None
    broadcast.save(
        update_fields=[
            "stream_key_digest",
            "stream_key_hint",
            "stream_key_issued_at",
            "stream_key_issued_by",
            "stream_key_revoked_at",
            "updated_at",
        ]
    )
    audit_record(
        action="tv.stream_key_issued", actor=by, target=broadcast, detail={"hint": broadcast.stream_key_hint}
    )
    return raw


@transaction.atomic
def stream_key_revoke(broadcast: Broadcast, *, by: User) -> None:
    broadcast = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
    if not broadcast.stream_key_digest or broadcast.stream_key_revoked_at is not None:
        return
    broadcast.stream_key_revoked_at = timezone.now()
    broadcast.save(update_fields=["stream_key_revoked_at", "updated_at"])
    audit_record(
        action="tv.stream_key_revoked", actor=by, target=broadcast, detail={"hint": broadcast.stream_key_hint}
    )
