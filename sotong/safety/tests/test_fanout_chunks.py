"""The fan-out in chunk tasks: the planner writes the notices and hands the chunks on; whoever sends a
chunk first claims its notices, so a chunk run twice, a chunk held by another run or two workers
racing send nobody twice; a claim left by a dead run expires; a chunk out of time continues; an update
reaches those the original had not reached yet, and the original's chunks stop."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from sotong.safety.models import Alert, AlertNotice, Subscriber
from sotong.safety.services import fanout
from sotong.safety.services.alerts import alert_cancel
from sotong.safety.services.fanout import fan_out, send_chunk
from sotong.safety.services.subscribers import webpush_subscribe
from sotong.safety.tasks import fan_out_alert, send_alert_chunk
from sotong.safety.tests import alerts_fixtures, push_fixtures
from sotong.safety.tests.alerts_fixtures import published
from sotong.safety.tests.push_fixtures import DANGSAN1
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]
seoyeon = alerts_fixtures.seoyeon
receiver, vapid = push_fixtures.receiver, push_fixtures.vapid
NAMES = ("a", "b", "c", "d", "e")


def browsers(receiver: Any, *names: str) -> list[Subscriber]:
    return [
        webpush_subscribe(
            subscription=receiver.add_subscription(name), places=[DANGSAN1], household=[], language="ko"
        )
        for name in names
    ]


def planned(alert: Alert, size: int = 2) -> list[tuple[int, int]]:
    """Run the planner with chunks of `size`, keeping the chunks it hands on."""
    chunks: list[tuple[int, int]] = []
    report = fan_out(
        alert=alert, chunk_size=size, enqueue_chunk=lambda first, last: chunks.append((first, last))
    )
    assert report.chunks == len(chunks)
    return chunks


def queued_chunks() -> int:
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    if isinstance(task_backends["default"], DatabaseBackend):
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.filter(task_path__endswith="send_alert_chunk").count()
    import django_rq

    return sum(1 for job in django_rq.get_queue("urgent").jobs if "send_alert_chunk" in str(job.func_name))


def test_the_planner_writes_every_notice_and_hands_the_chunks_on_unsent(district, seoyeon, receiver) -> None:
    browsers(receiver, *NAMES)
    alert = published(seoyeon)
    chunks = planned(alert)
    assert len(chunks) == 3
    assert AlertNotice.objects.filter(alert=alert, delivered_at__isnull=True).count() == 5
    assert receiver.messages == []

    for first, last in chunks:
        result = send_alert_chunk.call(alert_id=alert.pk, first=first, last=last)
        assert not result["unfinished"]

    assert sorted(m.name for m in receiver.messages) == list(NAMES)
    assert AlertNotice.objects.filter(alert=alert, delivered_at__isnull=False).count() == 5


def test_the_task_enqueues_one_chunk_task_per_chunk(
    district, seoyeon, receiver, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    browsers(receiver, *NAMES)
    alert = published(seoyeon)
    monkeypatch.setattr(fanout, "CHUNK", 2)
    before = queued_chunks()
    # With RQ the chunks are enqueued after the commit (the test's transaction never commits).
    with django_capture_on_commit_callbacks(execute=True):
        result = fan_out_alert.call(alert_id=alert.pk)
    assert result["chunks"] == 3 and result["sent"] == {}
    assert queued_chunks() == before + 3


def test_a_lone_chunk_is_sent_by_the_planner_itself(district, seoyeon, receiver) -> None:
    browsers(receiver, "a")
    alert = published(seoyeon)
    before = queued_chunks()
    result = fan_out_alert.call(alert_id=alert.pk)
    assert result["chunks"] == 0 and result["sent"] == {"webpush": 1}
    assert queued_chunks() == before


def test_a_chunk_run_twice_sends_nobody_twice(district, seoyeon, receiver) -> None:
    browsers(receiver, *NAMES)
    alert = published(seoyeon)
    [first_chunk, *_rest] = planned(alert)
    first, last = first_chunk
    assert send_chunk(alert=alert, first=first, last=last).notices == 2
    assert send_chunk(alert=alert, first=first, last=last).notices == 0
    assert sorted(m.name for m in receiver.messages) == ["a", "b"]


def test_a_chunk_held_by_a_live_run_is_left_to_it_and_taken_over_when_its_claim_expires(
    district, seoyeon, receiver
) -> None:
    browsers(receiver, *NAMES)
    alert = published(seoyeon)
    [(first, last), *_rest] = planned(alert)
    held = AlertNotice.objects.filter(alert=alert, subscriber_id__gte=first, subscriber_id__lte=last)
    held.update(claim="another-worker", claimed_until=timezone.now() + timedelta(minutes=5))

    assert send_chunk(alert=alert, first=first, last=last).notices == 0
    assert receiver.messages == []

    # The other worker died: its claim runs out and the notices go out (at least once, never lost).
    held.update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert send_chunk(alert=alert, first=first, last=last).sent == {"webpush": 2}
    assert sorted(m.name for m in receiver.messages) == ["a", "b"]


def test_a_chunk_out_of_time_releases_the_pushes_it_did_not_start_and_continues(
    district, seoyeon, receiver, monkeypatch
) -> None:
    browsers(receiver, *NAMES)
    alert = published(seoyeon)
    [(first, last), *_rest] = planned(alert)

    late = send_chunk(alert=alert, first=first, last=last, time_budget=0.0)
    assert late.unfinished and late.sent == {} and receiver.messages == []
    notices = AlertNotice.objects.filter(alert=alert, subscriber_id__gte=first, subscriber_id__lte=last)
    assert not notices.filter(claimed_until__isnull=False).exists()

    monkeypatch.setattr(fanout, "TIME_BUDGET", 0.0)
    before = queued_chunks()
    assert send_alert_chunk.call(alert_id=alert.pk, first=first, last=last)["unfinished"] is True
    assert queued_chunks() == before + 1

    monkeypatch.setattr(fanout, "TIME_BUDGET", 90.0)
    assert send_chunk(alert=alert, first=first, last=last).sent == {"webpush": 2}


def test_a_cancellation_reaches_those_the_alert_had_not_reached_yet_and_its_chunks_stop(
    district, seoyeon, receiver
) -> None:
    browsers(receiver, *NAMES)
    alert = published(seoyeon)
    [(first, last), *rest] = planned(alert)
    send_chunk(alert=alert, first=first, last=last)
    assert sorted(m.name for m in receiver.messages) == ["a", "b"]

    cancel = alert_cancel(original=alert, by=seoyeon)
    alert.refresh_from_db()
    for first_id, last_id in rest:
        assert "cancelled" in send_chunk(alert=alert, first=first_id, last=last_id).skipped
    assert fan_out(alert=Alert.objects.get(pk=cancel.pk)).sent == {"webpush": 5}

    cancels = [m for m in receiver.messages if m.message["type"] == "Cancel"]
    assert sorted(m.name for m in cancels) == list(NAMES)
    assert len(receiver.messages) == 7
