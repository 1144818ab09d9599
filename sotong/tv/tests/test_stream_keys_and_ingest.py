"""Stream keys and what the ingest decides: only the key of a broadcast on the schedule now goes live,
a key is kept only as a digest, and a dropped encoder may reconnect."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection

from sotong.core.models import AuditEvent
from sotong.tv.choices import BroadcastState, IngestOutcome
from sotong.tv.models import Broadcast, IngestAttempt
from sotong.tv.services.broadcasts import broadcast_end, end_overrun_broadcasts
from sotong.tv.services.ingest import publish_end, publish_start
from sotong.tv.services.keys import stream_key_issue, stream_key_revoke

pytestmark = pytest.mark.django_db


def test_a_key_is_shown_once_and_kept_only_as_a_digest(make_broadcast: Any, studio: Any) -> None:
    broadcast = make_broadcast()
    raw = stream_key_issue(broadcast, by=studio)

    assert raw.startswith("sotong-tv-") and len(raw) >= 50
    broadcast.refresh_from_db()
    assert broadcast.stream_key_hint == raw[-4:]
    assert broadcast.stream_key_issued_by == studio
    # Nowhere in the broadcast's row, nor in the audit trail.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM tv_broadcast WHERE id = %s", [broadcast.pk])
        row = cursor.fetchone()
    assert all(raw not in str(value) for value in row)
    event = AuditEvent.objects.get(action="tv.stream_key_issued")
    assert event.actor == studio and raw not in str(event.detail)


def test_the_right_key_goes_live_and_a_wrong_one_changes_nothing(make_broadcast: Any, studio: Any) -> None:
    broadcast = make_broadcast()
    raw = stream_key_issue(broadcast, by=studio)

    for wrong in ("", "sotong-tv-guess", raw[:-1], raw + "x", "x" * 10_000):
        decision = publish_start(wrong, remote_addr="203.0.113.9", ingest="nginx")
        assert not decision.accepted and decision.outcome == IngestOutcome.UNKNOWN_KEY
    broadcast.refresh_from_db()
    assert broadcast.state == BroadcastState.SCHEDULED and not broadcast.publishing

    decision = publish_start(raw, remote_addr="203.0.113.9", ingest="nginx")
    assert decision.accepted and decision.stream_name == f"b{broadcast.pk}"
    broadcast.refresh_from_db()
    assert broadcast.state == BroadcastState.LIVE and broadcast.publishing and broadcast.went_live_at
    assert list(broadcast.ingest_attempts.values_list("outcome", "remote_addr")) == [
        (IngestOutcome.ACCEPTED, "203.0.113.9")
    ]
    assert IngestAttempt.objects.filter(broadcast=None, outcome=IngestOutcome.UNKNOWN_KEY).count() == 5


def test_a_second_encoder_with_the_same_key_is_refused_while_the_first_publishes(
    make_broadcast: Any, studio: Any
) -> None:
    raw = stream_key_issue(make_broadcast(), by=studio)
    assert publish_start(raw).accepted
    assert publish_start(raw).outcome == IngestOutcome.ALREADY_LIVE


def test_a_dropped_encoder_leaves_the_broadcast_live_and_may_reconnect(
    make_broadcast: Any, studio: Any, now: Any
) -> None:
    broadcast = make_broadcast(starts_in=-5)
    raw = stream_key_issue(broadcast, by=studio)
    assert publish_start(raw).accepted
    went_live = Broadcast.objects.get().went_live_at

    # nginx reports the end under the name it renamed the stream to.
    assert publish_end(f"b{broadcast.pk}").outcome == IngestOutcome.ENDED
    broadcast.refresh_from_db()
    assert broadcast.state == BroadcastState.LIVE and not broadcast.publishing

    assert publish_start(raw).accepted
    broadcast.refresh_from_db()
    assert broadcast.publishing and broadcast.went_live_at == went_live


def test_a_new_key_revokes_the_old_and_a_revoked_key_is_refused(make_broadcast: Any, studio: Any) -> None:
    broadcast = make_broadcast()
    first = stream_key_issue(broadcast, by=studio)
    second = stream_key_issue(broadcast, by=studio)
    assert publish_start(first).outcome == IngestOutcome.UNKNOWN_KEY

    stream_key_revoke(broadcast, by=studio)
    assert publish_start(second).outcome == IngestOutcome.REVOKED_KEY
    assert AuditEvent.objects.filter(action="tv.stream_key_revoked", actor=studio).count() == 1


@pytest.mark.parametrize(
    ("starts_in", "minutes", "accepted"),
    [
        (61, 60, False),  # more than an hour before its start
        (59, 60, True),  # the hour before: rehearsal, the countdown slate
        (-120, 60, True),  # its planned end an hour ago, within a 90-minute overrun window
    ],
)
def test_an_encoder_may_publish_only_around_the_planned_time(
    make_broadcast: Any, studio: Any, starts_in: int, minutes: int, accepted: bool, settings: Any
) -> None:
    settings.TV_PUBLISH_LATE_MINUTES = 90
    raw = stream_key_issue(make_broadcast(starts_in=starts_in, minutes=minutes), by=studio)
    decision = publish_start(raw)
    assert decision.accepted is accepted
    if not accepted:
        assert decision.outcome == IngestOutcome.NOT_ON_AIR


def test_long_after_its_planned_end_a_broadcast_takes_no_encoder(make_broadcast: Any, studio: Any) -> None:
    raw = stream_key_issue(make_broadcast(starts_in=-120, minutes=60), by=studio)  # ended 60 min ago
    assert publish_start(raw).outcome == IngestOutcome.NOT_ON_AIR  # the window is 30 minutes


def test_an_ended_broadcast_refuses_its_key(make_broadcast: Any, studio: Any) -> None:
    broadcast = make_broadcast(starts_in=-5)
    raw = stream_key_issue(broadcast, by=studio)
    assert publish_start(raw).accepted
    broadcast_end(broadcast, by=studio)
    broadcast.refresh_from_db()
    assert broadcast.state == BroadcastState.ENDED and broadcast.ended_at and not broadcast.publishing
    assert publish_start(raw).outcome == IngestOutcome.NOT_ON_AIR


def test_a_forgotten_live_broadcast_ends_after_its_window(
    make_broadcast: Any, studio: Any, time_machine: Any, now: Any
) -> None:
    broadcast = make_broadcast(starts_in=-5, minutes=30)
    raw = stream_key_issue(broadcast, by=studio)
    assert publish_start(raw).accepted
    publish_end(raw)

    time_machine.move_to(now + timedelta(minutes=50), tick=False)  # 25 min past its end: within the window
    assert end_overrun_broadcasts() == 0
    time_machine.move_to(now + timedelta(minutes=60), tick=False)
    assert end_overrun_broadcasts() == 1
    broadcast.refresh_from_db()
    assert broadcast.state == BroadcastState.ENDED


def test_the_scheduler_runs_the_overrun_sweep_every_five_minutes(
    make_broadcast: Any, studio: Any, time_machine: Any, now: Any
) -> None:
    from sotong.core.scheduling import periodic_jobs

    job = next(job for job in periodic_jobs() if job.name == "tv.end_overrun_broadcasts")
    assert job.trigger == "interval" and job.trigger_args == {"minutes": 5} and job.at_start

    broadcast = make_broadcast(starts_in=-5, minutes=10)
    raw = stream_key_issue(broadcast, by=studio)
    assert publish_start(raw).accepted
    publish_end(raw)
    time_machine.move_to(now + timedelta(hours=2), tick=False)
    assert job.task.call(**job.kwargs) == 1  # what a worker runs when the scheduler enqueues it
    broadcast.refresh_from_db()
    assert broadcast.state == BroadcastState.ENDED


def test_a_restarted_ingest_releases_what_it_left_connected(make_broadcast: Any, studio: Any) -> None:
    from sotong.tv.services.ingest import publishers_gone

    mine = make_broadcast(starts_in=-5)
    nginxs = make_broadcast(starts_in=-5)
    mine_key, nginx_key = stream_key_issue(mine, by=studio), stream_key_issue(nginxs, by=studio)
    assert publish_start(mine_key, ingest="embedded").accepted
    assert publish_start(nginx_key, ingest="nginx").accepted
    # The embedded ingest was killed with its encoder connected; on its restart:
    assert publish_start(mine_key, ingest="embedded").outcome == IngestOutcome.ALREADY_LIVE
    assert publishers_gone(ingest="embedded") == 1
    assert publish_start(mine_key, ingest="embedded").accepted
    nginxs.refresh_from_db()
    assert nginxs.publishing  # another ingest's stream is not this one's to release


def test_a_flood_of_wrong_keys_from_one_address_is_refused_without_filling_the_database(
    make_broadcast: Any, studio: Any
) -> None:
    raw = stream_key_issue(make_broadcast(), by=studio)
    for attempt in range(100):
        assert (
            publish_start(f"sotong-tv-guess-{attempt}", remote_addr="203.0.113.66").outcome == "unknown_key"
        )
    assert IngestAttempt.objects.filter(remote_addr="203.0.113.66").count() == 20
    # Another address is recorded, and the right key still goes live from the flooded one.
    publish_start("sotong-tv-guess", remote_addr="198.51.100.1")
    assert IngestAttempt.objects.filter(remote_addr="198.51.100.1").count() == 1
    assert publish_start(raw, remote_addr="203.0.113.66").accepted
