"""What 소통TV puts on the resident site (sotong.core.blocks): the home page's block with what is live
now, or else the next broadcast."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sotong.core.blocks import Block


def home_context(request: HttpRequest) -> dict[str, Any] | None:
    from sotong.tv.selectors import live_now, next_up

    live = live_now()
    upcoming = [] if live else next_up(limit=1)
    return {"tv_live": live, "tv_next": upcoming[0] if upcoming else None}


HOME = Block(key="tv.home", region="home", template="tv/includes/home.html", context=home_context, order=30)
