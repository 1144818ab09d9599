"""The alert fan-out as a task: enqueued by the alerts service when an alert is published."""

from __future__ import annotations

from django_tasks import task

from sotong.safety.fanout import fan_out
from sotong.safety.models import Alert


@task(queue_name="urgent")
def fan_out_alert(alert_id: int) -> dict[str, object]:
    alert = Alert.objects.filter(pk=alert_id).first()
    if alert is None:
        return {"alert_id": alert_id, "skipped": "the alert no longer exists"}
    report = fan_out(alert=alert)
    if report.unfinished:
        # Continue in a new run: the ledger skips everyone already notified.
        fan_out_alert.enqueue(alert_id=alert_id)
    return {
        "alert_id": report.alert_id,
        "matched": report.matched,
        "notices": report.notices,
        "sent": report.sent,
        "failed": report.failed,
        "gone": report.gone,
        "skipped": report.skipped,
        "match_seconds": report.match_seconds,
        "seconds": report.seconds,
        "unfinished": report.unfinished,
    }
