"""Periodic work. Apps declare jobs in their ``schedule.py``; the one scheduler enqueues them as tasks.

The scheduler never runs the work itself: it enqueues a django-tasks task that any worker picks up,
so a slow job never delays the next tick.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import autodiscover_modules
from django_tasks.base import Task


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Task[Any, Any]
    # APScheduler trigger name and its arguments, e.g. ("cron", {"hour": 3, "minute": 30}).
    trigger: str
    trigger_args: dict[str, Any] = field(default_factory=dict)
    kwargs: dict[str, Any] = field(default_factory=dict)
    # Also enqueued as soon as the scheduler starts: sweeps that catch up on what fell due while no
    # scheduler ran (a deploy, a restart), instead of waiting for the first interval to pass.
    at_start: bool = False

    def enqueue(self) -> None:
        self.task.enqueue(**self.kwargs)


_registry: dict[str, PeriodicJob] = {}


def every(
    name: str, task: Task[Any, Any], *, trigger: str, at_start: bool = False, **trigger_args: Any
) -> PeriodicJob:
    """Register a periodic job; called at import time of an app's ``schedule`` module."""
    job = PeriodicJob(name=name, task=task, trigger=trigger, trigger_args=trigger_args, at_start=at_start)
    _registry[name] = job
    return job


def periodic_jobs() -> list[PeriodicJob]:
    autodiscover_modules("schedule")
    return sorted(_registry.values(), key=lambda job: job.name)
