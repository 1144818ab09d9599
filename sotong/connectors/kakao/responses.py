"""What we answer Kakao i Open Builder: skill responses (SkillResponse, SimpleText, QuickReplies) and the
callback's immediate answer.

The formats follow Kakao's "응답 타입별 JSON 포맷":
https://kakaobusiness.gitbook.io/main/tool/chatbot/skill_guide/answer_json_format
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

RESPONSE_VERSION = "2.0"  # "현재 스킬 응답의 version은 2.0만 지원됩니다."
SIMPLE_TEXT_MAX = 1000  # SimpleText.text: 1000자 (past 500 Kakao folds it behind "전체 보기")
MAX_OUTPUTS = 3  # SkillTemplate.outputs: 1개 이상 3개 이하
MAX_QUICK_REPLIES = 10  # SkillTemplate.quickReplies: 10개 이하
# The QuickReply table gives no length for label; we hold it to the documented Button label limit (14자).
QUICK_REPLY_LABEL_MAX = 14
ELLIPSIS = "…"


def fit(text: str, limit: int = SIMPLE_TEXT_MAX, *, tail: str = "") -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, keeping ``tail`` (e.g. a link) at the end."""
    text = text.strip()
    if len(text) <= limit:
        return text
    head = max(0, limit - len(ELLIPSIS) - len(tail))
    return text[:head].rstrip() + ELLIPSIS + tail[: limit - len(ELLIPSIS)]


def simple_text(text: str, *, keep_link: bool = False) -> dict[str, Any]:
    """A SimpleText output. With ``keep_link`` a cut text keeps its last line when that is a link, so a
    long answer still ends with the address where it can be read in full."""
    if not text.strip():
        raise ValueError("SimpleText needs a text")
    tail = ""
    if keep_link and len(text.strip()) > SIMPLE_TEXT_MAX:
        last = text.strip().rsplit("\n", 1)[-1]
        if "http" in last and len(last) <= 300:
            tail = "\n\n" + last
    return {"simpleText": {"text": fit(text, tail=tail)}}


def quick_reply(label: str, message_text: str | None = None) -> dict[str, Any]:
    """A QuickReply with the message action: tapping it sends ``message_text`` (the label by default)."""
    return {
        "label": fit(label, QUICK_REPLY_LABEL_MAX),
        "action": "message",
        "messageText": message_text if message_text is not None else label,
    }


def skill_response(
    outputs: Sequence[dict[str, Any]], quick_replies: Sequence[dict[str, Any]] = ()
) -> dict[str, Any]:
    """A SkillResponse with a template: 1–3 outputs and at most 10 quick replies."""
    if not 1 <= len(outputs) <= MAX_OUTPUTS:
        raise ValueError(f"a skill response has 1 to {MAX_OUTPUTS} outputs, not {len(outputs)}")
    if len(quick_replies) > MAX_QUICK_REPLIES:
        raise ValueError(f"a skill response has at most {MAX_QUICK_REPLIES} quick replies")
    template: dict[str, Any] = {"outputs": list(outputs)}
    if quick_replies:
        template["quickReplies"] = list(quick_replies)
    return {"version": RESPONSE_VERSION, "template": template}


def callback_pending(text: str = "") -> dict[str, Any]:
    """The immediate answer of a callback block: ``useCallback`` and no template; ``data.text`` fills the
    block's waiting message when it uses the webhook value (AI 챗봇 콜백 개발 가이드 > SkillResponse,
    https://kakaobusiness.gitbook.io/main/tool/chatbot/skill_guide/ai_chatbot_callback_guide)."""
    response: dict[str, Any] = {"version": RESPONSE_VERSION, "useCallback": True}
    if text.strip():
        response["data"] = {"text": fit(text)}
    return response
