"""Back-office screens of the safety module; each area registers its own in its admin module."""

from __future__ import annotations

from sotong.safety.admin import alerts, dashboard, facilities, guides  # noqa: F401
