"""The broadcast's chat: every line, from the site or from YouTube and Facebook, is stored first
(idempotently on the source's id), moderated, then shown — or held for a moderator.

Events (sent after the commit, over the channel layer, relayed from other processes in the embedded
shape): ``chat`` to the viewers' group; ``chat.held`` to the moderators' group; ``chat.removed`` when a
moderator hides a line; ``chat.pinned`` when one is pinned or unpinned.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sotong.core.audit import audit_record
from sotong.core.events import group_name, send_event_on_commit
from sotong.core.masking import mask_text
from sotong.tv.choices import BroadcastState, ChatMode, ChatSource, ChatState, DeskState, HoldReason
from sotong.tv.models import Broadcast, ChatBan, ChatMessage, ChatVote
from sotong.tv.moderation import has_link, is_profane

DEVICE_COOKIE = "sotong_tv_device"
MAX_BODY = 300
MAX_NAME = 20
# Names only the studio speaks under: a viewer cannot pass for it.
RESERVED_NAMES = ("소통TV", "스튜디오", "운영자", "관리자", "구청장", "구청")


def viewers_group(broadcast_id: int) -> str:
    return group_name("tv", "chat", broadcast_id)


def moderators_group(broadcast_id: int) -> str:
    return group_name("tv", "mod", broadcast_id)


class ChatRefused(Exception):
    """Why a line was not taken, in words for the viewer (nothing was stored)."""

    def __init__(self, code: str, message: Any) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Incoming:
    broadcast_id: int
    author: str
    body: str
    source: str = ChatSource.SITE
    posted_at: datetime | None = None
    external_id: str = ""
    author_key: str = ""  # the site: the device's digest; YouTube/Facebook: the author's id there
    address_digest: str = ""
    is_question: bool = False


def clean_text(value: str) -> str:
    """Drop control and format characters (keeps what a person can read); trim spaces."""
    kept = [
        " " if ch in "\t\n\r" else ch
        for ch in unicodedata.normalize("NFC", value)
        if ch in "\t\n\r" or unicodedata.category(ch)[0] != "C"
    ]
    return " ".join("".join(kept).split())


def check_site_line(author: str, body: str) -> tuple[str, str]:
    """What a viewer typed on the site, refused with a reason when it cannot be taken as it is."""
    if any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\t\n\r" for ch in author + body):
        raise ChatRefused("control", _("보이지 않는 제어 문자는 쓸 수 없습니다. 글자만 입력해 주세요."))
    name, text = clean_text(author), clean_text(body)
    if not name:
        raise ChatRefused("name", _("대화명을 입력해 주세요."))
    if len(name) > MAX_NAME:
        raise ChatRefused("name", _("대화명은 %(count)d자까지 쓸 수 있습니다.") % {"count": MAX_NAME})
    if is_profane(name) or has_link(name) or any(word in name.replace(" ", "") for word in RESERVED_NAMES):
        raise ChatRefused("name", _("이 대화명은 쓸 수 없습니다. 다른 대화명을 입력해 주세요."))
    if not text:
        raise ChatRefused("empty", _("보낼 내용을 입력해 주세요."))
    if len(text) > MAX_BODY:
        raise ChatRefused("long", _("한 번에 %(count)d자까지 쓸 수 있습니다.") % {"count": MAX_BODY})
    return name, text


def is_banned(broadcast_id: int, *, source: str, author_key: str, address_digest: str = "") -> bool:
    now = timezone.now()
    who = Q()
    if author_key:
        who |= Q(author_key=author_key)
    if address_digest and source == ChatSource.SITE:
        who |= Q(address_digest=address_digest)
    if not who:
        return False
    return (
        ChatBan.objects.filter(who, source=source, lifted_at__isnull=True)
        .filter(Q(broadcast_id=broadcast_id) | Q(broadcast__isnull=True))
        .filter(Q(until__isnull=True) | Q(until__gt=now))
        .exists()
    )


def hold_reason(broadcast: Broadcast, text: str) -> str:
    if has_link(text):
        return HoldReason.LINK
    if is_profane(text):
        return HoldReason.PROFANITY
    if broadcast.chat_mode == ChatMode.REVIEW:
        return HoldReason.REVIEW
    return HoldReason.NONE


def public(message: ChatMessage) -> dict[str, Any]:
    """What viewers see of a line (never the author key or address)."""
    return {
        "id": message.pk,
        "source": message.source,
        "author": message.author,
        "body": message.body,
        "at": message.posted_at.isoformat(),
        "pinned": message.pinned,
        "question": message.is_question,
        "upvotes": message.upvotes,
        "studio": message.source == ChatSource.SITE and not message.author_key,
    }


def for_moderators(message: ChatMessage) -> dict[str, Any]:
    return {
        **public(message),
        "state": message.state,
        "held_reason": message.held_reason,
        "desk_state": message.desk_state,
        "case_reference": message.case_reference,
        "told": message.told,
    }


def chat_receive(incoming: Incoming) -> tuple[ChatMessage, bool]:
    """Store a line (or find the one stored before from the same source id) and announce it.

    Returns the message and whether it was new. Raises ChatRefused (nothing stored) when the chat is
    closed, the author is banned, or (site) the line is not acceptable."""
    broadcast = Broadcast.objects.get(pk=incoming.broadcast_id)
    if incoming.source == ChatSource.SITE:
        author, text = check_site_line(incoming.author, incoming.body)
        if broadcast.state not in (BroadcastState.LIVE, BroadcastState.SCHEDULED):
            raise ChatRefused("closed", _("이 방송의 채팅은 끝났습니다."))
        if broadcast.chat_mode == ChatMode.CLOSED:
            raise ChatRefused("closed", _("지금은 채팅을 쓸 수 없습니다."))
    else:
        author = clean_text(incoming.author)[:40] or "?"
        text = clean_text(incoming.body)[:500]
        if not text:
            raise ChatRefused("empty", _("보낼 내용을 입력해 주세요."))
    if incoming.external_id:
        known = ChatMessage.objects.filter(
            broadcast=broadcast, source=incoming.source, external_id=incoming.external_id
        ).first()
        if known is not None:
            return known, False
    if is_banned(
        broadcast.pk,
        source=incoming.source,
        author_key=incoming.author_key,
        address_digest=incoming.address_digest,
    ):
        raise ChatRefused("banned", _("운영 원칙을 어겨 이 방송의 채팅에 참여할 수 없습니다."))
    reason = hold_reason(broadcast, text)
    message = ChatMessage(
        broadcast=broadcast,
        source=incoming.source,
        external_id=incoming.external_id,
        author=mask_text(author)[:40],
        author_key=incoming.author_key,
        body=mask_text(text)[:500],
        state=ChatState.HELD if reason else ChatState.VISIBLE,
        held_reason=reason,
        posted_at=incoming.posted_at or timezone.now(),
        address_digest=incoming.address_digest,
        is_question=incoming.is_question,
        desk_state=DeskState.QUEUED if incoming.is_question else DeskState.NONE,
    )
    try:
        with transaction.atomic():
            message.save()
            _announce(message)
    except IntegrityError:
        # The same source id stored meanwhile by another reader: that one stands.
        return (
            ChatMessage.objects.get(
                broadcast=broadcast, source=incoming.source, external_id=incoming.external_id
            ),
            False,
        )
    return message, True


def desk_updated(message: ChatMessage) -> None:
    """Tell the desk's screens a line's new state once the transaction commits."""
    send_event_on_commit(
        moderators_group(message.broadcast_id),
        {"type": "chat.moderation", "message": for_moderators(message)},
    )


def _announce(message: ChatMessage) -> None:
    if message.state == ChatState.VISIBLE:
        send_event_on_commit(
            viewers_group(message.broadcast_id), {"type": "chat", "message": public(message)}
        )
    desk_updated(message)


def _moderated(message: ChatMessage, by: Any, action: str, **detail: Any) -> None:
    message.moderated_by = by
    message.moderated_at = timezone.now()
    audit_record(action=f"tv.chat.{action}", actor=by, target=message, detail=detail)
    desk_updated(message)


@transaction.atomic
def chat_approve(*, message: ChatMessage, by: Any) -> ChatMessage:
    """Show a held line."""
    message = ChatMessage.objects.select_for_update().get(pk=message.pk)
    if message.state == ChatState.VISIBLE:
        return message
    message.state = ChatState.VISIBLE
    _moderated(message, by, "approve", held_reason=message.held_reason)
    message.save(update_fields=["state", "moderated_by", "moderated_at"])
    send_event_on_commit(viewers_group(message.broadcast_id), {"type": "chat", "message": public(message)})
    return message


@transaction.atomic
def chat_hide(*, message: ChatMessage, by: Any, reason: str = "") -> ChatMessage:
    message = ChatMessage.objects.select_for_update().get(pk=message.pk)
    if message.state == ChatState.HIDDEN:
        return message
    was_visible = message.state == ChatState.VISIBLE
    message.state = ChatState.HIDDEN
    message.pinned = False
    _moderated(message, by, "hide", reason=reason[:200])
    message.save(update_fields=["state", "pinned", "moderated_by", "moderated_at"])
    if was_visible:
        send_event_on_commit(viewers_group(message.broadcast_id), {"type": "chat.removed", "id": message.pk})
    return message


@transaction.atomic
def chat_pin(*, message: ChatMessage, by: Any, pinned: bool = True) -> ChatMessage:
    message = ChatMessage.objects.select_for_update().get(pk=message.pk)
    if message.state != ChatState.VISIBLE:
        raise ChatRefused("not_visible", _("게시된 채팅만 고정할 수 있습니다."))
    if pinned:
        ChatMessage.objects.filter(broadcast_id=message.broadcast_id, pinned=True).exclude(
            pk=message.pk
        ).update(pinned=False)
    message.pinned = pinned
    _moderated(message, by, "pin" if pinned else "unpin")
    message.save(update_fields=["pinned", "moderated_by", "moderated_at"])
    send_event_on_commit(
        viewers_group(message.broadcast_id),
        {"type": "chat.pinned", "message": public(message) if pinned else None},
    )
    return message


@transaction.atomic
def chat_ban(
    *,
    message: ChatMessage,
    by: Any,
    reason: str = "",
    everywhere: bool = False,
    by_address: bool = False,
    until: datetime | None = None,
) -> ChatBan:
    """Keep the author of a line out — by their device on the site (a new nickname does not help), by
    their id on YouTube or Facebook — and hide everything they wrote in this broadcast. ``by_address``
    also keeps out the internet address they wrote from (not by default: at a festival hundreds share
    one)."""
    ban = ChatBan.objects.create(
        broadcast=None if everywhere else message.broadcast,
        source=message.source,
        author_key=message.author_key,
        address_digest=message.address_digest if by_address and message.source == ChatSource.SITE else "",
        author=message.author,
        reason=reason[:200],
        message=message,
        by=by,
        until=until,
    )
    audit_record(
        action="tv.chat.ban",
        actor=by,
        target=message,
        detail={"everywhere": everywhere, "by_address": bool(ban.address_digest), "reason": reason[:200]},
    )
    theirs = ChatMessage.objects.filter(broadcast_id=message.broadcast_id, source=message.source).exclude(
        state=ChatState.HIDDEN
    )
    if message.author_key:
        theirs = theirs.filter(author_key=message.author_key)
    else:
        theirs = theirs.filter(pk=message.pk)
    for line in list(theirs):
        chat_hide(message=line, by=by, reason="ban")
    return ban


@transaction.atomic
def chat_unban(*, ban: ChatBan, by: Any) -> ChatBan:
    ban.lifted_at = timezone.now()
    ban.lifted_by = by
    ban.save(update_fields=["lifted_at", "lifted_by"])
    audit_record(action="tv.chat.unban", actor=by, target=ban.message, detail={"ban": ban.pk})
    return ban


def chat_upvote(*, message_id: int, device_digest: str) -> int:
    """A viewer's 공감 for a question, once per device; returns the count."""
    message = ChatMessage.objects.get(pk=message_id, state=ChatState.VISIBLE)
    try:
        with transaction.atomic():
            ChatVote.objects.create(message=message, device_digest=device_digest)
            ChatMessage.objects.filter(pk=message.pk).update(upvotes=F("upvotes") + 1)
    except IntegrityError:
        pass
    message.refresh_from_db(fields=["upvotes"])
    send_event_on_commit(
        viewers_group(message.broadcast_id),
        {"type": "chat.upvotes", "id": message.pk, "upvotes": message.upvotes},
    )
    desk_updated(message)
    return message.upvotes
