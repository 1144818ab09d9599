"""Open311 API keys: made once and shown once; only a keyed digest is stored."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from sotong.core.crypto import digest
from sotong.voice.models import Open311Key

KEY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
MAX_KEY_LENGTH = 200
# Writing last_used_at on every request would make each POST also a key update; a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def key_create(*, name: str) -> tuple[Open311Key, str]:
    """A new key for a client (an app, a partner). Returns the key row and the key itself."""
    name = name.strip()
    if not KEY_NAME.fullmatch(name):
        raise ValidationError(
            "A key name is 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit."
        )
    raw = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            key = Open311Key.objects.create(name=name, key_digest=digest(raw))
    except IntegrityError:
        raise ValidationError(f"A key named {name!r} exists already.") from None
    return key, raw


def key_revoke(*, name: str) -> Open311Key:
    key = Open311Key.objects.filter(name=name).first()
    if key is None:
        raise ValidationError(f"No key is named {name!r}.")
    key.is_active = False
    key.save(update_fields=["is_active"])
    return key


def keys_all() -> QuerySet[Open311Key]:
    return Open311Key.objects.order_by("name")


def key_check(*, raw: str) -> Open311Key | None:
    """The active key ``raw`` is, noting its use; None for a missing, unknown or revoked key."""
    if not raw or len(raw) > MAX_KEY_LENGTH:
        return None
    key = Open311Key.objects.filter(key_digest=digest(raw), is_active=True).first()
    if key is None:
        return None
    now = timezone.now()
    Open311Key.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION), pk=key.pk
    ).update(last_used_at=now)
    return key
