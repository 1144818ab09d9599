from __future__ import annotations

from sotong.core.scheduling import every
from sotong.petitions.tasks import send_digests, sweep_proposals

# Collecting periods end and answer deadlines pass on the hour; caught up at start after a restart.
every("petitions.sweep_proposals", sweep_proposals, trigger="interval", minutes=15, at_start=True)
# Supporters' daily digest of stage changes, in the early evening (PETITIONS_NOTIFY=daily).
every("petitions.send_digests", send_digests, trigger="cron", hour=18, minute=0)
