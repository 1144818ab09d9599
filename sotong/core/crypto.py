"""Encryption of personal data at rest, and keyed digests to find a record by it.

Keys come from FIELD_ENCRYPTION_KEYS (comma-separated Fernet keys, newest first, so old keys keep
decrypting while new writes use the first). In DEBUG a key is derived from SECRET_KEY so the demo
needs no setup; production refuses to start without the setting.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@functools.cache
def _fernet() -> MultiFernet:
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    return MultiFernet([Fernet(key) for key in keys])


@functools.cache
def _digest_key() -> bytes:
    return hashlib.sha256(b"sotong-digest:" + settings.FIELD_ENCRYPTION_KEYS[0].encode()).digest()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("the value cannot be decrypted with the configured keys") from exc


def digest(value: str) -> str:
    """A keyed digest for exact lookups (e.g. all cases from one phone number) without the plain value."""
    return hmac.new(_digest_key(), value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Stores text encrypted; reads it back decrypted. Empty stays empty (nothing to hide)."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value))
