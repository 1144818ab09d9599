"""`sotong scheduler`: exactly one runs; a stopped one hands the lease over at once.

Embedded, the lease is a row in the shared test database; with REDIS_URL it is a Redis key.
"""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from typing import Any

import pytest

from sotong.core.leases import DatabaseLeaseStore, LeaseStore, RedisLeaseStore
from sotong.core.management.commands.scheduler import LEASE_NAME

from .conftest import Processes

# The lease outlives every test here: a third scheduler can only start because the first released it.
LEASE_SECONDS = "30"
RUNNING = r"Scheduler (\S+) running \d+ periodic jobs"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["database", pytest.param("redis", marks=pytest.mark.redis)])
def shape(request: Any) -> Iterator[tuple[dict[str, str], LeaseStore]]:
    """The scheduler's environment, and a view of the lease it takes."""
    if request.param == "database":
        env: dict[str, str] = request.getfixturevalue("base_env")
        yield {**env, "SCHEDULER_LEASE_SECONDS": LEASE_SECONDS}, DatabaseLeaseStore()
        return
    env = request.getfixturevalue("redis_env")
    store = RedisLeaseStore(env["REDIS_URL"])
    try:
        yield {**env, "SCHEDULER_LEASE_SECONDS": LEASE_SECONDS}, store
    finally:
        store.client.close()


def test_a_second_scheduler_refuses_to_run_while_the_first_runs(
    processes: Processes, shape: tuple[dict[str, str], LeaseStore]
) -> None:
    env, store = shape
    first = processes.start(["scheduler"], env=env, name="first scheduler")
    holder = first.wait_for(RUNNING).group(1)
    current = store.current(LEASE_NAME)
    assert current is not None
    assert current.holder == holder

    second = processes.start(["scheduler"], env=env, name="second scheduler")
    assert second.wait(timeout=30) == 1, second.output
    assert "Another scheduler is already running" in second.output
    assert holder in second.output
    assert not re.search(RUNNING, second.output)

    assert first.popen.poll() is None, first.output
    current = store.current(LEASE_NAME)
    assert current is not None
    assert current.holder == holder


def test_a_stopped_scheduler_releases_the_lease_to_the_next(
    processes: Processes, shape: tuple[dict[str, str], LeaseStore]
) -> None:
    env, store = shape
    first = processes.start(["scheduler"], env=env, name="first scheduler")
    first.wait_for(RUNNING)

    first.signal(signal.SIGTERM)
    assert first.wait() == 0, first.output
    assert "Scheduler stopped." in first.output
    assert "Traceback" not in first.output
    assert store.current(LEASE_NAME) is None

    third = processes.start(["scheduler"], env=env, name="third scheduler")
    holder = third.wait_for(RUNNING).group(1)
    current = store.current(LEASE_NAME)
    assert current is not None
    assert current.holder == holder


def test_a_scheduler_that_loses_its_lease_stops_and_leaves_the_new_holder_alone(
    processes: Processes, shape: tuple[dict[str, str], LeaseStore]
) -> None:
    env, store = shape
    # Renewing every second, it soon notices that the lease is no longer its own.
    first = processes.start(
        ["scheduler"], env={**env, "SCHEDULER_LEASE_SECONDS": "3"}, name="first scheduler"
    )
    holder = first.wait_for(RUNNING).group(1)
    store.release(LEASE_NAME, holder)
    assert store.acquire(LEASE_NAME, "another-host:1:intruder", 30)

    assert first.wait(timeout=10) == 1, first.output
    assert "lease was lost" in first.output
    current = store.current(LEASE_NAME)
    assert current is not None
    assert current.holder == "another-host:1:intruder"


def test_a_starting_scheduler_sweeps_at_once_what_fell_due_while_none_ran(
    processes: Processes, base_env: dict[str, str]
) -> None:
    """Deadline sweeps and retries run when the scheduler starts, not one interval later; the others
    (the daily prune, the heartbeat) keep to their schedule."""
    env = {**base_env, "SCHEDULER_LEASE_SECONDS": LEASE_SECONDS}
    scheduler = processes.start(["scheduler"], env=env, name="scheduler")
    scheduler.wait_for(RUNNING)
    for name in ("voice.sweep_deadlines", "voice.route_stragglers", "connectors.retry_due_deliveries"):
        scheduler.wait_for(rf"enqueued {re.escape(name)}\b")
    assert "enqueued core.prune_task_results" not in scheduler.output
    scheduler.popen.send_signal(signal.SIGTERM)
    assert scheduler.wait(timeout=30) == 0, scheduler.output
