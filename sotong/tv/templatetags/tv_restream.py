"""``{% tv_restream broadcast as restream %}``: what the control page's restream panel shows (decision 0078).
Each destination's URL leaves here only as its hint: the stream key is never put on the page."""

from __future__ import annotations

from typing import Any

from django import template

from sotong.tv.choices import BroadcastState
from sotong.tv.models import RestreamTarget
from sotong.tv.services.restream import MAX_TARGETS, url_hint

register = template.Library()


@register.simple_tag
def tv_restream(broadcast: Any) -> dict[str, Any]:
    targets = list(broadcast.restream_targets.all())
    open_ = broadcast.state in (BroadcastState.SCHEDULED, BroadcastState.LIVE)
    return {
        "rows": [{"target": target, "hint": url_hint(target.url)} for target in targets],
        "platforms": RestreamTarget.Platform.choices,
        "max": MAX_TARGETS,
        "can_add": open_ and len(targets) < MAX_TARGETS,
        "can_switch": open_,
    }
