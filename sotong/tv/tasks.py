from __future__ import annotations

from django_tasks import task


@task()
def end_overrun_broadcasts() -> int:
    """Live broadcasts whose encoder is gone and whose planned end is long past: end them."""
    from sotong.tv.services.broadcasts import end_overrun_broadcasts as end_them

    return end_them()


@task()
def build_vod(recording_id: int) -> str:
    """A broadcast ended: remux its recording into the video on demand."""
    from sotong.tv.models import Recording
    from sotong.tv.services.recordings import vod_build

    return vod_build(recording=Recording.objects.get(pk=recording_id)).state


@task()
def adopt_nginx_recording(broadcast_id: int, path: str, started_at: str) -> int:
    """nginx recorded a connection (scaled shape): make it a part of the broadcast's recording."""
    from datetime import datetime
    from pathlib import Path

    from sotong.tv.models import Broadcast
    from sotong.tv.services.recordings import recording_adopt

    broadcast = Broadcast.objects.get(pk=broadcast_id)
    return recording_adopt(
        broadcast=broadcast, source=Path(path), started_at=datetime.fromisoformat(started_at)
    ).pk


@task()
def give_up_waiting_signals() -> int:
    """Scaled shape: close the signal losses whose encoder did not come back within the grace period."""
    from sotong.tv.services.health import give_up_waiting_signals as give_up

    return give_up()


@task()
def build_pending_vods() -> int:
    """Recordings whose build was lost (a worker died mid-way): build them now."""
    from sotong.tv.services.recordings import recordings_sweep

    return recordings_sweep()


@task()
def send_reminders() -> int:
    from sotong.tv.services.reminders import send_due_reminders

    return send_due_reminders()


@task()
def tell_author(message_id: int) -> str:
    """A YouTube or Facebook line became a case: tell its author there."""
    from sotong.tv.sources.replies import tell_author as tell

    return tell(message_id)
