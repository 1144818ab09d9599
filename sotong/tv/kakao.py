"""소통TV in the residents' KakaoTalk conversation: what is live now (with the link to watch) and the
next broadcasts. The conversation itself lives in ``sotong.site.conversation``."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sotong.core.conversation import Conversation, Reply, Topic, Turn, quick
from sotong.core.i18n import localised
from sotong.tv.models import Broadcast
from sotong.tv.selectors import live_now, next_up

KEY = "tv"
ON_AIR = gettext_noop("소통TV")
MENU = gettext_noop("처음으로")  # the conversation's own menu word (sotong.site.conversation)
NEXT_LIMIT = 3


def _link(broadcast: Broadcast) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("tv:broadcast", kwargs={"pk": broadcast.pk})


def _when(broadcast: Broadcast) -> str:
    return str(formats.date_format(timezone.localtime(broadcast.starts_at), "n/j (D) H:i"))


def on_air_text() -> str:
    lines = []
    live = live_now()
    if live:
        lines.append(_("지금 생방송 중입니다."))
        for item in live:
            lines.append(f"▶ {localised(item.show, 'title')}: {localised(item, 'title')}\n{_link(item)}")
    else:
        lines.append(_("지금은 생방송이 없습니다."))
    upcoming = next_up(limit=NEXT_LIMIT)
    if upcoming:
        lines.append(_("다음 방송:"))
        lines.extend(f"· {_when(item)} {localised(item, 'title')}" for item in upcoming)
    elif not live:
        lines.append(_("예정된 방송이 없습니다."))
    lines.append(_("편성표: %(url)s") % {"url": settings.SITE_URL.rstrip("/") + reverse("tv:index")})
    return "\n".join(lines)


class TvTopic(Topic):
    key = KEY
    order = 30
    commands = {
        "on_air": (ON_AIR, "소통tv", "소통 tv", "생방송", "방송", "편성표", "live", "tv", "直播", "电视")
    }
    menu = (ON_AIR,)
    menu_lines = (gettext_noop("소통TV: 지금 생방송과 다음 방송을 봅니다."),)

    def handle(self, turn: Turn, conversation: Conversation) -> Reply | None:
        if turn.command != "on_air":
            return None
        return Reply(on_air_text(), quick=[quick(MENU)])
