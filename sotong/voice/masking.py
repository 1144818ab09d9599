"""Masking personal data for public pages: 김*수, 010-****-1234, m****@example.kr."""

from __future__ import annotations

import re
from collections.abc import Iterable

PHONE = re.compile(r"(01[016789]|0\d{1,2})[-. ]?(\d{3,4})[-. ]?(\d{4})")
EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")
RRN = re.compile(r"\d{6}[- ]?[1-4]\d{6}")  # 주민등록번호
CAR = re.compile(r"\d{2,3}[가-힣]\s?\d{4}")  # 차량 번호


def mask_name(name: str) -> str:
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 8:
        return "*" * len(digits)
    return f"{digits[:3]}-****-{digits[-4:]}"


def mask_text(text: str, *, names: Iterable[str] = ()) -> str:
    """Hide phone numbers, e-mail addresses, resident registration and car numbers in free text, and
    the given names (the resident's own, which they or the officer may have written: 김민지 → 김*지)."""
    for name in names:
        name = name.strip()
        if len(name) >= 2:
            text = text.replace(name, mask_name(name))
    text = RRN.sub("******-*******", text)
    text = PHONE.sub(lambda m: f"{m.group(1)}-****-{m.group(3)}", text)
    text = EMAIL.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
    text = CAR.sub("**가 ****", text)
    return text
