from __future__ import annotations

from typing import Any

from sotong.core.events import group_name, send_event_on_commit
from sotong.core.models import Notification


def user_group(user_id: int) -> str:
    return group_name("user", user_id)


def notify_staff(
    *, user: Any, title: str, body: str = "", url: str = "", level: str = "info"
) -> Notification:
    """Record the notice and push it to the person's open back-office pages after commit."""
    notification = Notification.objects.create(user=user, title=title, body=body, url=url, level=level)
    send_event_on_commit(
        user_group(user.pk),
        {
            "type": "notification",
            "id": notification.pk,
            "title": title,
            "body": body,
            "url": url,
            "level": level,
        },
    )
    return notification
