from __future__ import annotations

from django_tasks import task


@task()
def poll_cap_feeds() -> dict[str, int]:
    """Import every feed in SAFETY_CAP_FEEDS; a failing feed is logged and the others still run."""
    import logging

    from django.conf import settings

    from sotong.safety.cap.sources import import_source

    logger = logging.getLogger(__name__)
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
    from sotong.safety.services_alerts import alerts_expire

    return alerts_expire()
