from __future__ import annotations

from sotong.core.scheduling import every
from sotong.tv.tasks import end_overrun_broadcasts

every("tv.end_overrun_broadcasts", end_overrun_broadcasts, trigger="interval", minutes=5, at_start=True)
