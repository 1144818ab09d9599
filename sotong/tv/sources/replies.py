"""Telling a YouTube or Facebook author, on their own platform, that the studio made their comment a case
(decision 0075): the site's chat gets the studio's line at once (``services.desk.chat_refer``); for the other
two a task writes where the author will see it.

- **Facebook**: a reply under their comment, ``POST /{comment-id}/comments`` with the Page access token the
  reader already uses (it needs ``pages_manage_engagement`` besides ``pages_read_engagement``).
- **YouTube**: a message in the live chat, ``liveChatMessages.insert`` (``POST /liveChat/messages?part=snippet``,
  50 quota units, counted like the reader's calls), written as the district's channel with an OAuth access
  token obtained from a refresh token (``TV_YOUTUBE_OAUTH_*``) and kept in the cache until shortly before it
  expires. YouTube has no replies in a live chat: the message names the author with ``@``.

The platform's id of what we wrote is stored as a line of the chat (source YouTube/Facebook, the studio as
author), so when the reader later brings the same message back it is the same line, not a second one. The
outcome is on the line that became a case (``told``: sent, failed with why, or unavailable when the district's
account for the platform is not configured) and on the desk."""

from __future__ import annotations

import logging
from typing import Any

import httpx
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sotong.core.audit import audit_record
from sotong.core.events import send_event_on_commit
from sotong.tv.choices import ChatSource, ChatState
from sotong.tv.models import ChatMessage, ExternalChat
from sotong.tv.services import external
from sotong.tv.services.chat import desk_updated, public, viewers_group
from sotong.tv.sources import USER_AGENT, SourceError
from sotong.tv.sources.facebook import graph_error
from sotong.tv.sources.youtube import google_error

log = logging.getLogger(__name__)

STUDIO = "소통TV 스튜디오"
INSERT_UNITS = 50
YOUTUBE_TEXT_LIMIT = 200
TOKEN_CACHE_KEY = "tv:youtube:oauth-access-token"  # noqa: S105 (a cache key, not a secret)
TIMEOUT = httpx.Timeout(15.0)

SENDING, SENT, FAILED, UNAVAILABLE = "sending", "sent", "failed", "unavailable"


def tell_text(message: ChatMessage) -> str:
    """What the author reads, in Korean (the broadcast's language), short enough for YouTube's 200."""
    text = external.korean(
        _(
            "@%(author)s 님의 의견을 민원 %(number)s(으)로 접수했습니다. 구청 누리집 민원 조회에서 확인하실 수 있습니다."
        )
        % {"author": message.author, "number": message.case_reference}
    )
    return text[:YOUTUBE_TEXT_LIMIT]


def youtube_configured() -> bool:
    return bool(
        settings.TV_YOUTUBE_OAUTH_CLIENT_ID
        and settings.TV_YOUTUBE_OAUTH_CLIENT_SECRET
        and settings.TV_YOUTUBE_OAUTH_REFRESH_TOKEN
    )


def facebook_configured() -> bool:
    return bool(settings.TV_FACEBOOK_ACCESS_TOKEN)


def youtube_access_token(client: httpx.Client, *, fresh: bool = False) -> str:
    """An access token for the district's channel, from the refresh token; cached until a minute before
    Google's ``expires_in``."""
    if not fresh and (token := cache.get(TOKEN_CACHE_KEY)):
        return str(token)
    response = client.post(
        settings.TV_GOOGLE_TOKEN_URL,
        data={
            "grant_type": "refresh_token",
            "client_id": settings.TV_YOUTUBE_OAUTH_CLIENT_ID,
            "client_secret": settings.TV_YOUTUBE_OAUTH_CLIENT_SECRET,
            "refresh_token": settings.TV_YOUTUBE_OAUTH_REFRESH_TOKEN,
        },
    )
    body = _json(response)
    token = body.get("access_token") if isinstance(body, dict) else None
    if response.status_code != 200 or not token:
        raise SourceError(
            external.korean(
                _(
                    "YouTube 채널 인증이 거절되었습니다(%(error)s). TV_YOUTUBE_OAUTH_REFRESH_TOKEN을 새로 받아 주세요."
                )
                % {
                    "error": (body or {}).get("error", response.status_code)
                    if isinstance(body, dict)
                    else "-"
                }
            ),
            permanent=True,
            code="oauth",
        )
    lifetime = int(body.get("expires_in") or 3600)
    cache.set(TOKEN_CACHE_KEY, token, max(60, lifetime - 60))
    return str(token)


