"""Kakao's AI-chatbot callback URL: one use, valid for one minute ("callbackUrl valid time: 1min", 1회에 한하여
사용, https://kakaobusiness.gitbook.io/main/tool/chatbot/skill_guide/ai_chatbot_callback_guide).

The skill view remembers the URL for a resident in the cache when it answered ``useCallback``; the adapter
claims it for the next delivery to that resident. voice.notify queues Kakao deliveries without a callback
URL, so this store is how the two meet (a delivery may also carry ``callback_url`` and
``callback_issued_at`` in its payload, which wins).

The URL comes in a request body, so only Kakao's host may be called (SSRF). The guide shows the field with
a placeholder only; the URLs Kakao issues look like https://bot-api.kakao.com/v1/bots/<bot id>/callback/<token>,
on the bot API host that Kakao's Event API documentation also uses. Anything else is refused.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from django.core.cache import cache

from sotong.core.crypto import digest

CALLBACK_VALID_SECONDS = 60
CALLBACK_HOSTS = frozenset({"bot-api.kakao.com"})


@dataclass(frozen=True)
class Callback:
    url: str
    issued_at: float  # epoch seconds when Kakao handed us the URL (our receipt of the skill request)

    def is_valid(self, now: float | None = None) -> bool:
        return 0 <= (now if now is not None else time.time()) - self.issued_at < CALLBACK_VALID_SECONDS


def callback_url_allowed(url: str) -> bool:
    """Only https on Kakao's callback host, default port, no credentials; checked with both parsers
    (the stdlib's and httpx's, which sends the request) so a URL the two read differently is refused."""
    if not url or len(url) > 2000 or any(ch.isspace() or ord(ch) < 32 or ch == "\\" for ch in url):
        return False
    try:
        split = urlsplit(url)
        parsed = httpx.URL(url)
        split_port = split.port
    except (ValueError, httpx.InvalidURL):
        return False
    return (
        split.scheme == "https"
        and parsed.scheme == "https"
        and split.hostname in CALLBACK_HOSTS
        and parsed.host in CALLBACK_HOSTS
        and split_port in (None, 443)
        and parsed.port in (None, 443)
        and "@" not in split.netloc
        and not parsed.userinfo
    )


def _key(user_key: str) -> str:
    return f"connectors:kakao:callback:{digest(f'kakao:{user_key}')}"


def callback_remember(*, user_key: str, url: str, issued_at: float | None = None) -> bool:
    """Keep the resident's callback URL for the adapter; False (nothing kept) for a URL we would not call."""
    if not callback_url_allowed(url):
        return False
    cache.set(
        _key(user_key),
        {"url": url, "issued_at": issued_at if issued_at is not None else time.time()},
        timeout=CALLBACK_VALID_SECONDS,
    )
    return True


def callback_claim(*, user_key: str) -> Callback | None:
    """Take the resident's callback URL, once: the first delivery that claims it uses it."""
    key = _key(user_key)
    stored = cache.get(key)
    # delete() says whether this process removed the entry, so two workers never both use one URL.
    if not isinstance(stored, dict) or not cache.delete(key):
        return None
    try:
        return Callback(url=str(stored["url"]), issued_at=float(stored["issued_at"]))
    except (KeyError, TypeError, ValueError):
        return None
