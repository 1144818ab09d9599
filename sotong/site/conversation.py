"""The residents' KakaoTalk conversation at /kakao/skill/: one turn in, one answer out.

Open Builder calls the skill on every message and gives up after 5 seconds ("skill timeout: 5sec",
https://kakaobusiness.gitbook.io/main/tool/chatbot/skill_guide/ai_chatbot_callback_guide), so a turn only
reads, stores and answers. Connect the bot's welcome and fallback blocks to this skill with "스킬데이터
사용": the conversation is kept here, not in Open Builder blocks or contexts.

What residents can do comes from the topics the domains register (``sotong.core.conversation``); this
module keeps each resident's place, reads the commands every topic shares (menu, cancel, the answers that
waited), routes the turn to its topic and shapes the SkillResponse. Where a resident is lives in the cache
for 30 minutes under a keyed digest of their botUserKey, never the key itself.

Kakao sends a turn again when the skill was slow to answer. A turn that moved the conversation on and
arrives again unchanged gets the answer it got the first time, instead of being taken as the answer to
the next question.
"""

from __future__ import annotations

import functools
import logging
import re
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sotong.connectors.kakao.inbound import SkillRequest
from sotong.connectors.kakao.responses import (
    MAX_OUTPUTS,
    MAX_QUICK_REPLIES,
    callback_pending,
    quick_reply,
    simple_text,
    skill_response,
)
from sotong.connectors.models import Delivery
from sotong.connectors.outbox import delivery_handed_over, held_for
from sotong.core.conversation import (
    SEND,
    SKIP,
    YES,
    Conversation,
    Reply,
    Turn,
    quick,
    topic_by_key,
    topic_of_command,
    topics,
)
from sotong.core.crypto import digest
from sotong.core.i18n import DJANGO_LANGUAGES, text_language
from sotong.core.ratelimit import Limit, hit

logger = logging.getLogger(__name__)

STATE_TTL = 30 * 60
TURN_LIMIT = Limit("site.kakao", count=30, seconds=60)
# How long a turn that answered a step is answered again the same way when it arrives again.
REPEAT_WINDOW = 60
# Commands that are simply read again when repeated (they answer no step).
REREAD = {"menu", "cancel", "more"}

# Quick-reply labels (≤ 14 characters) of the commands every topic shares.
MENU = gettext_noop("처음으로")
HELP = gettext_noop("도움말")
SEND_LABEL = gettext_noop("보내기")
CANCEL = gettext_noop("취소")
SKIP_LABEL = gettext_noop("건너뛰기")
MORE = gettext_noop("남은 안내 보기")

SHARED_WORDS: dict[str, tuple[str, ...]] = {
    "menu": (
        MENU,
        HELP,
        "처음",
        "메뉴",
        "시작",
        "안녕",
        "안녕하세요",
        "menu",
        "help",
        "hi",
        "hello",
        "菜单",
        "帮助",
        "你好",
    ),
    SEND: (SEND_LABEL, "보내", "전송", "send", "submit", "发送", "提交"),
    YES: ("네", "예", "응", "확인", "yes", "ok", "好", "是", "确认"),
    "cancel": (CANCEL, "그만", "cancel", "stop", "取消"),
    SKIP: (SKIP_LABEL, "없음", "모름", "skip", "跳过"),
    "more": (MORE, "more", "更多"),
}
LETTERS = re.compile(r"[A-Za-z\uac00-\ud7a3\u4e00-\u9fff]")


def normalise(text: str) -> str:
    return " ".join(text.casefold().split()).strip(".!?~。！？ ")


def _add_words(table: dict[str, str], command: str, words: tuple[str, ...]) -> None:
    for position, word in enumerate(words):
        table.setdefault(normalise(word), command)
        if position == 0:
            # The first word is a label: a tapped quick reply sends it translated.
            for language in DJANGO_LANGUAGES.values():
                with translation.override(language):
                    table.setdefault(normalise(_(word)), command)


@functools.cache
def _commands() -> dict[str, str]:
    """Every word and every translation of a label, to its command."""
    table: dict[str, str] = {}
    for topic in topics():
        for command, words in topic.commands.items():
            _add_words(table, command, words)
    for command, words in SHARED_WORDS.items():
        _add_words(table, command, words)
    return table


def read_turn(skill: SkillRequest) -> Turn:
    text = " ".join(skill.utterance.split())
    for topic in topics():
        parsed = topic.parse(text)
        if parsed is not None:
            command, args = parsed
            return Turn(
                text=text,
                user_key=skill.user_key,
                command=command,
                args=args,
                callback_url=skill.callback_url,
            )
    return Turn(
        text=text,
        user_key=skill.user_key,
        command=_commands().get(normalise(text), ""),
        callback_url=skill.callback_url,
    )


def _language(turn: Turn, state: dict[str, Any]) -> str:
    """Free text sets the language; a command (often a Korean quick reply) keeps the one in use."""
    if turn.command and state.get("lang"):
        return str(state["lang"])
    if LETTERS.search(turn.text):
        return text_language(turn.text)
    return str(state.get("lang") or "ko")


