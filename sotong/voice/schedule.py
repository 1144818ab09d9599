from __future__ import annotations

from sotong.core.scheduling import every
from sotong.voice.tasks import route_stragglers, sweep_deadlines

every("voice.sweep_deadlines", sweep_deadlines, trigger="interval", minutes=5, at_start=True)
every("voice.route_stragglers", route_stragglers, trigger="interval", minutes=2, at_start=True)
