"""Back-office screens for alerts: authoring, approval, publication."""

from __future__ import annotations
