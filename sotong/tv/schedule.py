from __future__ import annotations

from sotong.core.scheduling import every
from sotong.tv.tasks import (
    build_pending_vods,
    end_overrun_broadcasts,
    give_up_waiting_signals,
    send_reminders,
)

every("tv.end_overrun_broadcasts", end_overrun_broadcasts, trigger="interval", minutes=5, at_start=True)
# A VOD is online within the hour of its broadcast's end: built at once, and caught up here if that was lost.
every("tv.build_pending_vods", build_pending_vods, trigger="interval", minutes=10, at_start=True)
# "Remind me": told up to ten minutes before a broadcast starts; checked every minute.
every("tv.send_reminders", send_reminders, trigger="interval", minutes=1)
# Scaled shape (nginx): a dropped encoder's loss is closed once the grace period has passed without it.
every("tv.give_up_waiting_signals", give_up_waiting_signals, trigger="interval", minutes=1)
