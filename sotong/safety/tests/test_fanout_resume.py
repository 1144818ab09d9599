"""The sweep that resumes a fan-out which stopped with notices unsent (a worker died with its chunk)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from sotong.safety.models import AlertNotice
from sotong.safety.selectors.subscribers import PERMANENT
from sotong.safety.services.fanout import fan_out, stalled_alert_ids
from sotong.safety.services.subscribers import webpush_subscribe
from sotong.safety.tasks import resume_fan_outs
from sotong.safety.tests import alerts_fixtures, push_fixtures
from sotong.safety.tests.alerts_fixtures import published
from sotong.safety.tests.push_fixtures import DANGSAN1
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]
seoyeon = alerts_fixtures.seoyeon
receiver, vapid = push_fixtures.receiver, push_fixtures.vapid


def planned_but_never_sent(receiver: Any, seoyeon: Any, *names: str) -> Any:
    """An alert whose notices were written by the planner, whose chunk then died with its worker."""
    for name in names:
        webpush_subscribe(
            subscription=receiver.add_subscription(name), places=[DANGSAN1], household=[], language="ko"
        )
    alert = published(seoyeon)
    fan_out(alert=alert, chunk_size=1, enqueue_chunk=lambda first, last: None)
    assert AlertNotice.objects.filter(alert=alert, delivered_at__isnull=True).count() == len(names)
    return alert


def age(alert: Any, minutes: int) -> None:
    AlertNotice.objects.filter(alert=alert).update(created_at=timezone.now() - timedelta(minutes=minutes))


def test_a_stopped_fan_out_is_found_only_once_nobody_can_still_be_sending_it(
    district: Any, seoyeon: Any, receiver: Any
) -> None:
    alert = planned_but_never_sent(receiver, seoyeon, "a", "b")

    assert stalled_alert_ids() == []  # just written: its chunks may be waiting in the queue
    age(alert, 6)
    assert stalled_alert_ids() == [alert.pk]
    # A live claim means a worker is sending them.
    AlertNotice.objects.filter(alert=alert).update(
        claim="w", claimed_until=timezone.now() + timedelta(minutes=1)
    )
    assert stalled_alert_ids() == []
    # Delivered or failed for good: nothing left to do.
    AlertNotice.objects.filter(alert=alert).update(claimed_until=None, failed=PERMANENT + "410 Gone")
    assert stalled_alert_ids() == []
    # Too late to matter (the pushes' TTL).
    AlertNotice.objects.filter(alert=alert).update(failed="")
    age(alert, 7 * 60)
    assert stalled_alert_ids() == []


def test_the_sweep_runs_the_fan_out_again_which_sends_what_was_left_and_nobody_twice(
    district: Any, seoyeon: Any, receiver: Any, django_capture_on_commit_callbacks: Any
) -> None:
    alert = planned_but_never_sent(receiver, seoyeon, "a", "b", "c")
    # One notice had gone out before the worker died.
    first = AlertNotice.objects.filter(alert=alert).order_by("subscriber_id").first()
    AlertNotice.objects.filter(pk=first.pk).update(delivered_at=timezone.now())
    age(alert, 6)
    before = queued("fan_out_alert")

    with django_capture_on_commit_callbacks(execute=True):
        assert resume_fan_outs.call() == [alert.pk]
    assert queued("fan_out_alert") == before + 1
    # What the queued task does when a worker takes it (its chunks sent here, as a lone chunk is).
    fan_out(alert=alert)

    assert AlertNotice.objects.filter(alert=alert, delivered_at__isnull=True).count() == 0
    assert sorted(m.name for m in receiver.messages) == ["b", "c"]
    assert stalled_alert_ids() == []


def queued(name: str) -> int:
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    if isinstance(task_backends["default"], DatabaseBackend):
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.filter(task_path__endswith=name).count()
    import django_rq

    return sum(1 for job in django_rq.get_queue("urgent").jobs if name in str(job.func_name))
