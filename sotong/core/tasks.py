from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task, task_backends


@task()
def prune_task_results(*, keep_days: int = 14) -> int:
    """Delete finished task results older than ``keep_days`` (database backend only)."""
    from django_tasks_db.backend import DatabaseBackend

    if not isinstance(task_backends["default"], DatabaseBackend):
        return 0
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(days=keep_days)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted


@task()
def scheduler_heartbeat() -> str:
    """Proves the chain scheduler → queue → worker end to end; the result is visible in task results."""
    return timezone.now().isoformat()
