"""Tasks queued before the safety tasks moved into one module still run after an upgrade: django-tasks keeps
a queued task by its import path (a database row, an RQ job), and the paths of the previous release resolve
to the same tasks."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils.module_loading import import_string
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_rq.backend import Job
from redis import Redis

from sotong.safety import tasks

MOVED = {
    "sotong.safety.tasks_alerts.poll_cap_feeds": tasks.poll_cap_feeds,
    "sotong.safety.tasks_alerts.expire_alerts": tasks.expire_alerts,
    "sotong.safety.tasks_fanout.fan_out_alert": tasks.fan_out_alert,
    "sotong.safety.tasks_fanout.send_alert_chunk": tasks.send_alert_chunk,
    "sotong.safety.tasks_fanout.resume_fan_outs": tasks.resume_fan_outs,
    "sotong.safety.tasks_layers.remind_stale_layers": tasks.remind_stale_layers,
}


@pytest.mark.parametrize("old_path", MOVED)
def test_the_old_path_of_a_task_is_the_same_task(old_path: str) -> None:
    task = import_string(old_path)

    assert isinstance(task, Task)
    assert task is MOVED[old_path]
    assert task.module_path == f"sotong.safety.tasks.{old_path.rsplit('.', 1)[1]}"


def database_row(path: str) -> Task:
    """What the database worker runs for a row (django-tasks-db)."""
    row = DBTaskResult(
        task_path=path, backend_name="default", queue_name="default", priority=0, run_after=get_date_max()
    )
    return row.task


def rq_job(path: str) -> Task:
    """What an RQ worker runs for a job (django-tasks-rq); the job is only built, nothing is sent."""
    return Job.create(path, connection=Redis(host="127.0.0.1", port=1)).func


@pytest.mark.django_db
@pytest.mark.parametrize("stored", [database_row, rq_job])
def test_a_task_queued_by_the_previous_release_is_found_and_runs(stored: Callable[[str], Task]) -> None:
    # What the previous release wrote: the task under the module it lived in then.
    task = stored("sotong.safety.tasks_layers.remind_stale_layers")

    assert task.module_path == "sotong.safety.tasks.remind_stale_layers"
    assert task.call() == 0  # no layer is due for review
