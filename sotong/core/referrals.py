"""Referring something a resident said elsewhere (a 소통TV chat line, later an SNS comment) to the case
desk, without the referring domain importing voice.

voice registers the handler when its app is ready; a domain calls ``refer_case`` and gets the case
number back. The case is routed like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Referral:
    channel: str  # the voice channel it came through, e.g. "tv_chat"
    external_id: str  # unique per channel: a second referral of the same line finds the first case
    text: str
    author: str = ""  # the name shown where it was said (a nickname; no contact details)
    received_at: datetime | None = None
    context: str = ""  # where it was said, for the officer: "소통TV 건강강좌 (2026-03-10) 채팅"
    title: str = ""
    kind: str = (
        ""  # the case's kind when the referrer knows it (a proposal, a letter to the mayor: "proposal")
    )
    department: str = ""  # the code of the department that answers, when the referrer knows it
    # The resident's contact, given with their consent to be answered (a letter to the mayor).
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""


Handler = Callable[[Referral], str]
_handler: Handler | None = None


def register_case_intake(handler: Handler) -> Handler:
    global _handler
    _handler = handler
    return handler


def can_refer() -> bool:
    return _handler is not None


def refer_case(referral: Referral) -> str:
    """Open (or find) the case for this referral; returns its number."""
    if _handler is None:
        raise LookupError("no case desk is installed")
    return _handler(referral)
