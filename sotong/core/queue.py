"""Enqueueing tasks so that they run only for data that was committed."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django_tasks import task_backends
from django_tasks.base import Task


def enqueue_on_commit(task: Task[Any, Any], **kwargs: Any) -> None:
    """With the database task backend the task row is written in the same transaction as the data it
    works on (one commit instead of two, and atomic with it); with any other backend (RQ on Redis) it
    is enqueued after the commit, so a worker never sees a task for data that was rolled back."""
    from django_tasks_db.backend import DatabaseBackend

    if (
        isinstance(task_backends[task.backend], DatabaseBackend)
        and transaction.get_connection().in_atomic_block
    ):
        task.enqueue(**kwargs)
    else:
        transaction.on_commit(partial(task.enqueue, **kwargs))