def menu(prefix: str = "") -> Reply:
    lines = [
        _(
            "%(district)s 소통 창구입니다. 불편한 점, 궁금한 점, 제안을 보내 주시면 담당 부서가 이 대화방으로 답변합니다."
        )
        % {"district": settings.SOTONG_DISTRICT_NAME},
        "\n".join(f"· {_(line)}" for topic in topics() for line in topic.menu_lines),
        _("생명이 위험한 일은 119·112에 먼저 전화하세요."),
    ]
    text = "\n\n".join(line for line in lines if line)
    return Reply(
        f"{prefix}\n\n{text}" if prefix else text,
        quick=[quick(label) for topic in topics() for label in topic.menu],
    )


def reply_to(turn: Turn, conversation: Conversation, *, held: bool) -> Reply:
    """Route the turn: shared commands here, a topic's command to its topic, the rest to the topic under
    way (or, with none, to the topic that takes free text)."""
    command = turn.command
    under_way = topic_by_key(conversation.topic)
    if command == "menu":
        conversation.reset()
        return menu()
    if command == "cancel":
        said = under_way.cancel(conversation) if under_way is not None else ""
        conversation.reset()
        return menu(said)
    if command == "more":
        return Reply(
            _("기다리던 안내입니다.") if held else _("새 안내가 없습니다."),
            quick=[quick(label) for topic in topics() for label in topic.menu][:2],
        )
    owner = topic_of_command(command) if command else None
    if owner is not None:
        answer = owner.handle(turn, conversation)
        if answer is not None:
            return answer
    elif under_way is not None:
        answer = under_way.handle(turn, conversation)
        if answer is not None:
            return answer
    conversation.reset()
    if turn.text and not command:
        for topic in topics():
            if topic.takes_free_text:
                answer = topic.handle(turn, conversation)
                if answer is not None:
                    return answer
    return menu()


def _respond(reply: Reply, held: list[Delivery]) -> dict[str, Any]:
    """The reply plus the answers that waited for this visit (one output stays for the reply)."""
    for delivery in [d for d in held if d.subject in reply.covers]:
        delivery_handed_over(delivery=delivery)
    held = [d for d in held if d.subject not in reply.covers]
    shown = held[: MAX_OUTPUTS - 1]
    handed: list[dict[str, Any]] = []
    for delivery in shown:
        text = str(delivery.payload.get("text") or "")
        if text.strip():
            handed.append(simple_text(text, keep_link=True))
        delivery_handed_over(delivery=delivery)
    own = simple_text(reply.text, keep_link=True)
    outputs = [own, *handed] if reply.urgent else [*handed, own]
    replies = ([quick(MORE)] if len(held) > len(shown) else []) + reply.quick
    return skill_response(
        outputs, [quick_reply(label, message) for label, message in replies[:MAX_QUICK_REPLIES]]
    )


def _state_key(user_key: str) -> str:
    return f"site:kakao:conversation:{digest(f'kakao:{user_key}')}"


def _position(state: dict[str, Any]) -> str:
    return f"{state.get('topic') or ''}:{state.get('step') or ''}"


def _repeated(state: dict[str, Any], turn: Turn) -> dict[str, Any] | None:
    """The answer already given to this very turn, when it arrives again before anything else happened."""
    last = state.get("last")
    if not isinstance(last, dict):
        return None
    if last.get("text") != turn.text or last.get("position") != _position(state):
        return None
    if time.time() - float(last.get("at") or 0) > REPEAT_WINDOW:
        return None
    response = last.get("response")
    return response if isinstance(response, dict) else None


def converse(skill: SkillRequest) -> dict[str, Any]:
    """One turn of the conversation: the SkillResponse for the resident's message."""
    key = _state_key(skill.user_key)
    stored = cache.get(key)
    state: dict[str, Any] = stored if isinstance(stored, dict) else {}
    turn = read_turn(skill)
    state["lang"] = _language(turn, state)
    with translation.override(DJANGO_LANGUAGES.get(state["lang"], "ko")):
        if not hit(TURN_LIMIT, digest(f"kakao:{skill.user_key}")):
            return skill_response([simple_text(_("메시지가 너무 많습니다. 잠시 후 다시 보내 주세요."))])
        again = _repeated(state, turn)
        if again is not None:
            return again
        before = _position(state)
        held = held_for(channel="kakao", recipient=skill.user_key)
        conversation = Conversation(state)
        reply = reply_to(turn, conversation, held=bool(held))
        # A callback answer ignores the template: held answers wait for the next turn.
        response = callback_pending(reply.pending) if reply.pending is not None else _respond(reply, held)
        # A turn said while a conversation was under way, or that began one, answered a step.
        answered_a_step = before != ":" or bool(conversation.topic)
        if turn.command not in REREAD and answered_a_step:
            state["last"] = {
                "text": turn.text,
                "position": _position(state),
                "at": time.time(),
                "response": response,
            }
        else:
            state.pop("last", None)
        cache.set(key, state, timeout=STATE_TTL)
        return response
