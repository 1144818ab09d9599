from __future__ import annotations

# Periodic safety work (feed polling, stale-layer reminders) is declared in the modules that own it.
from sotong.safety import schedule_alerts, schedule_layers  # noqa: F401
