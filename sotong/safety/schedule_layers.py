from __future__ import annotations

from sotong.core.scheduling import every
from sotong.safety.tasks_layers import remind_stale_layers

# Once a day in office hours: a reminder waits for someone who can act on it.
every("safety.remind_stale_layers", remind_stale_layers, trigger="cron", hour=9, minute=10)
