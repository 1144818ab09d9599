"""Back-office screens for facilities, map layers and action guides."""

from __future__ import annotations
