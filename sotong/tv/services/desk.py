"""The studio's question desk and the chat's settings.

A question (a viewer ticked "스튜디오에 질문", or a moderator sent a line to the desk) waits in the
queue; the producer puts one on air (the overlay page and every viewer see it), then marks it answered
— an answered question is a chapter of the recording — or passes. A line that needs follow-up becomes a
voice case in one step (through sotong.core.referrals), and the chat tells its author the case number.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sotong.core.audit import audit_record
from sotong.core.events import send_event_on_commit
from sotong.core.queue import enqueue_on_commit
from sotong.core.referrals import Referral, can_refer, refer_case
from sotong.tv.choices import ChatMode, ChatSource, ChatState, DeskState
from sotong.tv.models import Broadcast, ChatMessage, ModeratorShift
from sotong.tv.services.chat import (
    ChatRefused,
    desk_updated,
    public,
    viewers_group,
)

STUDIO = "소통TV 스튜디오"
MOVES = {
    DeskState.QUEUED: {DeskState.NONE, DeskState.DISMISSED, DeskState.ANSWERED, DeskState.ON_AIR},
    DeskState.ON_AIR: {DeskState.QUEUED, DeskState.NONE, DeskState.DISMISSED},
    DeskState.ANSWERED: {DeskState.ON_AIR},
    DeskState.DISMISSED: {DeskState.NONE, DeskState.QUEUED},
}


@transaction.atomic
def desk_move(*, message: ChatMessage, to: str, by: Any) -> ChatMessage:
    """Queue, put on air, mark answered or pass a line. One line is on air at a time."""
    message = ChatMessage.objects.select_for_update().get(pk=message.pk)
    if to not in MOVES:
        raise ChatRefused("bad_move", _("알 수 없는 요청입니다."))
    if message.state != ChatState.VISIBLE:
        raise ChatRefused("not_visible", _("게시된 채팅만 방송에 소개할 수 있습니다."))
    if message.desk_state == to:
        return message
    now = timezone.now()
    if to == DeskState.ON_AIR:
        for other in ChatMessage.objects.filter(
            broadcast_id=message.broadcast_id, desk_state=DeskState.ON_AIR
        ):
            # The line that was on air has been dealt with on air: answered.
            other.desk_state, other.desk_changed_at = DeskState.ANSWERED, now
            other.save(update_fields=["desk_state", "desk_changed_at"])
            desk_updated(other)
    was_on_air = message.desk_state == DeskState.ON_AIR
    message.desk_state, message.desk_changed_at = to, now
    if to == DeskState.QUEUED:
        message.is_question = True
    message.save(update_fields=["desk_state", "desk_changed_at", "is_question"])
    audit_record(action=f"tv.desk.{to}", actor=by, target=message)
    desk_updated(message)
    if to == DeskState.ON_AIR:
        send_event_on_commit(
            viewers_group(message.broadcast_id), {"type": "on_air", "message": public(message)}
        )
    elif was_on_air:
        send_event_on_commit(viewers_group(message.broadcast_id), {"type": "on_air", "message": None})
    return message


@transaction.atomic
def chat_settings(*, broadcast: Broadcast, mode: str, slow_seconds: int, by: Any) -> Broadcast:
    if mode not in ChatMode.values:
        raise ChatRefused("bad_mode", _("알 수 없는 채팅 방식입니다."))
    if not 0 <= slow_seconds <= 300:
        raise ChatRefused("bad_slow", _("느린 채팅은 0초에서 300초 사이로 정해 주세요."))
    broadcast.chat_mode, broadcast.chat_slow_seconds = mode, slow_seconds
    broadcast.save(update_fields=["chat_mode", "chat_slow_seconds", "updated_at"])
    audit_record(
        action="tv.chat.settings", actor=by, target=broadcast, detail={"mode": mode, "slow": slow_seconds}
    )
    send_event_on_commit(
        viewers_group(broadcast.pk), {"type": "settings", "mode": mode, "slow": slow_seconds}
    )
    return broadcast


def chat_refer(*, message: ChatMessage, by: Any) -> str:
    """Make a line a voice case (routed like any other); returns the case number. The author is told in the
    chat (site), or on YouTube or Facebook by a task (``sources.replies.tell_author``) whose outcome the desk
    shows."""
    if message.case_reference:
        return message.case_reference
    if not can_refer():
        raise ChatRefused("no_desk", _("민원 접수 기능이 설치되어 있지 않습니다."))
    broadcast = message.broadcast
    with transaction.atomic():
        number = refer_case(
            Referral(
                channel="tv_chat",
                external_id=f"tv-chat-{message.pk}",
                text=message.body,
                author=message.author,
                received_at=message.posted_at,
                context=f"소통TV {broadcast.title_ko} ({timezone.localtime(broadcast.starts_at):%Y-%m-%d}) "
                f"{message.get_source_display()} 채팅",
            )
        )
        message.case_reference = number
        if message.source != ChatSource.SITE:
            from sotong.tv.tasks import tell_author

            message.told = "sending"
            enqueue_on_commit(tell_author, message_id=message.pk)
        message.save(update_fields=["case_reference", "told"])
        audit_record(action="tv.chat.refer", actor=by, target=message, detail={"case": number})
        desk_updated(message)
        if message.source == ChatSource.SITE:
            reply = ChatMessage.objects.create(
                broadcast=broadcast,
                source=ChatSource.SITE,
                author=STUDIO,
                body=_(
                    "%(author)s님의 의견을 민원 %(number)s(으)로 접수했습니다. 민원 처리 상황 조회에서 확인하실 수 있습니다."
                )
                % {"author": message.author, "number": number},
                posted_at=timezone.now(),
            )
            send_event_on_commit(viewers_group(broadcast.pk), {"type": "chat", "message": public(reply)})
    return number


@transaction.atomic
def shift_take_over(*, broadcast: Broadcast, by: Any) -> ModeratorShift:
    """The incoming moderator takes the chat over: the shift on duty ends, theirs begins."""
    now = timezone.now()
    current = (
        ModeratorShift.objects.select_for_update().filter(broadcast=broadcast, ended_at__isnull=True).first()
    )
    if current is not None and current.moderator_id == by.pk:
        return current
    if current is not None:
        current.ended_at = now
        current.save(update_fields=["ended_at"])
    shift = ModeratorShift.objects.create(broadcast=broadcast, moderator=by, started_at=now)
    audit_record(
        action="tv.shift.take_over",
        actor=by,
        target=broadcast,
        detail={"from": current.moderator.get_username() if current else ""},
    )
    return shift


@transaction.atomic
def shift_note(*, broadcast: Broadcast, by: Any, note: str) -> ModeratorShift:
    """The moderator on duty leaves a note for whoever takes over (what is pending, who to watch)."""
    shift = (
        ModeratorShift.objects.select_for_update().filter(broadcast=broadcast, ended_at__isnull=True).first()
    )
    if shift is None or shift.moderator_id != by.pk:
        raise ChatRefused(
            "not_on_duty", _("지금 당번인 운영자만 인계 메모를 쓸 수 있습니다. 먼저 당번을 이어받으세요.")
        )
    shift.note = note.strip()[:2000]
    shift.save(update_fields=["note"])
    return shift
