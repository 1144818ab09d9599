"""Tasks queued before the safety tasks moved into one module still run after an upgrade: django-tasks keeps
a queued task by its import path (a database row, an RQ job), and the paths of the previous release resolve
to the same tasks."""

from __future__ import annotations

import pytest
from django.utils.module_loading import import_string
from django_tasks import task_backends
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

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


@pytest.mark.django_db
def test_a_row_queued_by_the_previous_release_is_run_by_the_worker() -> None:
    result = tasks.remind_stale_layers.enqueue()
    row = DBTaskResult.objects.get(pk=result.id)
    # What the previous release wrote: the task under the module it lived in then.
    row.task_path = "sotong.safety.tasks_layers.remind_stale_layers"
    row.save(update_fields=["task_path"])

    queued = DBTaskResult.objects.get(pk=result.id)
    task = queued.task  # how the database worker finds what to run

    assert task.call() == 0  # no layer is due for review
    assert isinstance(task_backends["default"], type(task.get_backend()))
