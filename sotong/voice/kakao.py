"""The KakaoTalk conversation at /kakao/skill/: residents send a case step by step, look up their own cases
and receive the answers that waited for their next visit.

Open Builder calls the skill on every message and gives up after 5 seconds ("skill timeout: 5sec",
https://kakaobusiness.gitbook.io/main/tool/chatbot/skill_guide/ai_chatbot_callback_guide), so a turn only
reads, stores (case_receive commits the case; routing runs in a task after the commit) and answers. Connect
the bot's welcome and fallback blocks to this skill with "스킬데이터 사용": the conversation is kept here, not
in Open Builder blocks or contexts.

Where a resident is in the conversation lives in the cache for 30 minutes under a keyed digest of their
botUserKey, never the key itself.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    JsonResponse,
)
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sotong.connectors.kakao.callbacks import callback_remember
from sotong.connectors.kakao.skill import (
    MAX_OUTPUTS,
    MAX_QUICK_REPLIES,
    SkillRefused,
    SkillRequest,
    SkillRequestError,
    callback_pending,
    quick_reply,
    simple_text,
    skill_request_from,
    skill_response,
)
from sotong.connectors.models import Delivery
from sotong.connectors.outbox import delivery_handed_over, held_for
from sotong.core.crypto import digest
from sotong.core.ratelimit import Limit, hit
from sotong.organisation.models import Dong
from sotong.voice import kakao_safety
from sotong.voice.choices import Channel
from sotong.voice.models import Case, CaseMessage
from sotong.voice.routing import urgent
from sotong.voice.routing.text import language_of
from sotong.voice.services.intake import MAX_TEXT, Submission, case_receive
from sotong.voice.services.notify import LANGUAGE_CODES, tracking_url

logger = logging.getLogger(__name__)

STATE_TTL = 30 * 60
TURN_LIMIT = Limit("voice.kakao", count=30, seconds=60)

# Quick-reply labels (≤ 14 characters); the messages they send are parsed back by _parse.
MENU = gettext_noop("처음으로")
HELP = gettext_noop("도움말")
START = gettext_noop("민원 접수")
CHECK = gettext_noop("민원 확인")
SEND = gettext_noop("보내기")
CANCEL = gettext_noop("취소")
SKIP = gettext_noop("건너뛰기")
MORE = gettext_noop("남은 안내 보기")
SHELTER = gettext_noop("가까운 대피소")
ALERTS = gettext_noop("지금 발령된 특보")

# What residents type for each command, besides the labels in every language.
_WORDS: dict[str, tuple[str, ...]] = {
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
    "start": (START, "민원접수", "민원", "접수", "신고", "report", "new report", "投诉", "举报", "反映问题"),
    "check": (CHECK, "민원확인", "조회", "진행 상황", "check", "status", "my cases", "查询", "查看"),
    "send": (SEND, "보내", "전송", "send", "submit", "发送", "提交"),
    "yes": ("네", "예", "응", "확인", "yes", "ok", "好", "是", "确认"),
    "cancel": (CANCEL, "그만", "cancel", "stop", "取消"),
    "skip": (SKIP, "없음", "모름", "skip", "跳过"),
    "more": (MORE, "more", "更多"),
    "shelter": (
        SHELTER,
        "대피소",
        "가까운대피소",
        "대피소 찾기",
        "쉼터",
        "shelter",
        "shelters",
        "nearest shelter",
        "避难所",
        "附近避难所",
    ),
    "alerts": (ALERTS, "특보", "발령된 특보", "경보", "alerts", "warnings", "预警", "警报"),
}
NUMBER = re.compile(r"(?<!\d)(20\d{2})\s*-\s*(\d{1,6})(?!\d)")
LETTERS = re.compile(r"[A-Za-z\uac00-\ud7a3\u4e00-\u9fff]")
FLOW_STEPS = {"content", "place", "confirm"}
SHELTER_STEPS = {"shelter_hazard", "shelter_place"}


def _norm(text: str) -> str:
    return " ".join(text.casefold().split()).strip(".!?~。！？ ")


LABELS = {MENU, HELP, START, CHECK, SEND, CANCEL, SKIP, MORE, SHELTER, ALERTS}


@functools.cache
def _commands() -> dict[str, str]:
    """Every word and every translation of a label, to its command (a tapped quick reply sends the label)."""
    table: dict[str, str] = {}
    for command, words in _WORDS.items():
        for word in words:
            table[_norm(word)] = command
            if word in LABELS:
                for language in LANGUAGE_CODES.values():
                    with translation.override(language):
                        table.setdefault(_norm(_(word)), command)
    return table


@dataclass(frozen=True)
class Turn:
    text: str
    command: str = ""
    number: str = ""  # a case number in the message, as 2026-000123


def _parse(utterance: str) -> Turn:
    text = " ".join(utterance.split())
    match = NUMBER.search(text)
    if match:
        rest = _norm(NUMBER.sub(" ", text))
        if not rest or _commands().get(rest) in {"check", "yes"}:
            return Turn(text=text, command="check", number=f"{match[1]}-{int(match[2]):06d}")
    return Turn(text=text, command=_commands().get(_norm(text), ""))


def _language(turn: Turn, state: dict[str, Any]) -> str:
    """Free text sets the language; a command (often a Korean quick reply) keeps the one in use."""
    if turn.command and state.get("lang"):
        return str(state["lang"])
    if LETTERS.search(turn.text):
        return language_of(turn.text)
    return str(state.get("lang") or "ko")


@dataclass
class Reply:
    text: str
    quick: list[tuple[str, str]] = field(default_factory=list)  # (label, message sent when tapped)
    urgent: bool = False  # carries the 119/112 warning: shown before anything else
    pending: str | None = None  # answered through the callback URL: the immediate answer only waits


def _q(label: str) -> tuple[str, str]:
    translated = _(label)
    return translated, translated


def _check_q(number: str) -> tuple[str, str]:
    return number, f"{_(CHECK)} {number}"


def _emergency() -> str:
    return _(
        "생명이 위험하거나 불이 난 상황이면 지금 바로 119(화재·구조·구급)나 112(경찰)에 전화하세요. "
        "구청 민원은 긴급 출동이 아닙니다."
    )


def _menu(prefix: str = "") -> Reply:
    text = _(
        "%(district)s 소통 창구입니다. 불편한 점, 궁금한 점, 제안을 보내 주시면 담당 부서가 이 대화방으로 "
        "답변합니다.\n\n· 민원 접수: 있었던 일을 적어 보내 주세요.\n· 민원 확인: 접수 번호로 진행 상황을 "
        "봅니다.\n· 가까운 대피소: 재난 때 갈 곳을 찾습니다.\n· 지금 발령된 특보: 우리 구의 특보·경보를 "
        "봅니다.\n\n생명이 위험한 일은 119·112에 먼저 전화하세요."
    ) % {"district": settings.SOTONG_DISTRICT_NAME}
    return Reply(
        f"{prefix}\n\n{text}" if prefix else text, quick=[_q(START), _q(CHECK), _q(SHELTER), _q(ALERTS)]
    )


def _reset(state: dict[str, Any]) -> None:
    for key in [k for k in state if k != "lang"]:
        del state[key]


def _begin(state: dict[str, Any]) -> None:
    _reset(state)
    state.update(step="content", id=uuid.uuid4().hex, text="", place="", dong=None)


def _ask_content() -> Reply:
    return Reply(
        _("무슨 일이 있었는지 알려 주세요. 언제, 무엇이 불편한지 적어 주시면 더 빨리 처리할 수 있습니다."),
        quick=[_q(CANCEL)],
    )


def _ask_place() -> Reply:
    return Reply(
        _(
            "어디에서 있었던 일인가요? 동 이름이나 주소, 가까운 건물을 알려 주세요. 모르면 '건너뛰기'를 누르세요."
        ),
        quick=[_q(SKIP), _q(CANCEL)],
    )


def _content_given(state: dict[str, Any], text: str) -> Reply:
    state.update(step="place", text=text[:MAX_TEXT])
    reply = _ask_place()
    if urgent.detect(text).life_risk:
        reply.text = f"{_emergency()}\n\n{reply.text}"
        reply.urgent = True
    return reply


def _dong_in(text: str) -> Dong | None:
    folded = text.casefold()
    found: tuple[int, Dong] | None = None
    for dong in Dong.objects.all():
        for name in (dong.name_ko, dong.name_en, dong.name_zh):
            if name and name.casefold() in folded and (found is None or len(name) > found[0]):
                found = (len(name), dong)
    return found[1] if found else None


def _confirm(state: dict[str, Any], hint: str = "") -> Reply:
    content = str(state.get("text", ""))
    text = _("이대로 보낼까요?\n\n내용: %(text)s\n장소: %(place)s") % {
        "text": content if len(content) <= 600 else content[:600] + "…",
        "place": state.get("place") or _("(적지 않음)"),
    }
    return Reply(f"{hint}\n\n{text}" if hint else text, quick=[_q(SEND), _q(CANCEL)])


def _place_given(state: dict[str, Any], text: str) -> Reply:
    dong = _dong_in(text) if text else None
    state.update(step="confirm", place=text[:200], dong=dong.pk if dong else None)
    return _confirm(state)


def _submit(skill: SkillRequest, state: dict[str, Any]) -> Reply:
    """Store the case. Sending the same conversation again returns the same case (external id)."""
    if not state.get("text") or not state.get("id"):
        _reset(state)
        return _menu()
    dong = Dong.objects.filter(pk=state["dong"]).first() if state.get("dong") else None
    case, created = case_receive(
        submission=Submission(
            channel=Channel.KAKAO,
            external_id=hashlib.sha256(f"{skill.user_key}:{state['id']}".encode()).hexdigest(),
            text=str(state["text"]),
            dong=dong,
            address_text=str(state.get("place") or ""),
            channel_user=skill.user_key,
        )
    )
    state["step"] = "done"
    receipt = _(
        "민원을 접수했습니다.\n접수 번호: %(number)s\n\n담당 부서가 정해지면 이 대화방으로 알려 드리고, "
        "답변도 여기로 보내 드립니다. 진행 상황은 '민원 확인 %(number)s'로 볼 수 있습니다."
    ) % {"number": case.number}
    quick = [_check_q(case.number), _q(MENU)]
    if case.life_risk:
        return Reply(f"{_emergency()}\n\n{receipt}", quick=quick, urgent=True)
    if (
        created
        and settings.KAKAO_CALLBACK_ENABLED
        and skill.callback_url
        and callback_remember(user_key=skill.user_key, url=skill.callback_url)
    ):
        # The acknowledgement (department, deadline) follows through the callback once routing ran.
        return Reply(receipt, quick=quick, pending=receipt)
    return Reply(receipt, quick=quick)


def _own_case(*, user_key: str, number: str) -> Case | None:
    """A case only for the Kakao user who sent it: another resident's number reads as unknown."""
    return (
        Case.objects.select_related("department")
        .filter(number=number, channel=Channel.KAKAO, channel_user=user_key)
        .first()
    )


