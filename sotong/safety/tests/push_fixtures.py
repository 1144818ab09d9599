"""A VAPID key, the loopback Web Push receiver, and residents subscribed from their browsers."""

from __future__ import annotations

from typing import Any

import pytest

from sotong.connectors.webpush.vapid import generate_private_key, private_key_text, public_key_text
from tests.peers.webpush_receiver import Receiver

# Places in the sample district (near the dong centres).
DANGSAN1 = {"label": "집", "lat": 37.5241, "lon": 126.8991}
DANGSAN2 = {"label": "회사", "lat": 37.5330, "lon": 126.9010}
YEOUI = {"label": "부모님 댁", "lat": 37.5253, "lon": 126.9259}


@pytest.fixture
def vapid(settings: Any) -> str:
    key = generate_private_key()
    settings.WEBPUSH_ENABLED = True
    settings.WEBPUSH_VAPID_PRIVATE_KEY = private_key_text(key)
    settings.WEBPUSH_VAPID_SUBJECT = "mailto:safety@example.go.kr"
    settings.WEBPUSH_ALLOW_LOOPBACK = True
    return public_key_text(key)


@pytest.fixture
def receiver(vapid: str) -> Any:
    with Receiver(vapid_public_key=vapid) as running:
        yield running
