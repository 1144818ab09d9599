"""Voice in the residents' KakaoTalk conversation: send a case step by step and look up one's own cases.

The conversation (state, menu, cancelling, the answers that waited for the resident's visit) lives in
``sotong.site.conversation``; this topic only says what voice does at each step. A turn only reads and
stores: ``case_receive`` commits the case and routing runs in a task after the commit, because Open
Builder gives a skill 5 seconds.
"""

from __future__ import annotations

import hashlib
import re
import uuid

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sotong.connectors.kakao.callbacks import callback_remember
from sotong.core.conversation import SEND, SKIP, YES, Conversation, Reply, Topic, Turn, quick
from sotong.organisation.selectors import dong_named_in, dongs
from sotong.voice.choices import Channel
from sotong.voice.models import Case, CaseMessage
from sotong.voice.routing import urgent
from sotong.voice.services.intake import MAX_TEXT, Submission, case_receive
from sotong.voice.services.notify import outbox_subject, tracking_url

KEY = "voice"
START = gettext_noop("민원 접수")
CHECK = gettext_noop("민원 확인")
MENU = gettext_noop("처음으로")
SEND_LABEL = gettext_noop("보내기")
CANCEL = gettext_noop("취소")
SKIP_LABEL = gettext_noop("건너뛰기")
NUMBER = re.compile(r"(?<!\d)(20\d{2})\s*-\s*(\d{1,6})(?!\d)")
CHECK_WORDS = (CHECK, "민원확인", "조회", "진행 상황", "check", "status", "my cases", "查询", "查看")
FLOW_STEPS = {"content", "place", "confirm"}


def _norm(text: str) -> str:
    return " ".join(text.casefold().split()).strip(".!?~。！？ ")


def _check_q(number: str) -> tuple[str, str]:
    return number, f"{_(CHECK)} {number}"


def emergency() -> str:
    return _(
        "생명이 위험하거나 불이 난 상황이면 지금 바로 119(화재·구조·구급)나 112(경찰)에 전화하세요. "
        "구청 민원은 긴급 출동이 아닙니다."
    )


def _ask_content() -> Reply:
    return Reply(
        _("무슨 일이 있었는지 알려 주세요. 언제, 무엇이 불편한지 적어 주시면 더 빨리 처리할 수 있습니다."),
        quick=[quick(CANCEL)],
    )


def _ask_place() -> Reply:
    return Reply(
        _(
            "어디에서 있었던 일인가요? 동 이름이나 주소, 가까운 건물을 알려 주세요. 모르면 '건너뛰기'를 누르세요."
        ),
        quick=[quick(SKIP_LABEL), quick(CANCEL)],
    )


def _confirm(conversation: Conversation, hint: str = "") -> Reply:
    content = str(conversation.data.get("text", ""))
    text = _("이대로 보낼까요?\n\n내용: %(text)s\n장소: %(place)s") % {
        "text": content if len(content) <= 600 else content[:600] + "…",
        "place": conversation.data.get("place") or _("(적지 않음)"),
    }
    return Reply(f"{hint}\n\n{text}" if hint else text, quick=[quick(SEND_LABEL), quick(CANCEL)])


def _content_given(conversation: Conversation, text: str) -> Reply:
    conversation.go("place", text=text[:MAX_TEXT])
    reply = _ask_place()
    if urgent.detect(text).life_risk:
        reply.text = f"{emergency()}\n\n{reply.text}"
        reply.urgent = True
    return reply


def _place_given(conversation: Conversation, text: str) -> Reply:
    dong = dong_named_in(text) if text else None
    conversation.go("confirm", place=text[:200], dong=dong.pk if dong else None)
    return _confirm(conversation)


def _submit(turn: Turn, conversation: Conversation) -> Reply | None:
    """Store the case. Sending the same conversation again returns the same case (external id)."""
    data = conversation.data
    if not data.get("text") or not data.get("id"):
        return None
    dong = dongs().filter(pk=data["dong"]).first() if data.get("dong") else None
    case, created = case_receive(
        submission=Submission(
            channel=Channel.KAKAO,
            external_id=hashlib.sha256(f"{turn.user_key}:{data['id']}".encode()).hexdigest(),
            text=str(data["text"]),
            dong=dong,
            address_text=str(data.get("place") or ""),
            channel_user=turn.user_key,
        )
    )
    conversation.go("done")
    receipt = _(
        "민원을 접수했습니다.\n접수 번호: %(number)s\n\n담당 부서가 정해지면 이 대화방으로 알려 드리고, "
        "답변도 여기로 보내 드립니다. 진행 상황은 '민원 확인 %(number)s'로 볼 수 있습니다."
    ) % {"number": case.number}
    replies = [_check_q(case.number), quick(MENU)]
    if case.life_risk:
        return Reply(f"{emergency()}\n\n{receipt}", quick=replies, urgent=True)
    if (
        created
        and settings.KAKAO_CALLBACK_ENABLED
        and turn.callback_url
        and callback_remember(user_key=turn.user_key, url=turn.callback_url)
    ):
        # The acknowledgement (department, deadline) follows through the callback once routing ran.
        return Reply(receipt, quick=replies, pending=receipt)
    return Reply(receipt, quick=replies)


