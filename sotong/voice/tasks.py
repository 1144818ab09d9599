from __future__ import annotations

from django_tasks import task

from sotong.voice.models import Case


@task()
def route_case(case_id: int) -> str:
    from sotong.voice.services.routing import case_route

    return case_route(case=Case.objects.get(pk=case_id)).status


@task()
def sweep_deadlines() -> dict[str, int]:
    from sotong.voice.services.sweep import deadlines_sweep

    return deadlines_sweep()


@task()
def route_stragglers() -> int:
    """Cases stored but never routed (a worker was down): route them now."""
    from datetime import timedelta

    from django.utils import timezone

    from sotong.voice.choices import Status

    stale = Case.objects.filter(status=Status.RECEIVED, received_at__lt=timezone.now() - timedelta(minutes=2))
    count = 0
    for case_id in stale.values_list("pk", flat=True)[:200]:
        route_case.enqueue(case_id=case_id)
        count += 1
    return count
