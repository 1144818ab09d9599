"""``{% tv_sources broadcast as sources %}``: what the control page's sources panel shows (decision 0075)."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils import timezone

from sotong.tv.choices import ChatSource
from sotong.tv.services import external

register = template.Library()


@register.simple_tag
def tv_sources(broadcast: Any) -> dict[str, Any]:
    chats = {chat.platform: chat for chat in broadcast.external_chats.all()}
    today = external.quota_day_of(timezone.now())
    return {
        "enabled": settings.TV_EXTERNAL_CHAT_ENABLED,
        "rows": [
            {
                "platform": platform,
                "label": label,
                "chat": chats.get(platform),
                "quota_today": chats[platform].quota_used
                if platform in chats and chats[platform].quota_day == today
                else 0,
                "configured": bool(
                    settings.TV_YOUTUBE_API_KEY
                    if platform == ChatSource.YOUTUBE
                    else settings.TV_FACEBOOK_ACCESS_TOKEN
                ),
            }
            for platform, label in ChatSource.choices
            if platform in external.PLATFORMS
        ],
        "quota": external.quota_status(),
    }
