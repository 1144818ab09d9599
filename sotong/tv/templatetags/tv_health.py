"""``{% tv_signal broadcast as signal %}``: the signal banner of the control page and the studio desk (decision
0079): the slate on air since when, or the last loss and how it ended."""

from __future__ import annotations

from typing import Any

from django import template

from sotong.tv.services.health import signal_status

register = template.Library()


@register.simple_tag
def tv_signal(broadcast: Any) -> dict[str, Any]:
    last = broadcast.signal_losses.order_by("-started_at", "-pk").first()
    return {"status": signal_status(last), "last": last, "count": broadcast.signal_losses.count()}
