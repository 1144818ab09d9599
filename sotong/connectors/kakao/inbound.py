"""What Kakao i Open Builder sends us: a skill request (SkillPayload), read and verified.

The format follows Kakao's "응답 타입별 JSON 포맷" (SkillPayload):
https://kakaobusiness.gitbook.io/main/tool/chatbot/skill_guide/answer_json_format

Open Builder calls the skill with POST and a JSON body; a skill may be registered with custom header values
("헤더값 입력", https://kakaobusiness.gitbook.io/main/tool/chatbot/skill_guide/make_skill), which is how
our shared secret travels. Nothing in the body is trusted before the secret and the bot id match.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

SECRET_HEADER = "X-Sotong-Skill-Secret"  # noqa: S105 - the header's name, not a secret
MAX_BODY = 64 * 1024
MAX_UTTERANCE = 4000
MAX_USER_KEY = 200


class SkillRefused(Exception):
    """The request does not come from our bot (no or wrong secret, another bot id): answer 403."""


class SkillRequestError(ValueError):
    """The body is not a skill request we can read: answer 400."""


@dataclass(frozen=True)
class SkillRequest:
    utterance: str
    user_key: str  # userRequest.user.id, the botUserKey: one per user and bot
    bot_id: str
    block_id: str = ""
    callback_url: str = ""  # only for AI-chatbot blocks with the callback switched on
    params: dict[str, str] = field(default_factory=dict)  # action.params
    lang: str = ""


def _secret_matches(given: str) -> bool:
    expected = settings.KAKAO_SKILL_SECRET
    # An unset secret refuses everything: constant_time_compare("", "") would let anyone in.
    return bool(expected) and constant_time_compare(given, expected)


def _bot_matches(bot_id: str) -> bool:
    expected = settings.KAKAO_BOT_ID
    if not expected:
        return False
    # Kakao appends "!" to the bot id on the bot's development channel (same bot, test channel).
    same = constant_time_compare(bot_id, expected)
    development = constant_time_compare(bot_id, f"{expected}!")
    return same or development


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any, *, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def skill_request_parse(body: bytes) -> SkillRequest:
    """Read a SkillPayload. Unknown fields are ignored: Kakao adds fields without notice."""
    if len(body) > MAX_BODY:
        raise SkillRequestError("the request body is too large")
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SkillRequestError("the request body is not JSON") from exc
    if not isinstance(data, dict):
        raise SkillRequestError("the request body is not a JSON object")
    user_request = data.get("userRequest")
    bot = data.get("bot")
    if not isinstance(user_request, dict) or not isinstance(bot, dict):
        raise SkillRequestError("userRequest and bot are required")
    user = user_request.get("user")
    if not isinstance(user, dict):
        raise SkillRequestError("userRequest.user is required")
    properties = _object(user.get("properties"))
    user_key = user.get("id") or properties.get("botUserKey")
    if not isinstance(user_key, str) or not user_key.strip() or len(user_key) > MAX_USER_KEY:
        raise SkillRequestError("userRequest.user.id is missing or malformed")
    bot_id = bot.get("id")
    if not isinstance(bot_id, str) or not bot_id:
        raise SkillRequestError("bot.id is required")
    block = _object(user_request.get("block"))
    params = _object(_object(data.get("action")).get("params"))
    return SkillRequest(
        utterance=_text(user_request.get("utterance"), limit=MAX_UTTERANCE),
        user_key=user_key.strip(),
        bot_id=bot_id,
        block_id=_text(block.get("id"), limit=100),
        callback_url=_text(user_request.get("callbackUrl"), limit=2000),
        params={str(k)[:100]: str(v)[:1000] for k, v in list(params.items())[:50]},
        lang=_text(user_request.get("lang"), limit=10),
    )


def skill_request_from(request: HttpRequest) -> SkillRequest:
    """The verified skill request, or SkillRefused / SkillRequestError. Reads nothing but the request."""
    if not _secret_matches(request.headers.get(SECRET_HEADER, "")):
        raise SkillRefused("missing or wrong skill secret")
    skill = skill_request_parse(request.body)
    if not _bot_matches(skill.bot_id):
        raise SkillRefused("the request comes from another bot")
    return skill
