from __future__ import annotations

import secrets
import time

import pytest

from sotong.connectors.kakao.callbacks import (
    Callback,
    callback_claim,
    callback_remember,
    callback_url_allowed,
)
from sotong.connectors.kakao.tests.payloads import CALLBACK_URL
from tests.clock import MONDAY_MORNING

# A callback is good for a minute after Kakao issues it.
pytestmark = pytest.mark.time_machine(MONDAY_MORNING)


def test_kakaos_callback_url_is_allowed() -> None:
    assert callback_url_allowed(CALLBACK_URL)
    assert callback_url_allowed("https://bot-api.kakao.com:443/v1/bots/b!/callback/t")


@pytest.mark.parametrize(
    "url",
    [
        "",
        "http://bot-api.kakao.com/v1/bots/b/callback/t",
        "https://evil.example/v1/bots/b/callback/t",
        "https://bot-api.kakao.com.evil.example/callback",
        "https://evil.example/?https://bot-api.kakao.com/",
        "https://bot-api.kakao.com@evil.example/callback",
        "https://user:pass@bot-api.kakao.com/callback",
        "https://bot-api.kakao.com\\@evil.example/callback",
        "https://bot-api.kakao.com:8443/callback",
        "https://127.0.0.1/callback",
        "https://[::1]/callback",
        "https://bot-api.kakao.com/callback\n",
        "file:///etc/passwd",
        "https://bot-api.kakao.com:99999/callback",
    ],
)
def test_any_other_callback_url_is_refused(url: str) -> None:
    assert not callback_url_allowed(url)


def test_a_callback_is_valid_for_under_a_minute() -> None:
    callback = Callback(url=CALLBACK_URL, issued_at=1000.0)
    assert callback.is_valid(1000.0)
    assert callback.is_valid(1059.9)
    assert not callback.is_valid(1060.0)
    assert not callback.is_valid(999.0)


def test_a_remembered_callback_is_claimed_once() -> None:
    user_key = secrets.token_hex(35)
    assert callback_remember(user_key=user_key, url=CALLBACK_URL)
    claimed = callback_claim(user_key=user_key)
    assert claimed is not None
    assert claimed.url == CALLBACK_URL
    assert claimed.is_valid(time.time())
    assert callback_claim(user_key=user_key) is None


def test_a_foreign_callback_url_is_not_remembered() -> None:
    user_key = secrets.token_hex(35)
    assert not callback_remember(user_key=user_key, url="https://evil.example/callback")
    assert callback_claim(user_key=user_key) is None


def test_callbacks_are_kept_apart_per_resident() -> None:
    mine, theirs = secrets.token_hex(35), secrets.token_hex(35)
    callback_remember(user_key=mine, url=CALLBACK_URL)
    assert callback_claim(user_key=theirs) is None
    assert callback_claim(user_key=mine) is not None