def _check(user_key: str, number: str) -> Reply:
    if not number:
        cases = list(
            Case.objects.filter(channel=Channel.KAKAO, channel_user=user_key).order_by("-received_at")[:3]
        )
        if not cases:
            return _menu(_("이 대화방에서 접수한 민원이 없습니다."))
        lines = "\n".join(f"{case.number} · {case.get_status_display()}" for case in cases)
        return Reply(
            _("최근에 접수한 민원입니다. 번호를 누르면 진행 상황을 볼 수 있습니다.") + f"\n\n{lines}",
            quick=[*(_check_q(case.number) for case in cases), _q(MENU)],
        )
    case = _own_case(user_key=user_key, number=number)
    if case is None:
        return Reply(
            _(
                "접수 번호 %(number)s인 민원을 찾을 수 없습니다. 이 대화방에서 접수한 민원만 확인할 수 있습니다."
            )
            % {"number": number},
            quick=[_q(CHECK), _q(MENU)],
        )
    text = _("접수 번호: %(number)s\n상태: %(status)s\n담당: %(department)s\n처리 기한: %(deadline)s") % {
        "number": case.number,
        "status": case.get_status_display(),
        "department": case.department.name if case.department else _("통합접수(소통홍보과)"),
        "deadline": (
            formats.date_format(timezone.localtime(case.deadline), "Y-m-d H:i")
            if case.deadline
            else _("정하는 중")
        ),
    }
    answer = (
        case.messages.filter(
            direction=CaseMessage.Direction.OUTBOUND,
            purpose__in=[CaseMessage.Purpose.ANSWER, CaseMessage.Purpose.MESSAGE],
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if answer is not None:
        text += "\n\n" + _("최근 답변 (%(when)s):\n%(body)s") % {
            "when": formats.date_format(timezone.localtime(answer.created_at), "Y-m-d H:i"),
            "body": answer.body,
        }
    text += "\n\n" + _("자세히 보기: %(url)s") % {"url": tracking_url(case)}
    return Reply(text, quick=[_q(START), _q(MENU)])


def _reply(skill: SkillRequest, turn: Turn, state: dict[str, Any], *, held: bool) -> Reply:
    step = state.get("step", "")
    command = turn.command
    if command == "menu":
        _reset(state)
        return _menu()
    if command == "cancel":
        cancelled = step in FLOW_STEPS
        _reset(state)
        return _menu(_("접수를 취소했습니다. 보낸 내용은 저장하지 않았습니다.") if cancelled else "")
    if command == "check":
        return _check(skill.user_key, turn.number)
    if command == "more":
        return Reply(
            _("기다리던 안내입니다.") if held else _("새 안내가 없습니다."), quick=[_q(START), _q(CHECK)]
        )
    if command == "start":
        _begin(state)
        return _ask_content()
    if command == "alerts":
        return Reply(kakao_safety.alerts_text(), quick=[_q(SHELTER), _q(MENU)])
    if command == "shelter":
        _reset(state)
        hazard = kakao_safety.alert_hazard()
        if hazard is None:
            state["step"] = "shelter_hazard"
            return _ask_hazard()
        state.update(step="shelter_place", hazard=hazard)
        return _ask_shelter_place(hazard)
    if step in SHELTER_STEPS:
        return _shelter_turn(turn, state)
    if step == "confirm":
        if command in {"send", "yes"}:
            return _submit(skill, state)
        return _confirm(state, hint=_("'보내기' 또는 '취소'를 눌러 주세요."))
    if step == "done" and command in {"send", "yes"}:
        return _submit(skill, state)  # the same final message again: the same case
    if step == "place":
        if command == "skip":
            return _place_given(state, "")
        if turn.text and command not in {"send", "yes"}:
            return _place_given(state, turn.text)
        return _ask_place()
    if step == "content":
        if turn.text and not command:
            return _content_given(state, turn.text)
        return _ask_content()
    if command or not turn.text:
        return _menu()
    # No conversation under way: a message that is not a command is the case itself.
    _begin(state)
    return _content_given(state, turn.text)


def _ask_hazard(hint: str = "") -> Reply:
    text = _("어떤 상황인가요? 아래에서 고르거나 적어 주세요.")
    return Reply(
        f"{hint}\n\n{text}" if hint else text,
        quick=[*((label, label) for label in kakao_safety.hazard_labels()), _q(MENU)],
    )


def _ask_shelter_place(hazard: str, hint: str = "") -> Reply:
    text = _(
        "%(hazard)s 때 갈 수 있는 가까운 곳을 찾습니다. 지금 계신 동 이름을 알려 주세요. (예: 신길1동)"
    ) % {"hazard": kakao_safety.hazard_label(hazard)}
    return Reply(f"{hint}\n\n{text}" if hint else text, quick=[_q(MENU)])


def _shelter_turn(turn: Turn, state: dict[str, Any]) -> Reply:
    """The nearest-shelter conversation: which hazard (the alert in force, when there is one), then where."""
    if state.get("step") == "shelter_hazard":
        hazard = kakao_safety.hazard_in(turn.text)
        if hazard is None:
            return _ask_hazard(_("어떤 재난인지 알아듣지 못했습니다."))
        state.update(step="shelter_place", hazard=hazard)
        return _ask_shelter_place(hazard)
    hazard = str(state.get("hazard") or "")
    dong = _dong_in(turn.text) if turn.text else None
    if dong is None:
        return _ask_shelter_place(hazard, hint=_("우리 구의 동 이름을 찾지 못했습니다."))
    _reset(state)
    return Reply(
        kakao_safety.shelters_text(dong=dong, hazard=hazard), quick=[_q(SHELTER), _q(ALERTS), _q(MENU)]
    )


def _respond(reply: Reply, held: list[Delivery]) -> dict[str, Any]:
    """The reply plus the answers that waited for this visit (one output stays for the reply)."""
    shown = held[: MAX_OUTPUTS - 1]
    handed: list[dict[str, Any]] = []
    for delivery in shown:
        text = str(delivery.payload.get("text") or "")
        if text.strip():
            handed.append(simple_text(text, keep_link=True))
        delivery_handed_over(delivery=delivery)
    own = simple_text(reply.text, keep_link=True)
    outputs = [own, *handed] if reply.urgent else [*handed, own]
    quick = ([_q(MORE)] if len(held) > len(shown) else []) + reply.quick
    return skill_response(
        outputs, [quick_reply(label, message) for label, message in quick[:MAX_QUICK_REPLIES]]
    )


def _state_key(user_key: str) -> str:
    return f"voice:kakao:conversation:{digest(f'kakao:{user_key}')}"


def converse(skill: SkillRequest) -> dict[str, Any]:
    """One turn of the conversation: the SkillResponse for the resident's message."""
    key = _state_key(skill.user_key)
    stored = cache.get(key)
    state: dict[str, Any] = stored if isinstance(stored, dict) else {}
    turn = _parse(skill.utterance)
    state["lang"] = _language(turn, state)
    with translation.override(LANGUAGE_CODES.get(state["lang"], "ko")):
        if not hit(TURN_LIMIT, digest(f"kakao:{skill.user_key}")):
            return skill_response([simple_text(_("메시지가 너무 많습니다. 잠시 후 다시 보내 주세요."))])
        held = held_for(channel="kakao", recipient=skill.user_key)
        reply = _reply(skill, turn, state, held=bool(held))
        cache.set(key, state, timeout=STATE_TTL)
        if reply.pending is not None:
            # A callback answer ignores the template: held answers wait for the next turn.
            return callback_pending(reply.pending)
        return _respond(reply, held)


@csrf_exempt
@require_POST
def skill(request: HttpRequest) -> HttpResponse:
    if not settings.KAKAO_ENABLED:
        raise Http404
    try:
        skill_request = skill_request_from(request)
    except SkillRefused as exc:
        logger.warning("kakao skill request refused: %s", exc)
        return HttpResponseForbidden()
    except SkillRequestError as exc:
        logger.info("unreadable kakao skill request: %s", exc)
        return HttpResponseBadRequest()
    return JsonResponse(converse(skill_request), json_dumps_params={"ensure_ascii": False})
