"""Skill requests as Kakao i Open Builder sends them, built from the documented SkillPayload
(https://kakaobusiness.gitbook.io/main/tool/chatbot/skill_guide/answer_json_format#skillpayload) and the
callback guide's userRequest.callbackUrl; the stored example is fixtures/skill_request.json."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "skill_request.json"
BOT_ID = "65f1c0e2a9b8d7c6f5e4d3c2"
SECRET = "kakao-test-secret-3fQ9vL2mX8pR4tY7wZ1nB6cH"
CALLBACK_URL = "https://bot-api.kakao.com/v1/bots/65f1c0e2a9b8d7c6f5e4d3c2/callback/cbtoken:4f0c9e1d2b3a"


@cache
def _stored() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def skill_payload(
    utterance: str, *, user_key: str | None = None, bot_id: str = BOT_ID, callback_url: str = ""
) -> dict[str, Any]:
    payload = copy.deepcopy(_stored())
    payload["userRequest"]["utterance"] = utterance
    payload["bot"]["id"] = bot_id
    if user_key is not None:
        payload["userRequest"]["user"]["id"] = user_key
        payload["userRequest"]["user"]["properties"]["botUserKey"] = user_key
    if callback_url:
        payload["userRequest"]["callbackUrl"] = callback_url
    return payload


def kakao_settings(settings: Any, *, callback: bool = False) -> None:
    """Switch the Kakao channel on for a test (pytest-django's settings fixture)."""
    settings.KAKAO_ENABLED = True
    settings.KAKAO_BOT_ID = BOT_ID
    settings.KAKAO_SKILL_SECRET = SECRET
    settings.KAKAO_CALLBACK_ENABLED = callback
