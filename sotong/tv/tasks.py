from __future__ import annotations

from django_tasks import task


@task()
def end_overrun_broadcasts() -> int:
    """Live broadcasts whose encoder is gone and whose planned end is long past: end them."""
    from sotong.tv.services.broadcasts import end_overrun_broadcasts as end_them

    return end_them()