def _own_case(*, user_key: str, number: str) -> Case | None:
    """A case only for the Kakao user who sent it: another resident's number reads as unknown."""
    return (
        Case.objects.select_related("department")
        .filter(number=number, channel=Channel.KAKAO, channel_user=user_key)
        .first()
    )


def _recent(user_key: str) -> Reply:
    cases = list(
        Case.objects.filter(channel=Channel.KAKAO, channel_user=user_key).order_by("-received_at")[:3]
    )
    if not cases:
        return Reply(_("이 대화방에서 접수한 민원이 없습니다."), quick=[quick(START), quick(MENU)])
    lines = "\n".join(f"{case.number} · {case.get_status_display()}" for case in cases)
    return Reply(
        _("최근에 접수한 민원입니다. 번호를 누르면 진행 상황을 볼 수 있습니다.") + f"\n\n{lines}",
        quick=[*(_check_q(case.number) for case in cases), quick(MENU)],
    )


def _status(user_key: str, number: str) -> Reply:
    """Where a case stands (not its receipt again): status, department, deadline and the latest answer."""
    case = _own_case(user_key=user_key, number=number)
    if case is None:
        return Reply(
            _(
                "접수 번호 %(number)s인 민원을 찾을 수 없습니다. 이 대화방에서 접수한 민원만 확인할 수 있습니다."
            )
            % {"number": number},
            quick=[quick(CHECK), quick(MENU)],
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
    sent = list(case.messages.filter(direction=CaseMessage.Direction.OUTBOUND).order_by("-created_at", "-pk"))
    purposes = {CaseMessage.Purpose.ANSWER, CaseMessage.Purpose.MESSAGE}
    answer = next((message for message in sent if message.purpose in purposes), None)
    if answer is not None:
        text += "\n\n" + _("최근 답변 (%(when)s):\n%(body)s") % {
            "when": formats.date_format(timezone.localtime(answer.created_at), "Y-m-d H:i"),
            "body": answer.body,
        }
    text += "\n\n" + _("자세히 보기: %(url)s") % {"url": tracking_url(case)}
    # The acknowledgement and the answers waiting for this visit say nothing this status does not.
    said = {CaseMessage.Purpose.ACKNOWLEDGEMENT, CaseMessage.Purpose.STATUS}
    covered = {outbox_subject(message) for message in sent if message.purpose in said or message == answer}
    return Reply(text, quick=[quick(START), quick(MENU)], covers=covered)


class VoiceTopic(Topic):
    key = KEY
    order = 10
    commands = {
        "start": (
            START,
            "민원접수",
            "민원",
            "접수",
            "신고",
            "report",
            "new report",
            "投诉",
            "举报",
            "反映问题",
        ),
        "check": CHECK_WORDS,
    }
    menu = (START, CHECK)
    menu_lines = (
        gettext_noop("민원 접수: 있었던 일을 적어 보내 주세요."),
        gettext_noop("민원 확인: 접수 번호로 진행 상황을 봅니다."),
    )
    takes_free_text = True

    def parse(self, text: str) -> tuple[str, dict[str, str]] | None:
        """A case number, alone or with a check word ("민원 확인 2026-000123", "2026-123 네")."""
        match = NUMBER.search(text)
        if match is None:
            return None
        rest = _norm(NUMBER.sub(" ", text))
        words = {
            _norm(w) for w in (*CHECK_WORDS, _(CHECK), "네", "예", "확인", "yes", "ok", "好", "是", "确认")
        }
        if rest and rest not in words:
            return None
        return "check", {"number": f"{match[1]}-{int(match[2]):06d}"}

    def handle(self, turn: Turn, conversation: Conversation) -> Reply | None:
        if turn.command == "check":
            number = turn.args.get("number", "")
            return _status(turn.user_key, number) if number else _recent(turn.user_key)
        if turn.command == "start":
            conversation.begin(KEY, "content", id=uuid.uuid4().hex, text="", place="", dong=None)
            return _ask_content()
        step = conversation.step if conversation.topic == KEY else ""
        if step == "confirm":
            if turn.command in {SEND, YES}:
                return _submit(turn, conversation)
            return _confirm(conversation, hint=_("'보내기' 또는 '취소'를 눌러 주세요."))
        if step == "done":
            if turn.command in {SEND, YES}:
                return _submit(turn, conversation)  # the same final message again: the same case
            return None
        if step == "place":
            if turn.command == SKIP:
                return _place_given(conversation, "")
            if turn.text and turn.command not in {SEND, YES}:
                return _place_given(conversation, turn.text)
            return _ask_place()
        if step == "content":
            if turn.text and not turn.command:
                return _content_given(conversation, turn.text)
            return _ask_content()
        if turn.text and not turn.command:
            # No conversation under way: a message that is not a command is the case itself.
            conversation.begin(KEY, "content", id=uuid.uuid4().hex, text="", place="", dong=None)
            return _content_given(conversation, turn.text)
        return None

    def cancel(self, conversation: Conversation) -> str:
        if conversation.step in FLOW_STEPS:
            return _("접수를 취소했습니다. 보낸 내용은 저장하지 않았습니다.")
        return ""
