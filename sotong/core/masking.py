"""Masking personal data for public pages and the 소통TV chat: 김*수, 010-****-1234, m****@example.kr,
card and bank account numbers."""

from __future__ import annotations

import re
from collections.abc import Iterable

PHONE = re.compile(r"(01[016789]|0\d{1,2})[-. ]?(\d{3,4})[-. ]?(\d{4})")
EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")
RRN = re.compile(r"\d{6}[- ]?[1-4]\d{6}")  # 주민등록번호
CAR = re.compile(r"\d{2,3}[가-힣]\s?\d{4}")  # 차량 번호
CARD = re.compile(r"(?<!\d)(?:\d{4}[- ]?){3}(\d{4})(?!\d)")  # 카드 번호 (16 digits)
# 계좌 번호: groups of digits joined by hyphens (110-123-456789, 3333-01-1234567) or one run of 10–14
# digits; a date (2026-12-07) has too few digits to count.
ACCOUNT = re.compile(r"(?<![\d-])(?:\d{2,6}-){2,3}\d{1,7}(?![\d-])|(?<!\d)\d{10,14}(?!\d)")


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
    text = CARD.sub(lambda m: f"****-****-****-{m.group(1)}", text)
    text = PHONE.sub(lambda m: f"{m.group(1)}-****-{m.group(3)}", text)
    text = EMAIL.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
    text = CAR.sub("**가 ****", text)
    text = ACCOUNT.sub(_mask_account, text)
    return text


def _mask_account(match: re.Match[str]) -> str:
    found = match.group(0)
    if sum(ch.isdigit() for ch in found) < 10:
        return found
    return "".join("*" if ch.isdigit() else ch for ch in found[:-4]) + found[-4:]