def youtube_insert(
    client: httpx.Client, *, chat: ExternalChat, text: str, api_base: str | None = None
) -> str:
    """Write ``text`` in the live chat as the district's channel; returns the new message's id."""
    base = api_base or settings.TV_YOUTUBE_API_BASE
    payload = {
        "snippet": {
            "liveChatId": chat.target_id,
            "type": "textMessageEvent",
            "textMessageDetails": {"messageText": text},
        }
    }
    for attempt in (1, 2):
        token = youtube_access_token(client, fresh=attempt == 2)
        external.quota_spend(chat.pk, units=INSERT_UNITS, at=timezone.now())
        response = client.post(
            f"{base}/liveChat/messages",
            params={"part": "snippet"},
            json=payload,
            headers={"Authorization": f"Bearer {token}"},
        )
        if response.status_code == 401 and attempt == 1:
            continue  # revoked or expired early: one new token, once
        body = _json(response)
        if response.status_code == 200 and isinstance(body, dict) and body.get("id"):
            return str(body["id"])
        limit = settings.TV_YOUTUBE_DAILY_QUOTA
        raise google_error(
            response.status_code,
            body,
            limit=limit,
            resets_at=external.quota_day_end(timezone.now()).astimezone(external.SEOUL),
        )
    raise AssertionError("unreachable")


def facebook_reply(client: httpx.Client, *, comment_id: str, text: str, graph_base: str | None = None) -> str:
    """Reply under the comment as the Page; returns the reply's id."""
    base = graph_base or settings.TV_FACEBOOK_GRAPH_BASE
    response = client.post(
        f"{base}/{comment_id}/comments",
        data={"message": text, "access_token": settings.TV_FACEBOOK_ACCESS_TOKEN},
    )
    body = _json(response)
    if response.status_code == 200 and isinstance(body, dict) and body.get("id"):
        return str(body["id"])
    raise graph_error(response.status_code, body)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _record(message: ChatMessage, told: str, note: str = "") -> None:
    ChatMessage.objects.filter(pk=message.pk).update(told=told, told_note=note[:200])
    message.told, message.told_note = told, note[:200]


def tell_author(message_id: int, *, client: httpx.Client | None = None) -> str:
    """Tell the author of a YouTube or Facebook line that became a case; returns the outcome."""
    message = ChatMessage.objects.select_related("broadcast").get(pk=message_id)
    if message.source == ChatSource.SITE or not message.case_reference or message.told == SENT:
        return message.told
    chat = ExternalChat.objects.filter(broadcast_id=message.broadcast_id, platform=message.source).first()
    configured = youtube_configured() if message.source == ChatSource.YOUTUBE else facebook_configured()
    if chat is None or not configured or not message.external_id:
        note = external.korean(_("구청 계정이 연결되어 있지 않아 작성자에게 알리지 못했습니다."))
        _record(message, UNAVAILABLE, note)
        return UNAVAILABLE
    text = tell_text(message)
    own = client or httpx.Client(timeout=TIMEOUT, headers={"User-Agent": USER_AGENT})
    try:
        if message.source == ChatSource.YOUTUBE:
            written = youtube_insert(own, chat=chat, text=text)
        else:
            written = facebook_reply(own, comment_id=message.external_id, text=text)
    except SourceError as error:
        _record(message, FAILED, error.reason)
        audit_record(
            action="tv.chat.tell_failed",
            actor=None,
            target=message,
            detail={"case": message.case_reference, "why": error.reason},
        )
        desk_updated(message)
        return FAILED
    except httpx.HTTPError as error:
        log.warning("Telling the author of %s failed: %s", message.pk, error)
        _record(
            message, FAILED, external.korean(_("플랫폼에 연결하지 못했습니다. 잠시 후 다시 시도해 주세요."))
        )
        desk_updated(message)
        return FAILED
    finally:
        if client is None:
            own.close()
    with transaction.atomic():
        line, created = ChatMessage.objects.get_or_create(
            broadcast_id=message.broadcast_id,
            source=message.source,
            external_id=written,
            defaults={
                "author": STUDIO,
                "body": text,
                "posted_at": timezone.now(),
                "state": ChatState.VISIBLE,
            },
        )
        _record(message, SENT)
        audit_record(
            action="tv.chat.told",
            actor=None,
            target=message,
            detail={"case": message.case_reference, "platform": message.source, "id": written},
        )
        if created:
            send_event_on_commit(
                viewers_group(message.broadcast_id), {"type": "chat", "message": public(line)}
            )
        desk_updated(message)
    return SENT
