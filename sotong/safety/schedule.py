from __future__ import annotations

from sotong.core.scheduling import every
from sotong.safety.tasks import expire_alerts, poll_cap_feeds, remind_stale_layers, resume_fan_outs

every("safety.poll_cap_feeds", poll_cap_feeds, trigger="interval", minutes=2)
every("safety.expire_alerts", expire_alerts, trigger="interval", minutes=1, at_start=True)
every("safety.resume_fan_outs", resume_fan_outs, trigger="interval", minutes=2, at_start=True)
# Once a day in office hours: a reminder waits for someone who can act on it.
every("safety.remind_stale_layers", remind_stale_layers, trigger="cron", hour=9, minute=10)
