"""Realtime events for browsers, sent over the channel layer only after the transaction commits."""

from __future__ import annotations

import re
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

_UNSAFE = re.compile(r"[^a-zA-Z0-9_.-]")


def group_name(*parts: str | int) -> str:
    """A channel-layer group name from parts (only ASCII letters, digits, '-', '_' and '.' allowed)."""
    return ".".join(_UNSAFE.sub("_", str(part)) for part in parts)[:99]


def send_event(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(group, {"type": "event.message", "event": event})


def send_event_on_commit(group: str, event: dict[str, Any]) -> None:
    transaction.on_commit(lambda: send_event(group, event))
