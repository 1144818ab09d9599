"""`sotong worker --burst` runs what was enqueued: from the database (embedded) or from RQ (with REDIS_URL).

This test process enqueues with the same backend the worker reads, whatever shape this run has.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import override_settings
from django_tasks import TaskResultStatus

from sotong.core.tasks import scheduler_heartbeat

from .conftest import Processes, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "urgent"]}}
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", "urgent"]}}


def run_burst(processes: Processes, env: dict[str, str]) -> str:
    worker = processes.start(["worker", "--burst"], env=env, name="worker --burst")
    assert worker.wait(timeout=60) == 0, worker.output
    return worker.output


def test_the_embedded_worker_runs_a_task_from_the_database(
    processes: Processes, base_env: dict[str, str]
) -> None:
    with override_settings(TASKS=DATABASE_TASKS):
        result = scheduler_heartbeat.enqueue()
        assert result.status == TaskResultStatus.READY

        run_burst(processes, base_env)

        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
        assert result.return_value


@pytest.mark.redis
def test_the_rq_worker_runs_a_task_from_redis(processes: Processes, redis_env: dict[str, str]) -> None:
    url = redis_env["REDIS_URL"]
    queues: dict[str, Any] = {"default": {"URL": url}, "urgent": {"URL": url}}
    with override_settings(TASKS=RQ_TASKS, RQ_QUEUES=queues):
        result = scheduler_heartbeat.enqueue()
        assert result.status == TaskResultStatus.READY

        run_burst(processes, redis_env)

        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
        assert result.return_value


@pytest.mark.redis
def test_the_rq_worker_stops_its_command_listener_within_seconds(redis_url: str) -> None:
    """RQ's command listener waited up to 60 s for a message, and stopping it waits for that wait: on a
    loaded machine the listener read UNSUBSCRIBE's reply and began a fresh wait before the worker
    stopped it, and `worker --burst` took a minute to exit. This sets up that order on purpose."""
    import redis

    from sotong.core.rq_worker import Worker

    connection = redis.Redis.from_url(redis_url)
    worker = Worker(["default"], connection=connection)
    worker.subscribe()
    try:
        worker.pubsub.unsubscribe()
        wait_until(lambda: not worker.pubsub.subscribed, timeout=10, message="the listener read the reply")
        time.sleep(0.3)  # the listener is back in its wait
        started = time.monotonic()
        worker.unsubscribe()
        assert time.monotonic() - started < 5
        assert not worker.pubsub_thread.is_alive()
    finally:
        connection.close()
