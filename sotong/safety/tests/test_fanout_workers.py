"""Two real `sotong worker` processes race over one alert's chunks — every chunk enqueued twice, and the
planner the publication enqueued besides — and every resident gets the push exactly once, decrypted
by the loopback receiver. Runs on this run's shape: the database queue, or RQ when REDIS_URL is set."""

from __future__ import annotations

import os
from collections import Counter

import pytest
from django.conf import settings

from sotong.safety.models import AlertNotice
from sotong.safety.services.fanout import fan_out
from sotong.safety.services.subscribers import webpush_subscribe
from sotong.safety.tasks import send_alert_chunk
from sotong.safety.tests import alerts_fixtures, push_fixtures
from sotong.safety.tests.alerts_fixtures import published
from sotong.safety.tests.push_fixtures import DANGSAN1
from tests.processes.conftest import Processes, database_url, process_env

pytestmark = pytest.mark.django_db(transaction=True)
seoyeon = alerts_fixtures.seoyeon
receiver, vapid = push_fixtures.receiver, push_fixtures.vapid
NAMES = [f"resident{number}" for number in range(12)]


def worker_env() -> dict[str, str]:
    env = {
        **process_env(),
        "DATABASE_URL": database_url(),
        "DEBUG": "1",  # WEBPUSH_ALLOW_LOOPBACK needs it
        "WEBPUSH_ENABLED": "1",
        "WEBPUSH_VAPID_PRIVATE_KEY": settings.WEBPUSH_VAPID_PRIVATE_KEY,
        "WEBPUSH_VAPID_SUBJECT": settings.WEBPUSH_VAPID_SUBJECT,
        "WEBPUSH_ALLOW_LOOPBACK": "1",
    }
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    return env


def test_two_workers_racing_over_repeated_chunks_send_everyone_once(district, seoyeon, receiver) -> None:
    for name in NAMES:
        webpush_subscribe(
            subscription=receiver.add_subscription(name), places=[DANGSAN1], household=[], language="ko"
        )
    # Publishing enqueues the planner (one chunk of 5,000 in the workers: it sends everything itself).
    alert = published(seoyeon)

    def twice(first: int, last: int) -> None:
        for _ in range(2):
            send_alert_chunk.enqueue(alert_id=alert.pk, first=first, last=last)

    assert fan_out(alert=alert, chunk_size=2, enqueue_chunk=twice).chunks == 6

    group = Processes()
    try:
        workers = [
            group.start(["worker", "--burst", "--queues", "urgent"], env=worker_env(), name=f"worker {n}")
            for n in (1, 2)
        ]
        for worker in workers:
            assert worker.wait(timeout=120) == 0, worker.output
    finally:
        group.close()

    received = Counter(m.name for m in receiver.messages)
    assert received == Counter(NAMES), received
    assert AlertNotice.objects.filter(alert=alert, delivered_at__isnull=False).count() == len(NAMES)
