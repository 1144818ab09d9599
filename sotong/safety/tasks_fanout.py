"""The alert fan-out as tasks: `fan_out_alert` (enqueued by the alerts service when an alert is
published) matches the subscribers, writes the ledger's notices and enqueues one `send_alert_chunk` per
chunk, so that every worker on the urgent queue sends a share of a large alert at once."""

from __future__ import annotations

from functools import partial

from django_tasks import task

from sotong.core.queue import enqueue_on_commit
from sotong.safety.fanout import fan_out, send_chunk, skip_reason, stalled_alert_ids
from sotong.safety.models import Alert


@task(queue_name="urgent")
def fan_out_alert(alert_id: int) -> dict[str, object]:
    alert = Alert.objects.filter(pk=alert_id).first()
    if alert is None:
        return {"alert_id": alert_id, "skipped": "the alert no longer exists"}
    report = fan_out(alert=alert, enqueue_chunk=partial(_enqueue_chunk, alert_id))
    if report.unfinished:
        # Continue in a new run: the ledger skips everyone already notified or being notified.
        fan_out_alert.enqueue(alert_id=alert_id)
    return report.as_dict()


@task(queue_name="urgent")
def send_alert_chunk(alert_id: int, first: int, last: int) -> dict[str, object]:
    alert = Alert.objects.filter(pk=alert_id).first()
    if alert is None:
        return {"alert_id": alert_id, "skipped": "the alert no longer exists"}
    report = send_chunk(alert=alert, first=first, last=last)
    if report.unfinished:
        # Out of time with pushes not started (their notices were released): the rest in a new run.
        send_alert_chunk.enqueue(alert_id=alert_id, first=first, last=last)
    return {**report.as_dict(), "first": first, "last": last}


def _enqueue_chunk(alert_id: int, first: int, last: int) -> None:
    enqueue_on_commit(send_alert_chunk, alert_id=alert_id, first=first, last=last)


@task()
def resume_fan_outs() -> list[int]:
    """Run again the fan-outs that stopped with notices unsent (a worker died holding a chunk, a push
    service failed for a while): the ledger and the claims make that safe, and nobody gets one twice."""
    resumed = []
    for alert in Alert.objects.filter(pk__in=stalled_alert_ids()):
        if not skip_reason(alert):
            fan_out_alert.enqueue(alert_id=alert.pk)
            resumed.append(alert.pk)
    return resumed
