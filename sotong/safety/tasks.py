"""Background work of the safety domain. Tasks take ids, reload, and call a service.

Queued tasks are stored by their import path; the paths these had before they moved here still resolve
(tasks_alerts.py, tasks_fanout.py, tasks_layers.py) for tasks queued by the previous release."""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django_tasks import task

from sotong.core.queue import enqueue_on_commit
from sotong.safety.models import Alert

logger = logging.getLogger(__name__)


# Alerts ------------------------------------------------------------------------------------------------


@task()
def poll_cap_feeds() -> dict[str, int]:
    """Import every feed in SAFETY_CAP_FEEDS; a failing feed is logged and the others still run."""
    from sotong.safety.services.alert_import import import_source

    totals = {"created": 0, "unchanged": 0, "refused": 0, "skipped": 0}
    for feed in settings.SAFETY_CAP_FEEDS:
        report = import_source(feed)
        totals["created"] += len(report.created)
        totals["unchanged"] += len(report.unchanged)
        totals["skipped"] += report.skipped
        totals["refused"] += len(report.refused)
        for where, reason in report.refused:
            logger.warning("CAP import refused %s: %s", where, reason)
    return totals


@task()
def expire_alerts() -> int:
    from sotong.safety.services.alerts import alerts_expire

    return alerts_expire()


# The fan-out: `fan_out_alert` (enqueued by the alerts service when an alert is published) matches the
# subscribers, writes the ledger's notices and enqueues one `send_alert_chunk` per chunk, so that every
# worker on the urgent queue sends a share of a large alert at once. -----------------------------------


@task(queue_name="urgent")
def fan_out_alert(alert_id: int) -> dict[str, object]:
    from sotong.safety.services.fanout import fan_out

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
    from sotong.safety.services.fanout import send_chunk

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
    from sotong.safety.services.fanout import skip_reason, stalled_alert_ids

    resumed = []
    for alert in Alert.objects.filter(pk__in=stalled_alert_ids()):
        if not skip_reason(alert):
            fan_out_alert.enqueue(alert_id=alert.pk)
            resumed.append(alert.pk)
    return resumed


# Map layers ----------------------------------------------------------------------------------------------


@task()
def remind_stale_layers() -> int:
    """Tell the stewards of map layers whose review is overdue (once per staleness period)."""
    from sotong.safety.services.facilities import layers_remind_stale

    return layers_remind_stale()
