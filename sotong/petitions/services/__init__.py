"""Writes of 열린구청장실: keyword-only, typed; each raises Refused with a message for the resident."""

from __future__ import annotations


class Refused(Exception):
    """What was asked cannot be done; ``message`` says why, in the resident's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
