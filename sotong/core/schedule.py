from __future__ import annotations

from sotong.core.scheduling import every
from sotong.core.tasks import prune_task_results, scheduler_heartbeat

every("core.prune_task_results", prune_task_results, trigger="cron", hour=3, minute=30)
every("core.scheduler_heartbeat", scheduler_heartbeat, trigger="interval", minutes=5)
