"""Korean text-message rules: what fits an SMS, what becomes an LMS, and whose number it may go to.

Carriers count message length in EUC-KR bytes: a Hangul syllable is two bytes, ASCII one. An SMS
carries 90 bytes, an LMS 2,000 bytes with a 40-byte title; anything longer is cut by the carrier, so we
cut it ourselves and keep the tracking link whole. We count with CP949, the superset of EUC-KR the
carriers and handsets use, so that every modern syllable (똠, 쌰 …) counts two bytes rather than the
eight of an EUC-KR make-up sequence. Characters outside it (emoji, most Simplified Chinese) make NHN
refuse the message, so they become "?"; the link still leads to the full text.
https://docs.nhncloud.com/ko/Notification/SMS/ko/api-guide/ ("주의 사항")
"""

from __future__ import annotations

import re
from collections.abc import Callable

CODEC = "cp949"
SMS_MAX_BYTES = 90
LMS_MAX_BYTES = 2000
LMS_TITLE_MAX_BYTES = 40
ELLIPSIS = "…"  # two bytes in EUC-KR (0xA1A6)

URL = re.compile(r"https?://\S+")
# Korean mobile numbers: 010 (11 digits) and the old 011/016/017/018/019 (10 or 11 digits).
MOBILE = re.compile(r"01[016789]\d{7,8}")
PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?82[-\s]?|0)1[016789][-\s]?\d{3,4}[-\s]?\d{4}(?!\d)")


def byte_len(text: str) -> int:
    """Length in EUC-KR bytes, as the carriers count it."""
    return len(text.encode(CODEC, errors="replace"))


def sanitise(text: str) -> str:
    """The text with every character a Korean handset cannot show replaced by "?"."""
    return text.encode(CODEC, errors="replace").decode(CODEC)


def _cut(text: str, budget: int, length: Callable[[str], int]) -> str:
    kept = []
    used = 0
    for char in text:
        size = length(char)
        if used + size > budget:
            break
        kept.append(char)
        used += size
    return "".join(kept)


def truncate(text: str, limit: int, *, length: Callable[[str], int] = byte_len) -> str:
    """Cut ``text`` to ``limit`` with an ellipsis, keeping the line with its last link intact."""
    if length(text) <= limit:
        return text
    links = list(URL.finditer(text))
    if links:
        link = links[-1]
        line_start = text.rfind("\n", 0, link.start()) + 1
        for tail in (text[line_start:].rstrip(), link.group()):
            budget = limit - length(ELLIPSIS + "\n" + tail)
            if budget >= 0:
                head = _cut(text[: link.start() if tail == link.group() else line_start], budget, length)
                return head.rstrip() + ELLIPSIS + "\n" + tail
    return _cut(text, limit - length(ELLIPSIS), length).rstrip() + ELLIPSIS


def fit(text: str) -> tuple[str, bool]:
    """(body, is_long): the text as an SMS when it fits 90 bytes, otherwise as an LMS of at most 2,000."""
    text = sanitise(text.strip())
    if byte_len(text) <= SMS_MAX_BYTES:
        return text, False
    return truncate(text, LMS_MAX_BYTES), True


def fit_title(title: str) -> str:
    return truncate(sanitise(title.strip()), LMS_TITLE_MAX_BYTES)


def normalise_mobile(number: str) -> str | None:
    """The number as NHN wants it (digits only, 01012345678), or None when it is no Korean mobile."""
    digits = "".join(char for char in number if char.isdigit())
    if number.strip().startswith("+82") or (digits.startswith("82") and len(digits) in (11, 12)):
        digits = "0" + digits[2:].removeprefix("0")
    return digits if MOBILE.fullmatch(digits) else None


def mask_phone(number: str) -> str:
    """010-****-5678: enough for staff to tell residents apart, never the whole number."""
    digits = "".join(char for char in number if char.isdigit())
    if len(digits) < 8:
        return "***"
    return f"{digits[:3]}-****-{digits[-4:]}"


def mask_phones_in(text: str) -> str:
    """A provider's message with any phone number in it masked."""
    return PHONE_IN_TEXT.sub(lambda match: mask_phone(match.group()), text)
