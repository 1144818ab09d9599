"""AlimTalk templates: which approved template carries which purpose of message.

Kakao delivers an AlimTalk only from a template it approved beforehand, so the district registers one
template per purpose in the NHN console and names them in ALIMTALK_TEMPLATES, for example
``{"ack": "SOTONG_ACK", "answer": "SOTONG_ANSWER"}`` (purposes: ack, answer, interim, status, message).
Each template carries the whole message in one variable, ``#{text}``, e.g.::

    [영등포구] 민원 안내

    #{text}

A purpose without a template goes as SMS/LMS.
https://docs.nhncloud.com/ko/Notification/KakaoTalk%20Bizmessage/ko/alimtalk-api-guide/
"""

from __future__ import annotations

from django.conf import settings

TEXT_PARAMETER = "text"
# An AlimTalk holds 1,000 characters; this leaves the template's own words room around #{text}.
TEXT_MAX_CHARS = 900


def template_for(purpose: str) -> str | None:
    """The approved template code for this purpose, or None when AlimTalk is off or has none for it."""
    if not alimtalk_enabled():
        return None
    code = dict(settings.ALIMTALK_TEMPLATES).get(purpose)
    return str(code) if code else None


def alimtalk_enabled() -> bool:
    return bool(
        settings.ALIMTALK_ENABLED
        and settings.NHN_ALIMTALK_APP_KEY
        and settings.NHN_ALIMTALK_SECRET_KEY
        and settings.NHN_ALIMTALK_SENDER_KEY
    )
