"""Back-office screens of 소통TV; each area registers its own in its admin module."""

from __future__ import annotations

from sotong.tv.admin import (
    broadcasts,  # noqa: F401
    captions,  # noqa: F401
    desk,  # noqa: F401
    recordings,  # noqa: F401
    restream,  # noqa: F401
    sources,  # noqa: F401
)
