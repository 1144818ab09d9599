"""Back-office screens of 열린구청장실; each area registers its own in its admin module."""

from __future__ import annotations

from sotong.petitions.admin import (
    answers,  # noqa: F401
    mayor,  # noqa: F401
)
