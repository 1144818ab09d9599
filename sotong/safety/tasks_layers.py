from __future__ import annotations

from django_tasks import task


@task()
def remind_stale_layers() -> int:
    """Tell the stewards of map layers whose review is overdue (once per staleness period)."""
    from sotong.safety.services_facilities import layers_remind_stale

    return layers_remind_stale()
